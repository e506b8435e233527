"""Recent search on the emulator, over HTTP: filters, id/time windows, paging, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from chatbot.emulator.x import XEmulator
from tests.clock import ManualClock
from tests.x.conftest import RawApi


def ids(body: dict) -> list[int]:
    return [int(post["id"]) for post in body.get("data", [])]


async def test_results_are_newest_first_with_meta(emulator: XEmulator, api: RawApi) -> None:
    first = emulator.add_post("ana", "A1 #chat")
    second = emulator.add_post("bo", "A2 #chat")
    status, body = await api.search("#chat")
    assert status == 200
    assert ids(body) == [second, first]
    assert body["meta"] == {
        "newest_id": str(second),
        "oldest_id": str(first),
        "result_count": 2,
    }
    assert first > 10**18


async def test_no_results_is_only_a_zero_count(emulator: XEmulator, api: RawApi) -> None:
    status, body = await api.search("#nothing")
    assert (status, body) == (200, {"meta": {"result_count": 0}})


async def test_retweets_are_returned_unless_the_query_excludes_them(
    emulator: XEmulator, api: RawApi
) -> None:
    original = emulator.add_post("ana", "A1 #chat")
    retweet = emulator.add_post("bo", "", retweet_of=original)
    _, body = await api.search("#chat", tweet__fields="referenced_tweets")
    assert ids(body) == [retweet, original]
    assert body["data"][0]["text"] == "RT @ana: A1 #chat"
    assert body["data"][0]["referenced_tweets"] == [{"type": "retweeted", "id": str(original)}]
    assert ids((await api.search("#chat -is:retweet"))[1]) == [original]


async def test_post_reference_operators(emulator: XEmulator, api: RawApi) -> None:
    question = emulator.add_post("host", "Q1 #chat")
    reply = emulator.add_post("ana", "A1 #chat", reply_to=question)
    quote = emulator.add_post("bo", "A1 too #chat", quote_of=question)
    retweet = emulator.add_post("cleo", "", retweet_of=question)
    assert ids((await api.search(f"in_reply_to_tweet_id:{question}"))[1]) == [reply]
    assert ids((await api.search(f"quotes_of_tweet_id:{question}"))[1]) == [quote]
    assert ids((await api.search(f"retweets_of_tweet_id:{question}"))[1]) == [retweet]
    assert ids((await api.search("retweets_of:host"))[1]) == [retweet]


async def test_from_conversation_and_reply_filters(emulator: XEmulator, api: RawApi) -> None:
    root = emulator.add_post("host", "Q1 #chat")
    reply = emulator.add_post("ana", "A1 #chat", reply_to=root)
    other = emulator.add_post("bo", "A1 #chat")
    assert ids((await api.search("from:ana"))[1]) == [reply]
    assert ids((await api.search(f"conversation_id:{root}"))[1]) == [reply, root]
    assert ids((await api.search("#chat -is:reply"))[1]) == [other, root]
    assert ids((await api.search("to:host"))[1]) == [reply]
    assert ids((await api.search("(from:ana OR from:bo) #chat"))[1]) == [other, reply]


async def test_since_id_and_until_id_bound_the_results(emulator: XEmulator, api: RawApi) -> None:
    posts = [emulator.add_post("ana", f"A{i} #chat") for i in range(4)]
    _, body = await api.search("#chat", since_id=posts[0], until_id=posts[3])
    assert ids(body) == [posts[2], posts[1]]


async def test_start_and_end_time_bound_the_results(emulator: XEmulator, api: RawApi) -> None:
    now = datetime.now(UTC)
    old = emulator.add_post("ana", "old #chat", created_at=now - timedelta(hours=2))
    emulator.add_post("ana", "new #chat", created_at=now - timedelta(minutes=1))
    start = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, body = await api.search("#chat", start_time=start, end_time=end)
    assert ids(body) == [old]


async def test_posts_older_than_seven_days_are_not_searchable(
    emulator: XEmulator, api: RawApi
) -> None:
    emulator.add_post("ana", "ancient #chat", created_at=datetime.now(UTC) - timedelta(days=8))
    _, body = await api.search("#chat")
    assert body == {"meta": {"result_count": 0}}


async def test_pagination_with_next_token(emulator: XEmulator, api: RawApi) -> None:
    posts = [emulator.add_post("ana", f"A{i} #chat") for i in range(25)]
    seen: list[int] = []
    token = None
    pages = 0
    while True:
        extra: dict[str, str] = {"next_token": token} if token else {}
        _, body = await api.search("#chat", max_results=10, **extra)
        pages += 1
        seen.extend(ids(body))
        token = body["meta"].get("next_token")
        if not token:
            break
    assert pages == 3
    assert seen == sorted(posts, reverse=True)


async def test_max_results_outside_10_to_100_is_a_400(api: RawApi) -> None:
    for value in (9, 101, "abc"):
        status, body = await api.search("#chat", max_results=value)
        assert status == 400
        assert body["title"] == "Invalid Request"
        assert body["errors"][0]["parameters"] == {"max_results": [str(value)]}
    assert (await api.search("#chat", max_results=10))[0] == 200
    assert (await api.search("#chat", max_results=100))[0] == 200


async def test_since_id_with_start_time_is_a_400(emulator: XEmulator, api: RawApi) -> None:
    post = emulator.add_post("ana", "A1 #chat")
    start = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, body = await api.search("#chat", since_id=post, start_time=start)
    assert status == 400
    assert "since_id" in body["errors"][0]["message"]


async def test_end_time_too_recent_and_start_time_too_old_are_400(api: RawApi) -> None:
    now = datetime.now(UTC)
    recent = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ancient = (now - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (await api.search("#chat", end_time=recent))[0] == 400
    assert (await api.search("#chat", start_time=ancient))[0] == 400


async def test_bad_query_is_a_clear_400(api: RawApi) -> None:
    status, body = await api.search("(#chat")
    assert status == 400
    assert body["errors"][0]["parameters"] == {"query": ["(#chat"]}
    assert "processing your request" in body["errors"][0]["message"]


async def test_search_lag_hides_the_newest_posts() -> None:
    emu = XEmulator(search_lag_seconds=30)
    emu.add_post("ana", "just now #chat")
    emu.add_post("ana", "a minute ago #chat", created_at=datetime.now(UTC) - timedelta(minutes=1))
    await emu.start()
    try:
        async with aiohttp.ClientSession() as session:
            _, body = await RawApi(session, emu.base_url).search("#chat")
        assert [p["text"] for p in body["data"]] == ["a minute ago #chat"]
    finally:
        await emu.stop()


async def test_a_visibility_delay_can_show_a_newer_post_before_an_older_one() -> None:
    clock = ManualClock(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    emu = XEmulator(now=clock.now, visibility_delay_seconds=(1.0, 30.0), seed=4)
    posts = []
    for i in range(20):
        posts.append(emu.add_post("ana", f"A{i} #chat"))
        clock.set(clock.now() + timedelta(seconds=0.1))
    visible_at = [emu.post(p).visible_at for p in posts]
    assert visible_at != sorted(visible_at), "some newer post shows before an older one"
    clock.set(clock.now() + timedelta(seconds=10))
    await emu.start()
    try:
        async with aiohttp.ClientSession() as session:
            _, body = await RawApi(session, emu.base_url).search("#chat", max_results=100)
        shown = set(ids(body))
        assert shown == {p for p, at in zip(posts, visible_at, strict=True) if at <= clock.now()}
        assert 0 < len(shown) < len(posts)
    finally:
        await emu.stop()


async def test_unknown_query_parameter_is_a_400(api: RawApi) -> None:
    status, body = await api.search("#chat", count=10)
    assert status == 400
    assert body["title"] == "Invalid Request"
    assert body["errors"][0]["parameters"] == {"count": ["10"]}
    assert "is not one of [query,start_time" in body["errors"][0]["message"]


async def test_non_numeric_ids_are_a_400(api: RawApi) -> None:
    for path in ("/2/tweets/abc", "/2/users/abc/tweets"):
        status, body = await api.get(path)
        assert status == 400, path
        assert body["errors"][0]["parameters"] == {"id": ["abc"]}
    assert (await api.search("#chat", since_id="12ab"))[0] == 400


async def test_pagination_token_and_sort_order(emulator: XEmulator, api: RawApi) -> None:
    posts = [emulator.add_post("ana", f"A{i} #chat") for i in range(12)]
    emulator.set_metrics(posts[3], like_count=50)
    _, first = await api.search("#chat", sort_order="relevancy")
    assert ids(first)[0] == posts[3]
    _, rest = await api.search("#chat", pagination_token=first["meta"]["next_token"])
    assert ids(rest) == [posts[1], posts[0]]
    assert (await api.search("#chat", sort_order="newest"))[0] == 400
