"""Running Mastodon.py's blocking calls: in a worker thread, one at a time, with bounded
retries, and its exceptions turned into the adapter's few error kinds.

A call is retried after a lost connection, a timeout or a 5xx: reading is safe to repeat,
and posting is too, because every status is sent with its Idempotency-Key. A 429 waits
for the reset Mastodon gave (``X-RateLimit-Reset``) when that is near, else raises
MastodonRateLimitedError at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from mastodon import errors as api_errors
from mastodon.Mastodon import Mastodon

from chatbot.mastodon.errors import (
    MastodonAuthError,
    MastodonError,
    MastodonNotFoundError,
    MastodonRateLimitedError,
    MastodonRefusedError,
    MastodonTooLongError,
    MastodonUnavailableError,
)

log = logging.getLogger("chatbot.mastodon")
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often to keep trying before telling the bot Mastodon is down."""

    max_attempts: int = 4  # sends per call, for 5xx, timeouts and lost connections
    base_delay: float = 1.0  # seconds; doubles each retry
    max_delay: float = 30.0
    max_rate_limit_waits: int = 2
    max_rate_limit_wait: float = 300.0  # Mastodon's windows are 5 minutes
    min_rate_limit_wait: float = 1.0
    rate_limit_wait_unknown: float = 60.0  # a 429 without a reset time
    timeout: float = 20.0  # seconds per HTTP request


class _RateLimited(Exception):
    """A 429, with the reset Mastodon.py read from its headers (seconds from now)."""

    def __init__(self, wait: float | None) -> None:
        super().__init__("rate limited")
        self.wait = wait


def _status_of(exc: api_errors.MastodonAPIError) -> int | None:
    args = exc.args
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _message_of(exc: api_errors.MastodonAPIError) -> str:
    args = exc.args
    if len(args) > 3:  # Mastodon.py's (text, status, reason, the body's "error")
        return str(args[3]) if args[3] else f"HTTP {args[1]} {args[2]}"
    return str(exc)


def refusal(operation: str, exc: api_errors.MastodonAPIError) -> MastodonError | None:
    """The adapter's error for a refusal, or None for a failure worth retrying (5xx)."""
    status = _status_of(exc)
    message = _message_of(exc)
    if isinstance(exc, api_errors.MastodonServerError) or status is None or status >= 500:
        return None
    if status == 401:
        return MastodonAuthError(f"{operation}: Mastodon refused the access token: {message}")
    if status == 403 and "scope" in message:
        return MastodonAuthError(f"{operation}: the access token lacks a scope: {message}")
    if status == 404:
        return MastodonNotFoundError(f"{operation}: {message}")
    if status == 422 and "character limit" in message:
        return MastodonTooLongError(f"{operation}: {message}")
    return MastodonRefusedError(f"{operation}: Mastodon refused ({status}): {message}")


class Caller:
    """Runs one Mastodon.py client's calls off the event loop under a RetryPolicy."""

    def __init__(
        self, api: Mastodon, policy: RetryPolicy, *, now: Callable[[], datetime], sleep: Sleep
    ) -> None:
        self.api = api
        self.policy = policy
        self.now = now
        self.sleep = sleep
        # Mastodon.py keeps the last rate-limit headers on the client: one call at a time,
        # so a 429's reset is read before another call overwrites it.
        self._lock = threading.Lock()

    def _guarded(self, call: Callable[[], T]) -> T:
        with self._lock:
            try:
                return call()
            except api_errors.MastodonRatelimitError as exc:
                reset = self.api.ratelimit_reset
                raise _RateLimited(reset - time.time() if reset else None) from exc

    async def run(self, operation: str, call: Callable[[], T]) -> T:
        """Run ``call`` in a worker thread, retrying what may pass; raise a MastodonError."""
        failures = waits = 0
        while True:
            try:
                return await asyncio.to_thread(self._guarded, call)
            except _RateLimited as limited:
                waits += 1
                await self._wait_for_reset(operation, limited, waits)
            except api_errors.MastodonAPIError as exc:
                error = refusal(operation, exc)
                if error is not None:
                    log.error("mastodon %s: %s", operation, error)
                    raise error from exc
                failures = await self._back_off(operation, exc, failures)
            except api_errors.MastodonNetworkError as exc:
                failures = await self._back_off(operation, exc, failures)

    async def _back_off(self, operation: str, exc: Exception, failures: int) -> int:
        failures += 1
        reason = _message_of(exc) if isinstance(exc, api_errors.MastodonAPIError) else str(exc)
        if failures >= self.policy.max_attempts:
            log.error("mastodon %s: giving up after %d failures: %s", operation, failures, reason)
            raise MastodonUnavailableError(f"{operation}: {reason}") from exc
        delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (failures - 1))
        log.warning("mastodon %s: %s; retry %d in %.1fs", operation, reason, failures, delay)
        await self.sleep(delay)
        return failures

    async def _wait_for_reset(self, operation: str, limited: _RateLimited, waits: int) -> None:
        policy = self.policy
        if limited.wait is None:
            delay = policy.rate_limit_wait_unknown
        else:
            delay = max(limited.wait + 1.0, policy.min_rate_limit_wait)
        reset_at = self.now() + timedelta(seconds=delay)
        if delay > policy.max_rate_limit_wait or waits > policy.max_rate_limit_waits:
            log.error("mastodon %s: rate limited until %s; not waiting", operation, reset_at)
            raise MastodonRateLimitedError(
                f"{operation}: rate limited by Mastodon until {reset_at.isoformat()}",
                reset_at=reset_at if limited.wait is not None else None,
            ) from limited
        log.warning("mastodon %s: rate limited, waiting %.1fs", operation, delay)
        await self.sleep(delay)
