"""Fixtures for the Mastodon adapter tests: an emulated instance on 127.0.0.1 and the real
Mastodon.py client, through the adapter, pointed at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.calls import RetryPolicy
from chatbot.mastodon.client import MastodonClient


class SleepRecorder:
    """An injected sleep that records durations and only yields to the event loop."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self._called = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)
        self._called.set()
        await asyncio.sleep(0.01)  # a reconnection loop must not spin the loop

    async def wait_for(self, count: int) -> None:
        """Wait until ``count`` sleeps were asked for (bound it with asyncio.timeout)."""
        while len(self.durations) < count:
            self._called.clear()
            await self._called.wait()


@pytest.fixture
async def emulator() -> AsyncIterator[MastodonEmulator]:
    """A fresh instance with quick heartbeats, listening on 127.0.0.1."""
    emu = MastodonEmulator(heartbeat_seconds=0.2)
    await emu.start("127.0.0.1", 0)
    yield emu
    await emu.stop()


@pytest.fixture
def sleeps() -> SleepRecorder:
    """The sleep the client uses; records every wait."""
    return SleepRecorder()


def make_client(emulator: MastodonEmulator, sleeps: SleepRecorder, **kwargs: Any) -> MastodonClient:
    """A MastodonClient with the host's token, pointed at the emulator."""
    kwargs.setdefault("retry", RetryPolicy(timeout=2.0))
    kwargs.setdefault("access_token", emulator.token)
    return MastodonClient(base_url=emulator.base_url, sleep=sleeps, **kwargs)


@pytest.fixture
async def client(
    emulator: MastodonEmulator, sleeps: SleepRecorder
) -> AsyncIterator[MastodonClient]:
    """A connected client for the host account."""
    masto = make_client(emulator, sleeps)
    await masto.connect()
    yield masto
    masto.close()
