"""Bounded retries around one X call: rate-limit waits, backoff, and error translation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import aiohttp
import tweepy

from chatbot.ports import XAuthError, XError, XForbiddenError, XUnavailableError

log = logging.getLogger("chatbot.x")
T = TypeVar("T")
DUPLICATE_MARKER = "duplicate content"


class DuplicateContent(XError):
    """X answered 403 duplicate content (resolved by the client, never retried)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often to keep trying before telling the bot X is unavailable."""

    max_attempts: int = 4  # sends per call, for 5xx, timeouts and connection errors
    base_delay: float = 1.0  # seconds; doubles each retry
    max_delay: float = 30.0
    max_rate_limit_waits: int = 3
    max_rate_limit_wait: float = 900.0  # never block a chat longer than one 15-min window
    timeout: float = 20.0  # seconds per HTTP request


Sleep = Callable[[float], Awaitable[None]]
Resend = Callable[[], Awaitable[T | None]]


class Retrier:
    """Runs calls under a RetryPolicy with an injectable clock and sleep."""

    def __init__(self, policy: RetryPolicy, *, now: Callable[[], datetime], sleep: Sleep):
        self.policy = policy
        self.now = now
        self.sleep = sleep

    async def run(
        self,
        operation: str,
        call: Callable[[], Awaitable[T]],
        *,
        before_resend: Resend[T] | None = None,
    ) -> T:
        """Run ``call``; ``before_resend`` may settle the call after an ambiguous failure."""
        failures = 0
        waits = 0
        while True:
            try:
                result = await call()
            except tweepy.TooManyRequests as exc:
                waits += 1
                delay = self._rate_limit_delay(exc)
                if waits > self.policy.max_rate_limit_waits or delay is None:
                    log.error("x %s: rate limited, giving up after %d waits", operation, waits)
                    raise XUnavailableError(f"{operation}: rate limited by X") from exc
                log.warning("x %s: rate limited, waiting %.1fs", operation, delay)
                await self.sleep(delay)
                continue
            except tweepy.Unauthorized as exc:
                log.error("x %s: credentials refused (401)", operation)
                raise XAuthError(f"{operation}: X refused the credentials") from exc
            except tweepy.Forbidden as exc:
                if any(DUPLICATE_MARKER in m for m in exc.api_messages) or (
                    DUPLICATE_MARKER in str(exc)
                ):
                    log.info("x %s: duplicate content (403)", operation)
                    raise DuplicateContent(str(exc)) from exc
                log.error("x %s: forbidden (403): %s", operation, exc)
                raise XForbiddenError(f"{operation}: {exc}") from exc
            except (tweepy.TwitterServerError, aiohttp.ClientError, TimeoutError) as exc:
                failures += 1
                reason = _describe(exc)
                if failures >= self.policy.max_attempts:
                    log.error("x %s: giving up after %d failures: %s", operation, failures, reason)
                    raise XUnavailableError(f"{operation}: {reason}") from exc
                delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (failures - 1))
                log.warning("x %s: %s; retry %d in %.1fs", operation, reason, failures, delay)
                await self.sleep(delay)
                if before_resend is not None:
                    settled = await self._settle(operation, before_resend)
                    if settled is not None:
                        return settled
                continue
            except tweepy.HTTPException as exc:
                log.error("x %s: refused: %s", operation, exc)
                raise XError(f"{operation}: {exc}") from exc
            if failures or waits:
                log.info("x %s: succeeded after %d failures, %d waits", operation, failures, waits)
            return result

    def _rate_limit_delay(self, exc: tweepy.TooManyRequests) -> float | None:
        reset = getattr(exc, "reset_time", None)
        if reset is None:
            return self.policy.base_delay * 60
        delay = max(0.0, reset - self.now().timestamp()) + 1.0
        return delay if delay <= self.policy.max_rate_limit_wait else None

    @staticmethod
    async def _settle(operation: str, before_resend: Resend[T]) -> T | None:
        try:
            return await before_resend()
        except XError as exc:
            # X's duplicate check still guards the re-send; go ahead.
            log.warning("x %s: could not check for an earlier success: %s", operation, exc)
            return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, tweepy.HTTPException):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
