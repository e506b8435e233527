"""Fixtures: a fake Discord on 127.0.0.1 and a ModeratorBot connected to it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import discord
import pytest
import yarl

from chatbot.discord_adapter import ModeratorBot
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeAudit, FakeControl


async def eventually(check: Callable[[], object], *, within: float = 5.0) -> None:
    """Wait until ``check()`` is truthy, failing after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.02)


def make_bot(
    fake: FakeDiscord,
    *,
    control: FakeControl,
    audit: FakeAudit,
    token: str = "fake-token",
    roles: frozenset[int | str] = frozenset({p.MOD_ROLE_ID}),
) -> ModeratorBot:
    """Build a ModeratorBot aimed at ``fake``, with short flush and retry delays."""
    return ModeratorBot(
        token=token,
        guild_id=p.GUILD_ID,
        channel_id=p.CHANNEL_ID,
        moderator_roles=roles,
        control=control,
        audit=audit,
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
        flush_interval=0.3,
        retry_max_delay=0.5,
    )


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Start the fake; the endpoints discord.py uses are restored after the test."""
    fake = FakeDiscord()
    await fake.start()
    # ModeratorBot points discord.py here itself and restores on close; monkeypatch
    # guarantees the globals come back even when a test fails before close().
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    yield fake
    await fake.stop()


@pytest.fixture
def control() -> FakeControl:
    return FakeControl()


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, control: FakeControl, audit: FakeAudit
) -> AsyncIterator[ModeratorBot]:
    """A ModeratorBot logged in to the fake, its guild cached and commands registered."""
    moderator_bot = make_bot(fake_discord, control=control, audit=audit)
    await moderator_bot.start()
    await eventually(
        lambda: (
            moderator_bot.client is not None
            and moderator_bot.client.get_guild(p.GUILD_ID) is not None
            and fake_discord.commands is not None
        )
    )
    yield moderator_bot
    await moderator_bot.close()
