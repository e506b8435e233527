"""The hashtag stream speaks Mastodon's server-sent events byte for byte."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from tests.emulator.mastodon.conftest import Http

STREAM = "/api/v1/streaming/hashtag"


async def _lines(response: aiohttp.ClientResponse, count: int) -> list[str]:
    async with asyncio.timeout(10):
        return [(await response.content.readline()).decode() for _ in range(count)]


async def test_events_heartbeats_and_tags(http: Http, emulator: MastodonEmulator) -> None:
    headers = {"Authorization": f"Bearer {emulator.token}"}
    url = f"{emulator.base_url}{STREAM}?tag=SMBchat"
    async with http.session.get(url, headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-store"
        assert await _lines(response, 1) == [":)\n"]
        emulator.add_status("ana", "other tag #cats")
        emulator.add_status("ana", "private #SMBchat", visibility="private")
        posted = emulator.add_status("bo@mas.to", "A1 #smbchat")
        event, data, blank = await _lines(response, 3)
        assert (event, blank) == ("event: update\n", "\n")
        status = json.loads(data.removeprefix("data: "))
        assert status["id"] == posted and status["account"]["acct"] == "bo@mas.to"
        assert await _lines(response, 1) == [":thump\n"]  # nothing else for a heartbeat
        _, _, deleted = await http.post_status("Q2 #SMBchat")
        await _lines(response, 3)
        await http.call("DELETE", f"/api/v1/statuses/{deleted['id']}")
        assert await _lines(response, 3) == ["event: delete\n", f"data: {deleted['id']}\n", "\n"]


async def test_the_local_stream_leaves_remote_statuses_out(
    http: Http, emulator: MastodonEmulator
) -> None:
    url = f"{emulator.base_url}{STREAM}/local?tag=SMBchat&access_token={emulator.token}"
    async with http.session.get(url) as response:
        await _lines(response, 1)
        emulator.add_status("bo@mas.to", "remote #SMBchat")
        local = emulator.add_status("ana", "local #SMBchat")
        _, data, _ = await _lines(response, 3)
    assert json.loads(data.removeprefix("data: "))["id"] == local


async def test_a_stream_needs_a_user_token_and_a_tag(
    http: Http, emulator: MastodonEmulator
) -> None:
    http.token = None
    assert (await http.call("GET", f"{STREAM}?tag=x"))[::2] == (
        401, {"error": "Missing access token"},
    )  # fmt: skip
    http.token = "nope"
    assert (await http.call("GET", f"{STREAM}?tag=x"))[::2] == (
        401, {"error": "Invalid access token"},
    )  # fmt: skip
    http.token = emulator.token
    assert (await http.call("GET", STREAM))[::2] == (400, {"error": "No tag for stream provided"})
    emulator.set_streaming_down(True)
    status, _, page = await http.call("GET", f"{STREAM}?tag=x")
    assert status == 502 and "nginx" in page


async def _read_to_the_end(response: aiohttp.ClientResponse) -> None:
    async with asyncio.timeout(10):
        while await response.content.readline():
            pass


async def test_dropping_streams_cuts_or_ends_them(http: Http, emulator: MastodonEmulator) -> None:
    url = f"{emulator.base_url}{STREAM}?tag=SMBchat&access_token={emulator.token}"
    async with http.session.get(url) as response:
        await _lines(response, 1)
        assert emulator.open_streams == 1
        assert emulator.drop_streams() == 1
        with pytest.raises(aiohttp.ClientPayloadError):  # cut mid-stream
            await _read_to_the_end(response)
    async with http.session.get(url) as response:
        await _lines(response, 1)
        emulator.drop_streams(graceful=True)
        await _read_to_the_end(response)  # a clean end of the chunked body
    assert emulator.open_streams == 0
