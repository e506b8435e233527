"""Fixtures for the Bluesky tests: an emulator on 127.0.0.1, the adapter and raw XRPC."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from chatbot.bluesky import BlueskyClient, RetryPolicy
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator
from tests.x.conftest import SleepRecorder

ANA = "ana-bakes.bsky.social"


class Xrpc:
    """Plain HTTP to the emulator's XRPC methods, for payload tests."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        self.token: str | None = None
        self.refresh_token: str | None = None

    async def login(self) -> dict[str, Any]:
        """Log in as the host; keep its tokens."""
        _, _, body = await self.call(
            "com.atproto.server.createSession",
            body={"identifier": HOST_HANDLE, "password": HOST_APP_PASSWORD},
        )
        self.token, self.refresh_token = body["accessJwt"], body["refreshJwt"]
        return body

    async def call(
        self,
        nsid: str,
        *,
        body: dict[str, Any] | None = None,
        token: str | None = None,
        **params: Any,
    ) -> tuple[int, dict[str, str], Any]:
        """GET (query) or POST (``body``) a method; return status, headers and body."""
        bearer = token if token is not None else self.token
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        query = [
            (name, str(item))
            for name, value in params.items()
            for item in (value if isinstance(value, list) else [value])
        ]
        url = f"{self.base_url}/xrpc/{nsid}"
        method = "POST" if body is not None else "GET"
        async with self.session.request(
            method, url, params=query, json=body, headers=headers
        ) as response:
            text = await response.text()
            parsed = json.loads(text) if "json" in response.content_type and text else text
            return response.status, dict(response.headers), parsed

    async def create_post(self, record: dict[str, Any], rkey: str) -> tuple[int, Any]:
        """createRecord of a post in the host's repo."""
        body = {"repo": HOST_HANDLE, "collection": "app.bsky.feed.post", "rkey": rkey}
        status, _, answer = await self.call(
            "com.atproto.repo.createRecord", body=body | {"record": record}
        )
        return status, answer


@pytest.fixture
async def emulator() -> AsyncIterator[BlueskyEmulator]:
    """A fresh Bluesky emulator on a free port, with Ana as a participant."""
    emu = BlueskyEmulator()
    emu.add_account(ANA, display_name="Ana · Sweet Crumbs Bakery", followers=1200)
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def sleeps() -> SleepRecorder:
    """The adapter's sleeps, recorded instead of waited."""
    return SleepRecorder()


@pytest.fixture
async def client(emulator: BlueskyEmulator, sleeps: SleepRecorder) -> AsyncIterator[BlueskyClient]:
    """The adapter, logged in as the host."""
    bsky = BlueskyClient(
        service=emulator.base_url,
        handle=HOST_HANDLE,
        app_password=HOST_APP_PASSWORD,
        policy=RetryPolicy(timeout=5.0),
        sleep=sleeps,
    )
    await bsky.login()
    yield bsky
    await bsky.close()


@pytest.fixture
async def xrpc(emulator: BlueskyEmulator) -> AsyncIterator[Xrpc]:
    """Raw XRPC to the emulator, logged in as the host."""
    async with aiohttp.ClientSession() as session:
        raw = Xrpc(session, emulator.base_url)
        await raw.login()
        yield raw
