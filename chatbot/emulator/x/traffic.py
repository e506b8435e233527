"""What the emulator records and perturbs: request log, billing, rate limits and faults."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# (limit, window seconds) per endpoint, as X documents them for user context.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "POST /2/tweets": (100, 900),
    "DELETE /2/tweets/:id": (50, 900),
    "GET /2/tweets/search/recent": (300, 900),
    "GET /2/tweets": (900, 900),
    "GET /2/tweets/:id": (900, 900),
    "GET /2/users/me": (75, 900),
    "GET /2/users/:id/tweets": (900, 900),
    "POST /2/media/upload": (500, 900),
}


@dataclass(slots=True)
class LoggedRequest:
    """One request as the emulator saw it."""

    endpoint: str
    method: str
    path: str
    status: int
    at: datetime
    posts_returned: int = 0


@dataclass(slots=True)
class RequestLog:
    """Requests per endpoint, posts returned and billed, posts created."""

    entries: list[LoggedRequest] = field(default_factory=list)
    posts_created: int = 0
    posts_created_with_url: int = 0
    posts_returned: int = 0
    billed_reads: set[tuple[int, str]] = field(default_factory=set)
    returned_ids: Counter[int] = field(default_factory=Counter)

    def record_read(self, post_ids: Iterable[int], at: datetime) -> int:
        """Count posts returned to a client; each post is billed once per UTC day."""
        count = 0
        day = at.date().isoformat()
        for post_id in post_ids:
            count += 1
            self.returned_ids[post_id] += 1
            self.billed_reads.add((post_id, day))
        self.posts_returned += count
        return count

    def counts(self) -> dict[str, int]:
        """Return how many requests each endpoint answered (any status)."""
        return dict(Counter(entry.endpoint for entry in self.entries))

    def summary(self) -> dict[str, Any]:
        """Return the log as the control API shows it."""
        return {
            "requests": self.counts(),
            "statuses": dict(Counter(f"{e.endpoint} {e.status}" for e in self.entries)),
            "posts_created": self.posts_created,
            "posts_created_with_url": self.posts_created_with_url,
            "posts_returned": self.posts_returned,
            "billed_reads": len(self.billed_reads),
        }


@dataclass(slots=True)
class Window:
    """One endpoint's rate-limit window."""

    limit: int
    seconds: int
    remaining: int
    resets_at: datetime


class RateLimiter:
    """Per-endpoint request budgets; the headers X sends on every response."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.limits = dict(DEFAULT_RATE_LIMITS)
        self.windows: dict[str, Window] = {}

    def configure(self, endpoint: str, *, limit: int, window_seconds: int) -> None:
        """Set an endpoint's limit and restart its window."""
        self.limits[endpoint] = (limit, window_seconds)
        self.windows.pop(endpoint, None)

    def take(self, endpoint: str) -> tuple[bool, dict[str, str]]:
        """Spend one request; return (allowed, rate-limit headers)."""
        limit, seconds = self.limits.get(endpoint, (10_000, 900))
        now = self.now()
        window = self.windows.get(endpoint)
        if window is None or now >= window.resets_at:
            window = Window(limit, seconds, limit, now + timedelta(seconds=seconds))
            self.windows[endpoint] = window
        allowed = window.remaining > 0
        if allowed:
            window.remaining -= 1
        return allowed, self.headers(window)

    @staticmethod
    def headers(window: Window) -> dict[str, str]:
        """Return the x-rate-limit-* headers for a window."""
        return {
            "x-rate-limit-limit": str(window.limit),
            "x-rate-limit-remaining": str(window.remaining),
            "x-rate-limit-reset": str(math.ceil(window.resets_at.timestamp())),
        }


@dataclass(slots=True)
class Faults:
    """Failures queued for the next requests (to the X API routes only)."""

    rate_limited: int = 0
    rate_limit_reset_seconds: float = 60.0
    # (status, after processing), or None: answer this one normally
    errors: list[tuple[int, bool] | None] = field(default_factory=list)
    drops: list[bool] = field(default_factory=list)  # after processing?
    latency_seconds: float = 0.0
    latency_count: int | None = None  # None: every request

    def take_latency(self) -> float:
        """Return the delay for this request and count it down."""
        if self.latency_seconds <= 0:
            return 0.0
        if self.latency_count is not None:
            if self.latency_count <= 0:
                return 0.0
            self.latency_count -= 1
        return self.latency_seconds

    def clear(self) -> None:
        """Forget every queued fault."""
        self.rate_limited = 0
        self.errors.clear()
        self.drops.clear()
        self.latency_seconds = 0.0
        self.latency_count = None
