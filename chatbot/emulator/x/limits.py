"""X's rate limits: a 15-minute bucket per user (OAuth 1.0a) or per app (bearer), and the
24-hour post limits, with the headers X sends on every response."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chatbot.emulator.x.auth import Auth

DAY = 86_400


@dataclass(frozen=True, slots=True)
class Limit:
    """One endpoint's budgets; None where X documents none (the request is not limited)."""

    per_user: int | None  # per window, with OAuth 1.0a user context
    per_app: int | None  # per window, with the app-only bearer token
    window: int = 900  # seconds
    user_day: int | None = None  # per 24 hours, per user
    app_day: int | None = None  # per 24 hours, the whole app, whatever the auth


# docs.x.com/x-api/fundamentals/rate-limits; 2,400 posts a day per account is X's
# account limit (help.x.com, "X limits").
X_LIMITS: dict[str, Limit] = {
    "POST /2/tweets": Limit(100, None, user_day=2400, app_day=10_000),
    "DELETE /2/tweets/:id": Limit(50, None),
    "GET /2/tweets/search/recent": Limit(300, 450),
    "GET /2/tweets": Limit(5000, 3500),
    "GET /2/tweets/:id": Limit(900, 450),
    "GET /2/users/me": Limit(75, None),
    "GET /2/users/:id/tweets": Limit(900, 10_000),
    "POST /2/media/upload": Limit(500, None),
}


@dataclass(slots=True)
class Window:
    """One bucket's current window."""

    limit: int
    remaining: int
    resets_at: datetime


class RateLimiter:
    """Every bucket of every endpoint; ``take`` spends one request from each that applies."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.limits = dict(X_LIMITS)
        self.windows: dict[tuple[str, str], Window] = {}

    def configure(self, endpoint: str, *, limit: int, window_seconds: int) -> None:
        """Set an endpoint's 15-minute-style budget (user and app alike); restart it."""
        current = self.limits.get(endpoint, Limit(None, None))
        self.limits[endpoint] = replace(
            current, per_user=limit, per_app=limit, window=window_seconds
        )
        self._restart(endpoint)

    def configure_daily(self, endpoint: str, *, user: int | None, app: int | None) -> None:
        """Set an endpoint's 24-hour budgets (None keeps one as it is); restart them."""
        current = self.limits.get(endpoint, Limit(None, None))
        self.limits[endpoint] = replace(
            current,
            user_day=current.user_day if user is None else user,
            app_day=current.app_day if app is None else app,
        )
        self._restart(endpoint)

    def _restart(self, endpoint: str) -> None:
        for key in [key for key in self.windows if key[0] == endpoint]:
            del self.windows[key]

    def take(self, endpoint: str, auth: Auth) -> tuple[bool, dict[str, str]]:
        """Spend one request; return (allowed, the headers X sends with the answer)."""
        limit = self.limits.get(endpoint, Limit(None, None))
        user = f"user:{auth.user_id}" if auth.kind == "oauth1" else None
        buckets = [
            ("x-rate-limit", f"{user or 'app'}", limit.per_user if user else limit.per_app,
             limit.window),
            ("x-user-limit-24hour", f"day-{user}", limit.user_day if user else None, DAY),
            ("x-app-limit-24hour", "day-app", limit.app_day, DAY),
        ]  # fmt: skip
        windows = [
            (prefix, self._window(endpoint, key, budget, seconds))
            for prefix, key, budget, seconds in buckets
            if budget is not None
        ]
        allowed = all(window.remaining > 0 for _, window in windows)
        headers: dict[str, str] = {}
        for prefix, window in windows:
            if allowed:
                window.remaining -= 1
            headers |= {
                f"{prefix}-limit": str(window.limit),
                f"{prefix}-remaining": str(window.remaining),
                f"{prefix}-reset": str(math.ceil(window.resets_at.timestamp())),
            }
        return allowed, headers

    def _window(self, endpoint: str, key: str, budget: int, seconds: int) -> Window:
        now = self.now()
        window = self.windows.get((endpoint, key))
        if window is None or now >= window.resets_at:
            window = Window(budget, budget, now + timedelta(seconds=seconds))
            self.windows[(endpoint, key)] = window
        return window

    @staticmethod
    def exhausted_headers(limit: Limit | None, resets_at: datetime) -> dict[str, str]:
        """The 15-minute headers of a window with nothing left (for an injected 429)."""
        return {
            "x-rate-limit-limit": str(limit.per_user or limit.per_app or 0) if limit else "0",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(math.ceil(resets_at.timestamp())),
        }
