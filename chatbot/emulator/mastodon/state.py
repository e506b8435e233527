"""Everything one emulated instance holds, shared by its route handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from chatbot.emulator.mastodon.limits import RateLimiter
from chatbot.emulator.mastodon.store import Store
from chatbot.emulator.mastodon.streaming import Hub
from chatbot.emulator.x.traffic import Faults, RequestLog

DEFAULT_TOKEN = "emulator-mastodon-token"  # the host account's access token


@dataclass(slots=True)
class State:
    """The instance's world, tokens, log, limits, faults and streaming hub."""

    now: Callable[[], datetime]
    store: Store
    max_characters: int
    heartbeat_seconds: float
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> account id
    credentials_valid: bool = True
    streaming_down: bool = False
    log: RequestLog = field(default_factory=RequestLog)
    faults: Faults = field(default_factory=Faults)
    hub: Hub = field(default_factory=Hub)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.now)

    def account_for(self, token: str) -> str | None:
        """The account id an access token stands for, if it is valid."""
        return self.tokens.get(token) if self.credentials_valid else None


STATE = web.AppKey("mastodon_state", State)
