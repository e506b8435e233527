"""The emulated Jetstream speaks v1 /subscribe: filters, cursor replay, refusals."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from chatbot.emulator.bluesky import BlueskyEmulator, did_for

ANA = "ana-bakes.bsky.social"


async def _read(url: str, count: int) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as socket:
        return [json.loads((await socket.receive(timeout=5)).data) for _ in range(count)]


async def test_a_cursor_replays_from_its_own_event_with_dids_and_microseconds(
    emulator: BlueskyEmulator,
) -> None:
    first = emulator.add_post(ANA, "A1 #SMBchat")
    second = emulator.add_post(ANA, "A2 #SMBchat")
    commits = [e for e in emulator.state.store.events if e["kind"] == "commit"]
    cursor = commits[0]["time_us"]
    url = f"{emulator.jetstream_url}/subscribe?wantedCollections=app.bsky.feed.post&cursor={cursor}"
    events = await _read(url, 2)
    assert [e["commit"]["rkey"] for e in events] == [
        first.rsplit("/", 1)[1],
        second.rsplit("/", 1)[1],
    ]
    event = events[0]
    assert event["did"] == did_for(ANA)
    assert event["time_us"] == cursor
    assert event["commit"]["operation"] == "create"
    assert event["commit"]["record"]["text"] == "A1 #SMBchat"
    assert event["commit"]["cid"] == emulator.post(first).cid


async def test_identity_events_pass_the_collection_filter_but_not_the_did_filter(
    emulator: BlueskyEmulator,
) -> None:
    emulator.add_account("bo-builds.bsky.social")
    base = f"{emulator.jetstream_url}/subscribe?wantedCollections=app.bsky.feed.post&cursor=0"
    kinds = [e["kind"] for e in await _read(base, 2)]
    assert kinds == ["identity", "account"]  # the host's, whatever the collections say
    only_bo = f"{base}&wantedDids={did_for('bo-builds.bsky.social')}"
    events = await _read(only_bo, 2)
    assert {e["did"] for e in events} == {did_for("bo-builds.bsky.social")}


async def test_bad_parameters_are_refused_before_the_upgrade(emulator: BlueskyEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        for query, text in [
            ("cursor=yesterday", 'invalid cursor: "yesterday"'),
            ("wantedDids=ana", "invalid DID: ana"),
        ]:
            async with session.get(f"{emulator.base_url}/subscribe?{query}") as response:
                assert response.status == 400
                assert text in await response.text()
        emulator.set_stream_open(False)
        async with session.get(f"{emulator.base_url}/subscribe") as response:
            assert response.status == 503


async def test_a_deleted_post_is_a_delete_commit_without_record(emulator: BlueskyEmulator) -> None:
    uri = emulator.add_post(ANA, "oops")
    emulator.state.store.delete_post(did_for(ANA), uri.rsplit("/", 1)[1])
    last = emulator.state.store.events[-1]
    url = f"{emulator.jetstream_url}/subscribe?cursor={last['time_us']}"
    [event] = await _read(url, 1)
    assert event["commit"]["operation"] == "delete"
    assert "record" not in event["commit"] and "cid" not in event["commit"]
