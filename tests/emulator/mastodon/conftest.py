"""The emulator's own tests speak raw HTTP to it, with the adapter tests' emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from tests.mastodon.conftest import emulator  # noqa: F401


class Http:
    """Plain requests to the emulator, with the host's token unless told otherwise."""

    def __init__(self, session: aiohttp.ClientSession, instance: MastodonEmulator) -> None:
        self.session = session
        self.base_url = instance.base_url
        self.token: str | None = instance.token

    async def call(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, dict[str, str], Any]:
        """Send a request; return status, headers and the JSON body (text if not JSON)."""
        sent = dict(headers or {})
        if self.token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        url = path if path.startswith("http") else self.base_url + path
        async with self.session.request(method, url, headers=sent, **kwargs) as response:
            body: Any = await response.text()
            if response.content_type == "application/json":
                body = await response.json()
            return response.status, dict(response.headers), body

    async def post_status(self, text: str, **form: str) -> tuple[int, dict[str, str], Any]:
        """POST /api/v1/statuses as a form, as Mastodon.py sends it."""
        key = form.pop("key", None)
        headers = {"Idempotency-Key": key} if key else None
        return await self.call("POST", "/api/v1/statuses", data={"status": text, **form},
                               headers=headers)  # fmt: skip


@pytest.fixture
async def http(emulator: MastodonEmulator) -> AsyncIterator[Http]:  # noqa: F811
    """Raw HTTP access to the emulator."""
    async with aiohttp.ClientSession() as session:
        yield Http(session, emulator)
