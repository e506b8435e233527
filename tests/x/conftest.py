"""Fixtures for the X adapter tests: an emulator on 127.0.0.1 and clients wired to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from oauthlib.oauth1 import Client as OAuthClient
from yarl import URL

from chatbot.emulator.x import DEFAULT_KEYS, Keys, XEmulator
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from chatbot.x.session import OAuth1Credentials, build_session, upload_media


class SleepRecorder:
    """An injected sleep that records durations instead of waiting."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


class RawApi:
    """Plain HTTP to the emulator, signed with OAuth 1.0a as the host, for payload tests.

    Set ``headers`` to send those instead of a signature (e.g. a bearer token).
    """

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, keys: Keys = DEFAULT_KEYS
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.keys = keys
        self.headers: dict[str, str] | None = None

    def _signed(self, method: str, url: URL) -> tuple[URL, dict[str, str]]:
        if self.headers is not None:
            return url, self.headers
        signer = OAuthClient(
            self.keys.consumer_key,
            client_secret=self.keys.consumer_secret,
            resource_owner_key=self.keys.access_token,
            resource_owner_secret=self.keys.access_token_secret,
        )
        signed_url, headers, _ = signer.sign(str(url), method)
        before, _, query = signed_url.partition("?")
        encoded = f"{before}?{query.replace(':', '%3A')}" if query else before
        return URL(encoded, encoded=True), dict(headers)

    def url(self, path: str, **params: Any) -> URL:
        """The emulator's URL for ``path`` with query ``params`` ('__' stands for '.')."""
        query = {k.replace("__", "."): str(v) for k, v in params.items()}
        return URL(self.base_url + path).with_query(query)

    async def call(
        self, method: str, path: str, **params: Any
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Send a signed request; return status, headers and JSON body."""
        url, headers = self._signed(method, self.url(path, **params))
        async with self.session.request(method, url, headers=headers) as response:
            body = await response.json(content_type=None)
            return response.status, dict(response.headers), body

    async def get(self, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """GET a path; return status and JSON body."""
        status, _, body = await self.call("GET", path, **params)
        return status, body

    async def search(self, query: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """Run a recent search."""
        return await self.get("/2/tweets/search/recent", query=query, **params)


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A small PNG file to post."""
    path = tmp_path / "chart.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    return path


def signer(keys: Keys = DEFAULT_KEYS) -> OAuth1Credentials:
    """The OAuth 1.0a secrets of ``keys``, as the media upload signs with them."""
    return OAuth1Credentials(
        keys.consumer_key, keys.consumer_secret, keys.access_token, keys.access_token_secret
    )


async def upload(emulator: XEmulator, image: Path, credentials: OAuth1Credentials) -> str:
    """Upload ``image`` to the emulator with X's multipart simple upload; the media id."""
    data = await asyncio.to_thread(image.read_bytes)
    session = build_session(emulator.base_url, timeout_seconds=5)
    try:
        return await upload_media(session, credentials, image, data)
    finally:
        await session.close()


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
    keys = emulator.keys
    for name in ("consumer_key", "consumer_secret", "access_token", "access_token_secret"):
        kwargs.setdefault(name, getattr(keys, name))
    return TweepyXClient(base_url=emulator.base_url, sleep=sleeps, **kwargs)


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
