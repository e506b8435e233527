"""Recap fixtures: a fresh database (SQLite and PostgreSQL) and a local X emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chatbot.emulator.x import XEmulator
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from tests.dbfixtures import *  # noqa: F403


async def _no_wait(seconds: float) -> None:
    return None


def make_client(emulator: XEmulator) -> TweepyXClient:
    """A real tweepy-backed client signed as the host and pointed at the emulator."""
    return TweepyXClient(
        consumer_key="ck",
        consumer_secret="cs",
        access_token="1500000000000000001-at",
        access_token_secret="ats",
        base_url=emulator.base_url,
        sleep=_no_wait,
        retry=RetryPolicy(timeout=2.0),
    )


@pytest.fixture
async def emulator() -> AsyncIterator[XEmulator]:
    """A fresh X emulator on 127.0.0.1."""
    emu = XEmulator()
    await emu.start("127.0.0.1", 0)
    yield emu
    await emu.stop()


@pytest.fixture
async def x(emulator: XEmulator) -> AsyncIterator[TweepyXClient]:
    """The real X adapter talking to the emulator."""
    client = make_client(emulator)
    yield client
    await client.close()
