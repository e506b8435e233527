"""Bounded retries around one X call: rate-limit waits, backoff, and error translation.

Never a hot loop: every retry sleeps, at least ``min_rate_limit_wait`` after a 429 and
until the reset X gives; a reset further away than ``max_rate_limit_wait`` (a 24-hour
post limit) raises XRateLimitedError at once with the reset time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import aiohttp
import tweepy

from chatbot.ports import (
    XAuthError,
    XCreditsExhaustedError,
    XError,
    XForbiddenError,
    XRateLimitedError,
    XUnavailableError,
    XWritePermissionError,
)
from chatbot.x.session import EdgeError, read_window

log = logging.getLogger("chatbot.x")
T = TypeVar("T")
DUPLICATE_MARKER = "duplicate content"
UNKNOWN_AUTH_MARKER = "Authenticating with Unknown"  # X's intermittent 403: retried
WRITE_PERMISSION_MARKER = "oauth1 app permissions"  # X's oauth1-permissions problem
WRITE_PERMISSION_HELP = (
    "X says this access token may not post: in the X developer console set the app's "
    "User authentication settings to Read and write, then regenerate the access token "
    "and secret (a token keeps the permission it was made with) and put them in .env"
)
CREDITS_HELP = "X answered 402: the pay-per-use account has no credits left; add credits"
_WINDOWS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


class DuplicateContent(XError):
    """X answered 403 duplicate content (resolved by the client, never retried)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often to keep trying before telling the bot X is unavailable."""

    max_attempts: int = 4  # sends per call, for 5xx, timeouts, connection errors, 403 Unknown
    base_delay: float = 1.0  # seconds; doubles each retry
    max_delay: float = 30.0
    max_rate_limit_waits: int = 3
    max_rate_limit_wait: float = 900.0  # never block a chat longer than one 15-min window
    min_rate_limit_wait: float = 5.0  # even when the reset has passed (clocks differ)
    rate_limit_wait_unknown: float = 60.0  # a 429 without a reset time
    timeout: float = 20.0  # seconds per HTTP request


Sleep = Callable[[float], Awaitable[None]]
Resend = Callable[[], Awaitable[T | None]]


def rate_limit_reset(headers: Mapping[str, str]) -> datetime | None:
    """When a 429's limit resets: the latest reset of the windows with nothing left (a
    24-hour limit resets hours after the 15-minute one), else the 15-minute reset."""
    windows = [read_window(headers, prefix) for prefix in _WINDOWS]
    spent = [window.reset for window in windows if window and window.remaining <= 0]
    if spent:
        return max(spent)
    return windows[0].reset if windows[0] else None


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
            except (tweepy.HTTPException, EdgeError, aiohttp.ClientError, TimeoutError) as exc:
                verdict = _verdict(operation, exc)
                if verdict == "rate":
                    waits += 1
                    await self._wait_for_reset(operation, exc, waits)
                    continue
                failures = await self._back_off(operation, exc, failures)
                if verdict == "maybe-done" and before_resend is not None:
                    settled = await self._settle(operation, before_resend)
                    if settled is not None:
                        return settled
                continue
            if failures or waits:
                log.info("x %s: succeeded after %d failures, %d waits", operation, failures, waits)
            return result

    async def _back_off(self, operation: str, exc: BaseException, failures: int) -> int:
        """Count one more failure; raise when they are used up, else sleep and return it."""
        failures += 1
        reason = _describe(exc)
        if failures >= self.policy.max_attempts:
            log.error("x %s: giving up after %d failures: %s", operation, failures, reason)
            if isinstance(exc, tweepy.Forbidden):
                raise XForbiddenError(f"{operation}: {exc}") from exc
            raise XUnavailableError(f"{operation}: {reason}") from exc
        delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (failures - 1))
        log.warning("x %s: %s; retry %d in %.1fs", operation, reason, failures, delay)
        await self.sleep(delay)
        return failures

    async def _wait_for_reset(self, operation: str, exc: Exception, waits: int) -> None:
        """Sleep until the 429's reset, or raise XRateLimitedError when it is too far."""
        headers = exc.headers if isinstance(exc, EdgeError) else _response_headers(exc)
        reset = rate_limit_reset(headers)
        if reset is None:
            delay = self.policy.rate_limit_wait_unknown
        else:
            delay = max((reset - self.now()).total_seconds() + 1.0, self.policy.min_rate_limit_wait)
        reset_at = reset or self.now() + timedelta(seconds=delay)
        if delay > self.policy.max_rate_limit_wait or waits > self.policy.max_rate_limit_waits:
            log.error(
                "x %s: rate limited until %s UTC; not waiting for it",
                operation,
                reset_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            )
            raise XRateLimitedError(
                f"{operation}: rate limited by X until {reset_at.isoformat()}", reset_at=reset
            ) from exc
        log.warning("x %s: rate limited, waiting %.1fs", operation, delay)
        await self.sleep(delay)

    @staticmethod
    async def _settle(operation: str, before_resend: Resend[T]) -> T | None:
        try:
            return await before_resend()
        except XError as exc:
            # X's duplicate check still guards the re-send; go ahead.
            log.warning("x %s: could not check for an earlier success: %s", operation, exc)
            return None


def _verdict(operation: str, exc: Exception) -> str:
    """What a failure means: "rate" (429: wait for the reset), "maybe-done" (5xx, timeout,
    lost connection: the call may have been done), "again" (refused, but worth another
    try); every other failure raises the XError it stands for."""
    status = exc.status if isinstance(exc, EdgeError) else _status(exc)
    if status == 429:
        return "rate"
    if status is None or status >= 500:
        return "maybe-done"
    if status == 401:
        log.error("x %s: credentials refused (401)", operation)
        raise XAuthError(f"{operation}: X refused the credentials") from exc
    if status == 402:
        log.error("x %s: %s", operation, CREDITS_HELP)
        raise XCreditsExhaustedError(f"{operation}: {CREDITS_HELP}") from exc
    if isinstance(exc, tweepy.Forbidden):
        text = " ".join([str(exc), *exc.api_messages])
        if DUPLICATE_MARKER in text:
            log.info("x %s: duplicate content (403)", operation)
            raise DuplicateContent(str(exc)) from exc
        if WRITE_PERMISSION_MARKER in text:
            log.error("x %s: %s", operation, WRITE_PERMISSION_HELP)
            raise XWritePermissionError(f"{operation}: {WRITE_PERMISSION_HELP}") from exc
        if UNKNOWN_AUTH_MARKER in text:
            return "again"
        log.error("x %s: forbidden (403): %s", operation, exc)
        raise XForbiddenError(f"{operation}: {exc}") from exc
    log.error("x %s: refused: %s", operation, exc)
    raise XError(f"{operation}: {exc}") from exc


def _status(exc: Exception) -> int | None:
    return exc.response.status if isinstance(exc, tweepy.HTTPException) else None


def _response_headers(exc: Exception) -> Mapping[str, str]:
    return exc.response.headers if isinstance(exc, tweepy.HTTPException) else {}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, tweepy.HTTPException):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, EdgeError):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
