"""A PDS's rate limits and the ``RateLimit-*`` headers it sends with every answer.

The PDS's own numbers: 3000 requests per 5 minutes per IP for everything; logins 30 per
5 minutes; repo writes spend points (create 3, delete 1) from 5000 an hour and 35000 a
day per account. Each answer carries the state of the tightest bucket it spent from, as
@atproto/xrpc-server writes it: ``RateLimit-Limit``, ``RateLimit-Remaining``,
``RateLimit-Reset`` (Unix seconds) and ``RateLimit-Policy`` (``3000;w=300``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(slots=True)
class Bucket:
    """A budget of ``points`` per ``window`` seconds."""

    points: int
    window: int


@dataclass(slots=True)
class Window:
    """One bucket's current window for one key."""

    limit: int
    window: int
    remaining: int
    resets_at: datetime


PDS_BUCKETS = {
    "global-ip": Bucket(3000, 300),
    "create-session": Bucket(30, 300),
    "repo-write-hour": Bucket(5000, 3600),
    "repo-write-day": Bucket(35000, 86400),
}
WRITE_POINTS = {"com.atproto.repo.createRecord": 3, "com.atproto.repo.deleteRecord": 1}


def headers_of(window: Window) -> dict[str, str]:
    """The ``RateLimit-*`` headers of a window."""
    return {
        "RateLimit-Limit": str(window.limit),
        "RateLimit-Remaining": str(window.remaining),
        "RateLimit-Reset": str(math.floor(window.resets_at.timestamp())),
        "RateLimit-Policy": f"{window.limit};w={window.window}",
    }


class RateLimiter:
    """Every bucket of the PDS; ``take`` spends from each that applies to a method."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.buckets = dict(PDS_BUCKETS)
        self.windows: dict[tuple[str, str], Window] = {}

    def configure(self, bucket: str, *, points: int, window_seconds: int) -> None:
        """Change a bucket's budget (``global-ip``, ``create-session``, ``repo-write-hour``,
        ``repo-write-day``) and restart its windows."""
        if bucket not in self.buckets:
            raise KeyError(f"no rate-limit bucket {bucket!r}; known: {sorted(self.buckets)}")
        self.buckets[bucket] = Bucket(points, window_seconds)
        for key in [key for key in self.windows if key[0] == bucket]:
            del self.windows[key]

    def take(self, nsid: str, *, ip: str, did: str | None) -> tuple[bool, dict[str, str]]:
        """Spend a method's points; return (allowed, the headers of the tightest bucket)."""
        spend = [("global-ip", ip, 1)]
        if nsid == "com.atproto.server.createSession":
            spend.append(("create-session", ip, 1))
        if nsid in WRITE_POINTS and did:
            spend += [
                (name, did, WRITE_POINTS[nsid]) for name in ("repo-write-hour", "repo-write-day")
            ]
        windows = [(self._window(name, key), points) for name, key, points in spend]
        allowed = all(window.remaining >= points for window, points in windows)
        if allowed:
            for window, points in windows:
                window.remaining -= points
        tightest = min((window for window, _ in windows), key=lambda w: w.remaining / w.limit)
        if not allowed:
            tightest = next(w for w, points in windows if w.remaining < points)
        return allowed, headers_of(tightest)

    def spent_headers(self, resets_in: float) -> dict[str, str]:
        """Headers of a spent global window resetting in ``resets_in`` s (an injected 429)."""
        bucket = self.buckets["global-ip"]
        resets_at = self.now() + timedelta(seconds=resets_in)
        return headers_of(Window(bucket.points, bucket.window, 0, resets_at)) | {
            "Retry-After": str(math.ceil(resets_in))
        }

    def _window(self, name: str, key: str) -> Window:
        now = self.now()
        window = self.windows.get((name, key))
        if window is None or now >= window.resets_at:
            bucket = self.buckets[name]
            resets = now + timedelta(seconds=bucket.window)
            window = Window(bucket.points, bucket.window, bucket.points, resets)
            self.windows[(name, key)] = window
        return window
