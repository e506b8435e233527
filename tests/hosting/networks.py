"""A chat hosted on X, Bluesky and Mastodon at once, each on its local emulator, one clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from chatbot.bluesky import BlueskyClient, RetryPolicy
from chatbot.bluesky.jetstream import Backoff as JetBackoff
from chatbot.bluesky.outlet import BlueskyOutlet
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Author, Network
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.hosting.runner import ChatRunner
from chatbot.mastodon.calls import RetryPolicy as MastoRetry
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.outlet import MastodonOutlet
from chatbot.mastodon.stream import Backoff as MastoBackoff
from chatbot.ports import Outlet
from tests.clock import ManualClock
from tests.hosting.conftest import T0, Rig

ALL = (Network.X, Network.BLUESKY, Network.MASTODON)


def on_networks(chat: ChatSpec, networks: tuple[Network, ...] = ALL) -> ChatSpec:
    """The chat hosted on ``networks``, with the emulators' host accounts."""
    hosts = {Network.X: chat.host, Network.BLUESKY: HOST_HANDLE, Network.MASTODON: "smbchat"}
    return replace(chat, networks=networks, hosts={n: hosts[n] for n in networks})


@dataclass
class Nets:
    """The Bluesky and Mastodon emulators and the outlets of the current process."""

    bluesky: BlueskyEmulator
    mastodon: MastodonEmulator
    clock: ManualClock
    outlets: dict[Network, Outlet] = field(default_factory=dict)
    hosts: dict[Network, Author] = field(default_factory=dict)
    closers: list[Any] = field(default_factory=list)

    async def connect(self) -> None:
        """A new process's outlets, logged in (what ``chatbot run`` does at start)."""
        bsky = BlueskyClient(
            service=self.bluesky.base_url,
            handle=HOST_HANDLE,
            app_password=HOST_APP_PASSWORD,
            policy=RetryPolicy(max_attempts=2, base_delay=0.0, timeout=3.0),
            now=self.clock.now,
        )
        masto = MastodonClient(
            base_url=self.mastodon.base_url,
            access_token=self.mastodon.token,
            retry=MastoRetry(max_attempts=2, base_delay=0.0, timeout=3.0),
            now=self.clock.now,
        )
        self.outlets = {
            Network.BLUESKY: BlueskyOutlet(
                bsky,
                jetstream=self.bluesky.jetstream_url,
                now=self.clock.now,
                backoff=JetBackoff(base=0.05, cap=0.2),
            ),
            Network.MASTODON: MastodonOutlet(masto, backoff=MastoBackoff(base=0.05, cap=0.2)),
        }
        self.hosts = {n: await o.connect() for n, o in self.outlets.items()}
        self.closers += list(self.outlets.values())

    async def close(self) -> None:
        for outlet in self.closers:
            await outlet.close()


@pytest.fixture
async def nets(clock: ManualClock) -> AsyncIterator[Nets]:
    """Both emulators on 127.0.0.1 on the test's clock, and outlets logged in."""
    bluesky = BlueskyEmulator(now=clock.now)
    mastodon = MastodonEmulator(now=clock.now, heartbeat_seconds=0.2)
    await bluesky.start()
    await mastodon.start()
    found = Nets(bluesky, mastodon, clock)
    await found.connect()
    yield found
    await found.close()
    await mastodon.stop()
    await bluesky.stop()


def host_on(rig: Rig, nets: Nets, networks: tuple[Network, ...] = ALL) -> None:
    """A new host process for ``rig`` that also posts on the other networks."""
    rig.catalog.chats["smbchat"] = on_networks(rig.catalog.chats["smbchat"], networks)
    host = rig.new_host()
    host.deps = replace(host.deps, outlets=dict(nets.outlets), net_hosts=dict(nets.hosts))


async def settle(runner: ChatRunner | None = None, seconds: float = 0.05) -> None:
    """Real time for background sends and streams to do their HTTP."""
    await asyncio.sleep(seconds)


async def run_until(
    rig: Rig,
    until: datetime,
    *,
    runner: ChatRunner | None = None,
    act: Any = None,
    step: timedelta = timedelta(seconds=30),
) -> ChatRunner:
    """Open the chat at T0 and step it every ``step`` until ``until``; ``act(now)`` is
    called before each step (a crowd posting)."""
    chat = rig.catalog.chats["smbchat"]
    assert rig.host is not None
    while rig.clock.now() < until:
        if runner is None and rig.clock.now() >= T0:
            runner = await rig.host.open_chat(chat, T0)
        if act is not None:
            act(rig.clock.now())
        if runner is not None:
            await runner.step()
        await settle()
        await rig.clock.advance(step)
    assert runner is not None
    return runner
