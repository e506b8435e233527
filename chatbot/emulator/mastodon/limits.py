"""Mastodon's rate limits (rack-attack throttles and the per-account status limit), with the
``X-RateLimit-*`` headers it sends: the throttle closest to running out, its reset as an
ISO 8601 time with microseconds, on windows aligned to multiples of the period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Throttle:
    """A budget of ``limit`` requests per ``period`` seconds."""

    name: str
    limit: int
    period: int


# docs.joinmastodon.org/api/rate-limits: 300 requests per 5 minutes per account (or per IP
# without a token), 30 deletions per 30 minutes; RateLimiter's statuses family: 300 per 3 h.
API = Throttle("api", 300, 300)
ENDPOINT_THROTTLES: dict[str, Throttle] = {
    "POST /api/v1/statuses": Throttle("statuses", 300, 3 * 3600),
    "DELETE /api/v1/statuses/:id": Throttle("delete", 30, 1800),
}


def reset_header(moment: datetime) -> str:
    """A reset time as Mastodon writes it (Ruby's ``iso8601(6)``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def limited_headers(limit: int, reset: datetime) -> dict[str, str]:
    """The headers of a 429: nothing remaining until ``reset``."""
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": reset_header(reset),
    }


class RateLimiter:
    """Counts requests per throttle, identity and window."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.api = API
        self.endpoints = dict(ENDPOINT_THROTTLES)
        self.counts: dict[tuple[str, str, int], int] = {}

    def configure(self, endpoint: str | None, *, limit: int, period: int) -> None:
        """Set the budget of one endpoint (None: every API request); restart its windows."""
        if endpoint is None:
            self.api = Throttle("api", limit, period)
        else:
            self.endpoints[endpoint] = Throttle(endpoint, limit, period)
        self.counts.clear()

    def take(self, endpoint: str, identity: str) -> tuple[bool, dict[str, str]]:
        """Spend one request; return (allowed, the headers of the most limited throttle)."""
        now = self.now()
        epoch = int(now.timestamp())
        throttles = [self.api] + ([self.endpoints[endpoint]] if endpoint in self.endpoints else [])
        states = []
        for throttle in throttles:
            key = (throttle.name, identity, epoch // throttle.period)
            states.append((throttle, key, self.counts.get(key, 0)))
        allowed = all(count < throttle.limit for throttle, _, count in states)
        if allowed:
            for _, key, count in states:
                self.counts[key] = count + 1
        throttle, key, _ = min(states, key=lambda s: s[0].limit - self.counts.get(s[1], 0))
        reset = now.replace(microsecond=0) + timedelta(
            seconds=throttle.period - epoch % throttle.period
        )
        remaining = max(0, throttle.limit - self.counts.get(key, 0))
        return allowed, {
            "X-RateLimit-Limit": str(throttle.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset_header(reset),
        }
