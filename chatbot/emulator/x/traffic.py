"""What the emulator records and perturbs: the request log with billing, and faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    searched: Counter[tuple[int, str]] = field(default_factory=Counter)  # by recent search

    def record_read(self, post_ids: Iterable[int], at: datetime, *, search: bool = False) -> int:
        """Count posts returned to a client; each post is billed once per UTC day."""
        count = 0
        day = at.date().isoformat()
        for post_id in post_ids:
            count += 1
            self.returned_ids[post_id] += 1
            self.billed_reads.add((post_id, day))
            if search:
                self.searched[(post_id, day)] += 1
        self.posts_returned += count
        return count

    def counts(self) -> dict[str, int]:
        """Return how many requests each endpoint answered (any status)."""
        return dict(Counter(entry.endpoint for entry in self.entries))

    def summary(self) -> dict[str, Any]:
        """Return the log as the control API shows it.

        ``returned_per_post`` is posts returned per distinct post returned (1.00: nothing
        was read twice); ``billed_per_post`` the same for what X bills (each post once a
        UTC day); ``searched_again_same_day`` the posts recent search returned more than
        once on one UTC day (lookups by id, such as a metrics refresh, are not searches).
        """
        distinct = len(self.returned_ids)
        return {
            "requests": self.counts(),
            "statuses": dict(Counter(f"{e.endpoint} {e.status}" for e in self.entries)),
            "posts_created": self.posts_created,
            "posts_created_with_url": self.posts_created_with_url,
            "posts_returned": self.posts_returned,
            "billed_reads": len(self.billed_reads),
            "distinct_posts_returned": distinct,
            "returned_per_post": round(self.posts_returned / distinct, 3) if distinct else 0.0,
            "billed_per_post": round(len(self.billed_reads) / distinct, 3) if distinct else 0.0,
            "searched_again_same_day": len([n for n in self.searched.values() if n > 1]),
        }


@dataclass(frozen=True, slots=True)
class InjectedError:
    """One queued failure: its status, its body ("problem", "html", "empty" or
    "unknown-auth") and whether
    the request is processed first (the answer is lost, the work is done)."""

    status: int
    after_processing: bool = False
    body: str = "problem"


@dataclass(slots=True)
class Faults:
    """Failures queued for the next requests (to the X API routes only)."""

    rate_limited: int = 0
    rate_limit_reset_seconds: float = 60.0
    rate_limit_body: str = "problem"
    errors: list[InjectedError | None] = field(default_factory=list)  # None: answer normally
    drops: list[bool] = field(default_factory=list)  # after processing?
    latency_seconds: float = 0.0
    latency_count: int | None = None  # None: every request
    credits_exhausted: bool = False  # every request answers 402 until credits are added

    def take_latency(self) -> float:
        """Return the delay for this request and count it down."""
        if self.latency_seconds <= 0:
            return 0.0
        if self.latency_count is not None:
            if self.latency_count <= 0:
                return 0.0
            self.latency_count -= 1
        return self.latency_seconds

    def add_rate_limits(self, count: int, reset_in_seconds: float) -> None:
        """Answer the next ``count`` requests 429, the limit resetting that far away."""
        self.rate_limited += count
        self.rate_limit_reset_seconds = reset_in_seconds

    def add_errors(self, count: int, error: InjectedError, *, after: int = 0) -> None:
        """Answer ``count`` requests with ``error`` once ``after`` more were answered."""
        self.errors.extend([None] * after + [error] * count)

    def add_drops(self, count: int, *, after_processing: bool) -> None:
        """Close the connection without an answer on the next ``count`` requests."""
        self.drops.extend([after_processing] * count)

    def slow_down(self, seconds: float, count: int | None) -> None:
        """Delay the next ``count`` answers (all when None) by ``seconds``."""
        self.latency_seconds = seconds
        self.latency_count = count

    def clear(self) -> None:
        """Forget every queued fault."""
        self.rate_limited = 0
        self.errors.clear()
        self.drops.clear()
        self.latency_seconds = 0.0
        self.latency_count = None
        self.credits_exhausted = False
