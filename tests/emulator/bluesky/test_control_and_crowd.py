"""The control API (for the demo over HTTP) and the simulated Bluesky crowd."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from chatbot.bluesky.tid import new_rkey
from chatbot.emulator.bluesky import BlueskyCrowd, BlueskyEmulator
from tests.bluesky.conftest import Xrpc


async def test_the_control_api_adds_people_and_posts_and_injects_faults(
    emulator: BlueskyEmulator,
) -> None:
    control = f"{emulator.base_url}/_emulator"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{control}/accounts", json={"handle": "zoe.bsky.social"}) as r:
            did = (await r.json())["did"]
        body = {"author": "zoe.bsky.social", "text": "A1: hi #SMBchat"}
        async with session.post(f"{control}/posts", json=body) as r:
            uri = (await r.json())["uri"]
        async with session.post(f"{control}/faults/errors", json={"status": 503}) as r:
            assert r.status == 200
        async with session.get(
            f"{emulator.base_url}/xrpc/app.bsky.feed.searchPosts", params={"q": "#SMBchat"}
        ) as r:
            assert r.status == 503
        async with session.post(f"{control}/posts", json={"author": "x"}) as r:
            assert r.status == 400
            assert "text" in (await r.json())["error"]
    assert uri.startswith(f"at://{did}/app.bsky.feed.post/")
    assert emulator.post(uri).tags == ("SMBchat",)


async def test_the_crowd_answers_the_live_question_in_the_bluesky_way(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    crowd = BlueskyCrowd(emulator, "#SMBchat", seed=3, size=12)
    now = datetime.now(UTC)
    assert crowd.act(now, intensity=1.0) == 12  # before any question: greetings
    assert set(crowd.methods.values()) == {"general"}
    stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    record = {"$type": "app.bsky.feed.post", "text": "Q1: Best tip? #SMBchat", "createdAt": stamp}
    status, question = await xrpc.create_post(record, new_rkey())
    assert status == 200
    assert crowd.questions() == ({1: question["uri"]}, 1)
    for _ in range(4):
        crowd.act(now, intensity=1.0)
    answers = {uri for uri, number in crowd.truth.items() if number == 1}
    assert len(answers) > 20
    assert {"label", "reply_to_question", "window", "inherited"} <= set(crowd.methods.values())
    for uri, parent in crowd.parents.items():
        post = emulator.post(uri)
        assert "#SMBchat" in post.text
        assert not post.text.startswith("@")  # Bluesky replies carry no @-prefix
        if parent is not None:
            assert post.record["reply"]["parent"]["uri"] == parent
            parent_root = emulator.post(parent).reply_ref("root") or parent
            assert post.record["reply"]["root"]["uri"] == parent_root
