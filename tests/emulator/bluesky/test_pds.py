"""The emulated PDS answers as the real one: sessions, record checks, errors, limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chatbot.bluesky.tid import new_rkey
from chatbot.emulator.bluesky import BlueskyEmulator
from tests.bluesky.conftest import Xrpc


def _post(text: str, **extra: Any) -> dict[str, Any]:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": stamp} | extra


def _tag(start: int, end: int, tag: str) -> dict[str, Any]:
    return {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
    }


async def test_a_second_record_at_the_same_key_is_a_bare_500(xrpc: Xrpc) -> None:
    rkey = new_rkey()
    status, first = await xrpc.create_post(_post("Q1 #SMBchat"), rkey)
    assert status == 200
    assert first["uri"].endswith(f"/app.bsky.feed.post/{rkey}")
    status, second = await xrpc.create_post(_post("Q1 again"), rkey)
    assert (status, second) == (
        500,
        {"error": "InternalServerError", "message": "Internal Server Error"},
    )


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_post("x" * 301), "grapheme too big (maximum 300, got 301) at $.record.text"),
        (_post("é" * 1501), "string too big (maximum 3000, got 3002) at $.record.text"),
        (_post("#tag", facets=[_tag(0, 5, "tag")]), "byte range 0..5 is not inside the text"),
        (_post("é #t", facets=[_tag(1, 4, "t")]), "on character boundaries"),
        ({"$type": "app.bsky.feed.post", "text": "hi"}, "Invalid datetime format"),
        (
            _post("hi", reply={"root": {"uri": "x", "cid": "b"}}),
            "Invalid AT-URI format at $.record.reply.root.uri",
        ),
    ],
)
async def test_a_record_the_lexicon_refuses_is_a_400(
    xrpc: Xrpc, record: dict[str, Any], message: str
) -> None:
    status, body = await xrpc.create_post(record, new_rkey())
    assert status == 400
    assert body["error"] == "InvalidRequest"
    assert message in body["message"]


async def test_a_post_key_must_be_a_tid(xrpc: Xrpc) -> None:
    status, body = await xrpc.create_post(_post("hi"), "my-post")
    assert status == 400
    assert (
        body["message"]
        == 'Invalid record key for app.bsky.feed.post: Invalid TID string (got "my-post")'
    )


async def test_sessions_refuse_bad_passwords_missing_tokens_and_expired_ones(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    status, _, body = await xrpc.call(
        "com.atproto.server.createSession",
        body={"identifier": "smbchat.bsky.social", "password": "nope"},
        token="",
    )
    assert (status, body["error"]) == (401, "AuthenticationRequired")
    body_ = {
        "repo": "smbchat.bsky.social",
        "collection": "app.bsky.feed.post",
        "record": _post("hi"),
    }
    status, _, body = await xrpc.call("com.atproto.repo.createRecord", body=body_, token="")
    assert (status, body["error"]) == (401, "AuthMissing")
    emulator.expire_access_tokens()
    status, _, body = await xrpc.call("app.bsky.actor.getProfile", actor="smbchat.bsky.social")
    assert (status, body) == (400, {"error": "ExpiredToken", "message": "Token has expired"})


async def test_a_refresh_rotates_the_tokens_and_revokes_the_old_refresh_token(
    xrpc: Xrpc,
) -> None:
    old = xrpc.refresh_token
    status, _, fresh = await xrpc.call("com.atproto.server.refreshSession", body={}, token=old)
    assert status == 200
    assert fresh["refreshJwt"] != old
    status, _, body = await xrpc.call("com.atproto.server.refreshSession", body={}, token=old)
    assert (status, body["error"], body["message"]) == (
        400,
        "ExpiredToken",
        "Token has been revoked",
    )
    status, _, _ = await xrpc.call(
        "app.bsky.actor.getProfile", actor="smbchat.bsky.social", token=fresh["accessJwt"]
    )
    assert status == 200


async def test_every_answer_carries_ratelimit_headers_and_a_spent_budget_is_a_429(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    emulator.set_rate_limit("repo-write-hour", points=5, window_seconds=3600)
    status, headers, _ = await xrpc.call("app.bsky.actor.getProfile", actor="smbchat.bsky.social")
    assert headers["RateLimit-Policy"] == "3000;w=300"
    assert int(headers["RateLimit-Remaining"]) < 3000
    status, _ = await xrpc.create_post(_post("one"), new_rkey())
    assert status == 200
    status, headers, body = await xrpc.call(
        "com.atproto.repo.createRecord",
        body={
            "repo": "smbchat.bsky.social",
            "collection": "app.bsky.feed.post",
            "record": _post("two"),
        },
    )
    assert (status, body) == (429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
    assert headers["RateLimit-Limit"] == "5"
    assert headers["RateLimit-Remaining"] == "2"
    assert headers["RateLimit-Policy"] == "5;w=3600"
    assert 3590 <= int(headers["Retry-After"]) <= 3600


async def test_search_pages_with_an_opaque_cursor_and_refuses_a_forged_one(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    for n in range(3):
        emulator.add_post("ana-bakes.bsky.social", f"A{n} #SMBchat")
    status, _, page = await xrpc.call("app.bsky.feed.searchPosts", q="#SMBchat", limit=2)
    assert (status, len(page["posts"]), page["hitsTotal"]) == (200, 2, 3)
    status, _, last = await xrpc.call(
        "app.bsky.feed.searchPosts", q="#SMBchat", limit=2, cursor=page["cursor"]
    )
    assert (len(last["posts"]), "cursor" in last) == (1, False)
    status, _, body = await xrpc.call("app.bsky.feed.searchPosts", q="#SMBchat", cursor="12")
    assert (status, body["message"]) == (400, "Invalid cursor format")
    status, _, body = await xrpc.call("app.bsky.feed.searchPosts", q="#SMBchat", limit=101)
    assert (status, body["message"]) == (400, "limit can not be greater than 100")


async def test_a_thread_shows_parents_and_replies(emulator: BlueskyEmulator, xrpc: Xrpc) -> None:
    ana = "ana-bakes.bsky.social"
    root = emulator.add_post(ana, "Q? #SMBchat")
    middle = emulator.add_post(ana, "A #SMBchat", reply_to=root)
    leaf = emulator.add_post(ana, "so true", reply_to=middle)
    _, _, body = await xrpc.call("app.bsky.feed.getPostThread", uri=middle)
    thread = body["thread"]
    assert thread["parent"]["post"]["uri"] == root
    assert [reply["post"]["uri"] for reply in thread["replies"]] == [leaf]
    assert emulator.post(leaf).record["reply"]["root"]["uri"] == root
    status, _, body = await xrpc.call("app.bsky.feed.getPostThread", uri=root + "x")
    assert (status, body["error"]) == (400, "NotFound")
