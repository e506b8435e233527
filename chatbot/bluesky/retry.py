"""Bounded retries around one XRPC call, and the translation of atproto's errors.

Never a hot loop: every retry sleeps. 5xx answers, dropped connections and timeouts are
retried with doubling delays; a 429 waits for ``RateLimit-Reset`` when it is near and
raises BlueskyRateLimitedError at once when it is not; 400 ExpiredToken refreshes the
session once; any other 400 is a refusal, never retried. A call that may have changed
something (a post) can pass ``recover``: after any failure that leaves its fate unknown,
it is asked whether the change happened before anything is sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import httpx
from atproto_client import exceptions as atp
from atproto_client.models.common import XrpcError

from chatbot.bluesky.errors import (
    BlueskyAuthError,
    BlueskyRateLimitedError,
    BlueskyRefusedError,
    BlueskyUnavailableError,
)

log = logging.getLogger("chatbot.bluesky")
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
_TRANSIENT = (atp.NetworkError, atp.RequestException, httpx.TransportError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often to keep trying before saying Bluesky is unavailable."""

    max_attempts: int = 4  # sends per call, for 5xx, timeouts and dropped connections
    base_delay: float = 1.0  # seconds; doubles each retry
    max_delay: float = 30.0
    max_rate_limit_waits: int = 2
    max_rate_limit_wait: float = 300.0  # one 5-minute window; a spent daily budget raises
    min_rate_limit_wait: float = 1.0  # even when the reset has passed (clocks differ)
    timeout: float = 20.0  # seconds per HTTP request


def error_name(exc: atp.RequestErrorBase) -> tuple[str, str]:
    """The XRPC error name and message of a failed request ('' when there is no body)."""
    content = exc.response.content if exc.response is not None else None
    if isinstance(content, XrpcError):
        return content.error, content.message or ""
    return "", ""


def describe(exc: BaseException) -> str:
    """A short description of a failure for logs and errors."""
    if isinstance(exc, atp.RequestErrorBase) and exc.response is not None:
        name, message = error_name(exc)
        return f"{exc.response.status_code} {name} {message}".strip()
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class Retrier:
    """Runs calls under a RetryPolicy; ``refresh`` renews the session on ExpiredToken."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        sleep: Sleep,
        now: Callable[[], datetime],
        refresh: Callable[[], Awaitable[None]],
    ) -> None:
        self.policy = policy
        self.sleep = sleep
        self.now = now
        self.refresh = refresh

    async def call(
        self,
        what: str,
        send: Callable[[], Awaitable[T]],
        *,
        recover: Callable[[], Awaitable[T | None]] | None = None,
        renew: bool = True,
    ) -> T:
        """Run ``send`` until it succeeds or the policy gives up. A session the PDS no
        longer takes is renewed once (``renew=False`` for the login itself)."""
        attempts = waits = 0
        while True:
            try:
                return await send()
            except atp.BadRequestError as exc:
                name, _ = error_name(exc)
                if name in ("ExpiredToken", "InvalidToken") and renew:
                    renew = False
                    await self.refresh()
                    continue
                raise BlueskyRefusedError(
                    f"Bluesky refused {what}: {describe(exc)}", error=name
                ) from exc
            except atp.UnauthorizedError as exc:
                if renew:
                    renew = False
                    await self.refresh()
                    continue
                raise BlueskyAuthError(f"Bluesky refused {what}: {describe(exc)}") from exc
            except atp.RateLimitExceededError as exc:
                waits += 1
                await self._wait_for_reset(what, exc, waits)
            except _TRANSIENT as exc:
                attempts += 1
                log.warning("Bluesky %s failed (attempt %d): %s", what, attempts, describe(exc))
                if recover is not None and (done := await self._recover(recover)) is not None:
                    return done
                if attempts >= self.policy.max_attempts:
                    raise BlueskyUnavailableError(
                        f"Bluesky {what} failed {attempts} times: {describe(exc)}"
                    ) from exc
                delay = self.policy.base_delay * 2 ** (attempts - 1)
                await self.sleep(min(delay, self.policy.max_delay))

    async def _recover(self, recover: Callable[[], Awaitable[T | None]]) -> T | None:
        """Ask whether the change was made; unknown (the check failed too) counts as no."""
        try:
            return await recover()
        except (*_TRANSIENT, atp.RateLimitExceededError) as exc:
            log.warning("Bluesky: could not check for an earlier copy: %s", describe(exc))
            return None

    async def _wait_for_reset(self, what: str, exc: atp.RateLimitExceededError, waits: int) -> None:
        reset_at = exc.reset_at
        wait = (reset_at - self.now()).total_seconds() if reset_at else None
        if exc.retry_after is not None:
            wait = max(wait or 0.0, exc.retry_after)
        if wait is None or wait > self.policy.max_rate_limit_wait:
            raise BlueskyRateLimitedError(
                f"Bluesky rate limit on {what} resets at {reset_at or 'an unknown time'}",
                reset_at=reset_at,
            ) from exc
        if waits > self.policy.max_rate_limit_waits:
            raise BlueskyRateLimitedError(
                f"Bluesky kept rate-limiting {what}", reset_at=reset_at
            ) from exc
        log.info("Bluesky rate limit on %s: waiting %.0f s", what, wait)
        await self.sleep(max(wait, self.policy.min_rate_limit_wait))


def real_now() -> datetime:
    """The wall clock, aware."""
    return datetime.now(UTC)
