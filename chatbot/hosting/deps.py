"""What every hosting service shares: storage, X and the other networks, moderators, the clock
and usage metering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chatbot.domain.network import Author, Network
from chatbot.domain.posts import XUser
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import ChatStore, Clock, ModeratorChannel, Outlet, XClient


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
    # The networks besides X the bot can host on, and its account on each (connected).
    outlets: Mapping[Network, Outlet] = field(default_factory=dict)
    net_hosts: Mapping[Network, Author] = field(default_factory=dict)
