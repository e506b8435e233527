"""The emulator answers like the documented Bluesky: same keys, same types, same headers.

For each fixture the emulator is asked the same thing in a world like the fixture's (the
host's question with a tag and a mention, Ana's tagged reply); its answer must have the
fixture's status, content type, rate-limit header names and body shape. Jetstream events
are compared the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from chatbot.emulator.bluesky import BlueskyEmulator
from chatbot.emulator.bluesky.tid import new_rkey as _new_rkey
from tests.bluesky.conftest import ANA, Xrpc
from tests.contract.bluesky.fixture_bluesky import fixture_names, load

HOST = "smbchat.bsky.social"
Answer = tuple[int, dict[str, str], Any]
WATCHED = ("ratelimit-", "retry-after")


def new_rkey() -> str:
    """A record key as a client picks it: a TID of now."""
    return _new_rkey(datetime.now(UTC))


def shape(value: Any) -> Any:
    """Keys and types of a JSON value; a list's items merged into one shape."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [merged]
    return type(value).__name__


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _merge(a.get(key), b.get(key)) for key in a.keys() | b.keys()}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0], b[0])]
    return a if b is None else b


def _world(emu: BlueskyEmulator) -> tuple[str, str]:
    question = emu.add_post(HOST, f"Q1: What brought you to #SMBchat tonight? with @{ANA}")
    answer = emu.add_post(ANA, "A1: polls in stories, hands down 🙌 #SMBchat", reply_to=question)
    return question, answer


def _record(text: str) -> dict[str, Any]:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp}


def _create(record: dict[str, Any], rkey: str) -> dict[str, Any]:
    return {"repo": HOST, "collection": "app.bsky.feed.post", "rkey": rkey, "record": record}


Scenario = Callable[[BlueskyEmulator, Xrpc], Awaitable[Answer]]


async def _search(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    emu.add_post(ANA, "an older one #SMBchat")  # on the next page
    _world(emu)
    return await api.call("app.bsky.feed.searchPosts", q="#SMBchat", limit=2)


async def _thread(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    question, _ = _world(emu)
    return await api.call("app.bsky.feed.getPostThread", uri=question)


async def _posts(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    return await api.call("app.bsky.feed.getPosts", uris=list(_world(emu)))


async def _get_record(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    question, _ = _world(emu)
    rkey = question.rsplit("/", 1)[1]
    return await api.call(
        "com.atproto.repo.getRecord", repo=HOST, collection="app.bsky.feed.post", rkey=rkey
    )


async def _refresh(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    return await api.call("com.atproto.server.refreshSession", body={}, token=api.refresh_token)


async def _login(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    body = {"identifier": HOST, "password": "smbc-hat0-demo-pass"}
    return await api.call("com.atproto.server.createSession", body=body, token="")


async def _bad_login(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    body = {"identifier": HOST, "password": "wrong"}
    return await api.call("com.atproto.server.createSession", body=body, token="")


async def _create_post(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    return await api.call("com.atproto.repo.createRecord", body=_create(_record("Q1"), new_rkey()))


async def _duplicate(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    body = _create(_record("Q1"), new_rkey())
    await api.call("com.atproto.repo.createRecord", body=body)
    return await api.call("com.atproto.repo.createRecord", body=body)


async def _too_long(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    body = _create(_record("x" * 301), new_rkey())
    return await api.call("com.atproto.repo.createRecord", body=body)


async def _rate_limited(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    emu.set_rate_limit("repo-write-hour", points=2, window_seconds=3600)
    return await _create_post(emu, api)


async def _expired(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    emu.expire_access_tokens()
    return await api.call("app.bsky.actor.getProfile", actor=ANA)


async def _not_found(emu: BlueskyEmulator, api: Xrpc) -> Answer:
    return await api.call(
        "com.atproto.repo.getRecord", repo=HOST, collection="app.bsky.feed.post", rkey=new_rkey()
    )


SCENARIOS: dict[str, Scenario] = {
    "create_session": _login,
    "refresh_session": _refresh,
    "create_record": _create_post,
    "get_record": _get_record,
    "resolve_handle": lambda emu, api: api.call("com.atproto.identity.resolveHandle", handle=ANA),
    "search_posts": _search,
    "get_posts": _posts,
    "get_post_thread": _thread,
    "get_profile": lambda emu, api: api.call("app.bsky.actor.getProfile", actor=ANA),
    "error_400_expired_token": _expired,
    "error_401_invalid_password": _bad_login,
    "error_429_rate_limited": _rate_limited,
    "error_500_duplicate_rkey": _duplicate,
    "error_400_invalid_record": _too_long,
    "error_400_record_not_found": _not_found,
}


def test_every_fixture_has_a_scenario() -> None:
    assert sorted(SCENARIOS) == fixture_names("xrpc")


@pytest.mark.parametrize("name", fixture_names("xrpc"))
async def test_the_emulator_answers_with_the_fixtures_shape(
    emulator: BlueskyEmulator, xrpc: Xrpc, name: str
) -> None:
    fixture = load(name)
    status, headers, body = await SCENARIOS[name](emulator, xrpc)
    assert status == fixture["status"]
    assert headers["Content-Type"] == fixture["headers"]["content-type"]
    watched = {n.lower() for n in headers if n.lower().startswith(WATCHED)}
    assert watched == {n for n in fixture["headers"] if n.startswith(WATCHED)}
    assert shape(body) == shape(fixture["body"])
    if fixture["body"].keys() == {"error", "message"}:
        assert body["error"] == fixture["body"]["error"]


async def test_jetstream_events_have_the_shapes_of_the_real_ones(
    emulator: BlueskyEmulator,
) -> None:
    emulator.add_account("bo-builds.bsky.social")
    question, _ = _world(emulator)
    emulator.state.store.delete_post(emulator.host_did, question.rsplit("/", 1)[1])
    events = emulator.state.store.events
    found = {
        "jetstream_identity": next(e for e in events if e["kind"] == "identity"),
        "jetstream_account": next(e for e in events if e["kind"] == "account"),
        "jetstream_commit_post": next(
            e for e in events if e["kind"] == "commit" and "reply" in e["commit"].get("record", {})
        ),
        "jetstream_commit_delete": events[-1],
    }
    assert sorted(found) == fixture_names("jetstream")
    for name, event in found.items():
        assert shape(event) == shape(load(name)["event"]), name


async def test_a_post_over_300_graphemes_is_refused_with_the_documented_message(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    """Graphemes, not code points: "é" written as e + U+0301 is one."""
    fits = _create(_record("e\u0301" * 300), new_rkey())
    status, _, _ = await xrpc.call("com.atproto.repo.createRecord", body=fits)
    assert status == 200
    over = _create(_record("e\u0301" * 300 + "x"), new_rkey())
    status, _, body = await xrpc.call("com.atproto.repo.createRecord", body=over)
    assert (status, body) == (400, load("error_400_invalid_record")["body"])
