"""Payload shapes of the emulator: default fields, requested fields, includes, errors."""

from __future__ import annotations

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from tests.x.conftest import RawApi


async def test_default_post_fields_are_id_text_and_edit_history(
    emulator: XEmulator, api: RawApi
) -> None:
    post = emulator.add_post("ana", "A1 #chat")
    _, body = await api.search("#chat")
    assert body["data"] == [
        {"id": str(post), "text": "A1 #chat", "edit_history_tweet_ids": [str(post)]}
    ]
    assert "includes" not in body


async def test_requested_fields_and_includes_users(emulator: XEmulator, api: RawApi) -> None:
    emulator.add_user("ana", name="Ana", followers_count=120)
    root = emulator.add_post(HOST_USER_ID, "Q1 #chat")
    reply = emulator.add_post("ana", "A1 #chat @SMBchatHost https://example.com/a", reply_to=root)
    _, body = await api.search(
        "from:ana",
        tweet__fields="author_id,created_at,conversation_id,referenced_tweets,"
        "in_reply_to_user_id,entities,public_metrics",
        expansions="author_id",
        user__fields="username,name,public_metrics",
    )
    post = body["data"][0]
    assert post["id"] == str(reply)
    assert post["conversation_id"] == str(root)
    assert post["in_reply_to_user_id"] == str(HOST_USER_ID)
    assert post["referenced_tweets"] == [{"type": "replied_to", "id": str(root)}]
    assert post["created_at"].endswith("Z")
    assert set(post["public_metrics"]) >= {"like_count", "reply_count", "retweet_count"}
    assert post["entities"]["hashtags"][0]["tag"] == "chat"
    # X's apps start a reply with the @mention of the post replied to.
    assert post["text"].startswith("@SMBchatHost A1 #chat @SMBchatHost https://t.co/")
    assert post["entities"]["mentions"][1] == {
        "start": 22,
        "end": 34,
        "username": "SMBchatHost",
        "id": str(HOST_USER_ID),
    }
    url = post["entities"]["urls"][0]
    assert url["expanded_url"] == "https://example.com/a"
    assert url["url"].startswith("https://t.co/") and len(url["url"]) == 23
    assert url["url"] in post["text"]
    (user,) = body["includes"]["users"]
    assert user["username"] == "ana" and user["public_metrics"]["followers_count"] == 120


async def test_unknown_field_is_a_400(api: RawApi) -> None:
    status, body = await api.search("#chat", tweet__fields="bogus")
    assert status == 400
    assert body["errors"][0]["parameters"] == {"tweet.fields": ["bogus"]}


async def test_lookup_by_ids_reports_missing_ones(emulator: XEmulator, api: RawApi) -> None:
    post = emulator.add_post("ana", "hello & <world>")
    status, body = await api.get("/2/tweets", ids=f"{post},123")
    assert status == 200
    assert body["data"][0]["text"] == "hello &amp; &lt;world&gt;"
    assert body["errors"][0]["resource_id"] == "123"
    assert body["errors"][0]["type"].endswith("resource-not-found")


async def test_users_me_and_auth_errors(emulator: XEmulator, api: RawApi) -> None:
    status, body = await api.get("/2/users/me")
    assert (status, body["data"]["id"]) == (200, str(HOST_USER_ID))
    api.headers = {}
    status, body = await api.get("/2/users/me")
    assert (status, body) == (
        401,
        {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401},
    )
    api.headers = {"Authorization": f"Bearer {emulator.keys.bearer_token}"}
    status, body = await api.get("/2/users/me")
    assert status == 403 and body["title"] == "Unsupported Authentication"


async def test_rate_limit_headers_count_down_and_429(emulator: XEmulator, api: RawApi) -> None:
    emulator.set_rate_limit("GET /2/users/me", limit=2, window_seconds=900)
    _, first, _ = await api.call("GET", "/2/users/me")
    assert first["x-rate-limit-limit"] == "2"
    assert first["x-rate-limit-remaining"] == "1"
    await api.get("/2/users/me")
    status, third, body = await api.call("GET", "/2/users/me")
    assert status == 429
    assert third["x-rate-limit-remaining"] == "0"
    assert int(third["x-rate-limit-reset"]) > 0
    assert body["title"] == "Too Many Requests"


async def test_control_api_over_http(emulator: XEmulator, api: RawApi) -> None:
    base = api.base_url + "/_emulator"
    async with api.session.post(base + "/posts", json={"author": "ana", "text": "A1 #chat"}) as r:
        post_id = (await r.json())["id"]
    async with api.session.post(base + f"/posts/{post_id}/metrics", json={"like_count": 5}):
        pass
    await api.search("#chat")
    async with api.session.get(base + "/log") as r:
        log = await r.json()
    assert log["requests"] == {"GET /2/tweets/search/recent": 1}
    assert log["billed_reads"] == 1
    async with api.session.get(base + "/posts") as r:
        (post,) = (await r.json())["data"]
    assert post["public_metrics"]["like_count"] == 5 and post["author"]["username"] == "ana"
    async with api.session.post(base + "/reset"):
        pass
    assert emulator.posts() == []
