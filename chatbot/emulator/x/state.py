"""Everything one emulator instance holds, shared by its route handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbot.emulator.x.auth import Credentials
from chatbot.emulator.x.limits import RateLimiter
from chatbot.emulator.x.store import Store
from chatbot.emulator.x.traffic import Faults, RequestLog

# X's recent search shows a post some seconds after it was made, not always in id order:
# the range of delays (seconds) the hosting tests, the benchmarks and `chatbot demo` run with.
SEARCH_LAG_LIKE_X = (1.0, 20.0)


@dataclass(slots=True)
class Settings:
    """Knobs that make the emulator stricter or closer to X's timing.

    ``visibility_delay`` is the range of seconds (drawn per post, seeded by ``seed``)
    before recent search shows a new post, so a newer post can show before an older one;
    (0, 0) shows every post at once.
    """

    search_lag: timedelta = timedelta(0)
    end_time_min_age: timedelta = timedelta(seconds=10)
    duplicate_window: timedelta = timedelta(hours=24)
    visibility_delay: tuple[float, float] = (0.0, 0.0)
    seed: int = 0


@dataclass(slots=True)
class State:
    """The emulator's world, log, credentials and knobs."""

    now: Callable[[], datetime]
    store: Store
    log: RequestLog
    limiter: RateLimiter
    faults: Faults
    settings: Settings
    credentials: Credentials

    @classmethod
    def fresh(
        cls, now: Callable[[], datetime], settings: Settings, credentials: Credentials
    ) -> State:
        """Return an empty world (with only the host account) on clock ``now``."""
        store = Store(now, visibility_delay=settings.visibility_delay, seed=settings.seed)
        return cls(now, store, RequestLog(), RateLimiter(now), Faults(), settings, credentials)
