"""What every hosting service shares: storage, X, moderators, the clock and usage metering."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.domain.posts import XUser
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import ChatStore, Clock, ModeratorChannel, XClient


@dataclass(frozen=True)
class RunnerDeps:
    """The adapters and services the host, its runners and the recap service are built on."""

    store: ChatStore
    x: XClient
    moderators: ModeratorChannel
    clock: Clock
    host_user: XUser
    usage: UsageLedger
    publisher: Publisher
    poll_seconds: float = 15.0
