"""Fixtures for the X adapter tests: an emulator on 127.0.0.1 and clients wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from chatbot.emulator.x import XEmulator
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy


class SleepRecorder:
    """An injected sleep that records durations instead of waiting."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


class RawApi:
    """Plain HTTP to the emulator, for payload-shape tests."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        self.headers = {"Authorization": 'OAuth oauth_consumer_key="ck", oauth_token="1-at", '
                        'oauth_signature="sig", oauth_nonce="n"'}  # fmt: skip

    async def get(self, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """GET a path with user-context auth; return status and JSON body."""
        query = {k.replace("__", "."): str(v) for k, v in params.items()}
        async with self.session.get(
            self.base_url + path, params=query, headers=self.headers
        ) as response:
            return response.status, await response.json()

    async def search(self, query: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """Run a recent search."""
        return await self.get("/2/tweets/search/recent", query=query, **params)


@pytest.fixture
async def emulator() -> AsyncIterator[XEmulator]:
    """A fresh emulator listening on 127.0.0.1."""
    emu = XEmulator()
    await emu.start("127.0.0.1", 0)
    yield emu
    await emu.stop()


@pytest.fixture
def sleeps() -> SleepRecorder:
    """The sleep the client uses; records every wait."""
    return SleepRecorder()


def make_client(emulator: XEmulator, sleeps: SleepRecorder, **kwargs: Any) -> TweepyXClient:
    """Return a TweepyXClient with OAuth 1.0a credentials pointed at the emulator."""
    kwargs.setdefault("retry", RetryPolicy(timeout=2.0))
    return TweepyXClient(
        consumer_key="ck",
        consumer_secret="cs",
        access_token="1500000000000000001-at",
        access_token_secret="ats",
        base_url=emulator.base_url,
        sleep=sleeps,
        **kwargs,
    )


@pytest.fixture
async def client(emulator: XEmulator, sleeps: SleepRecorder) -> AsyncIterator[TweepyXClient]:
    """A real tweepy-backed client talking to the emulator."""
    x = make_client(emulator, sleeps)
    yield x
    await x.close()


@pytest.fixture
async def api(emulator: XEmulator) -> AsyncIterator[RawApi]:
    """Raw HTTP access to the emulator's X routes."""
    async with aiohttp.ClientSession() as session:
        yield RawApi(session, emulator.base_url)
