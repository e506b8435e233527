"""Everything one emulator instance holds, shared by its route handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chatbot.emulator.x.store import Store
from chatbot.emulator.x.traffic import Faults, RateLimiter, RequestLog


@dataclass(slots=True)
class Settings:
    """Knobs that make the emulator stricter or closer to X's timing."""

    search_lag: timedelta = timedelta(0)
    end_time_min_age: timedelta = timedelta(seconds=10)
    duplicate_window: timedelta = timedelta(hours=24)
    tokens: dict[str, int] = field(default_factory=dict)
    strict_tokens: bool = False
    credentials_valid: bool = True


@dataclass(slots=True)
class Auth:
    """Who made a request: a user (user context) or the app alone (bearer)."""

    kind: str  # "oauth1" or "bearer"
    user_id: int | None


@dataclass(slots=True)
class State:
    """The emulator's world, log and knobs."""

    now: Callable[[], datetime]
    store: Store
    log: RequestLog
    limiter: RateLimiter
    faults: Faults
    settings: Settings

    @classmethod
    def fresh(cls, now: Callable[[], datetime], settings: Settings) -> State:
        """Return an empty world (with only the host account) on clock ``now``."""
        return cls(now, Store(now), RequestLog(), RateLimiter(now), Faults(), settings)
