"""Reading through the adapter: search batches, conversion, lookups, read-once collection."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from chatbot.domain.posts import XUser
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.x.client import TweepyXClient
from tests.clock import ManualClock
from tests.x.conftest import SleepRecorder, make_client


async def test_search_converts_posts_to_domain_objects(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    emulator.add_user("ana", name="Ana B", followers_count=1200)
    question = await client.create_post("Q1 Favourite tool? #SMBchat")
    answer = emulator.add_post(
        "ana",
        "A1 a notebook & @bo https://example.com/nb #SMBchat #tools",
        reply_to=question,
        metrics={"like_count": 3},
    )
    quote = emulator.add_post("bo", "A1 this #SMBchat", quote_of=answer)
    batch = await client.search_recent("#SMBchat -from:SMBchatHost", since_id=None)
    assert [p.id for p in batch.posts] == [answer, quote]
    assert batch.newest_id == quote and batch.requests == 1
    post = batch.posts[0]
    assert post.author == XUser(id=post.author.id, username="ana", name="Ana B",
                                followers_count=1200)  # fmt: skip
    assert post.text.startswith("@SMBchatHost A1 a notebook & @bo https://t.co/")
    assert post.in_reply_to_post_id == question
    assert post.in_reply_to_user_id == HOST_USER_ID
    assert post.conversation_id == question
    assert post.hashtags == ("SMBchat", "tools")
    assert post.mentions == ("SMBchatHost", "bo")
    assert post.urls == ("https://example.com/nb",)
    assert post.metrics.like_count == 3 and post.metrics.quote_count == 1
    assert post.created_at.tzinfo is not None
    assert batch.posts[1].quoted_post_id == answer


async def test_search_with_start_and_end_time(emulator: XEmulator, client: TweepyXClient) -> None:
    now = datetime.now(UTC)
    emulator.add_post("ana", "early #chat", created_at=now - timedelta(hours=3))
    inside = emulator.add_post("ana", "inside #chat", created_at=now - timedelta(hours=1))
    batch = await client.search_recent(
        "#chat", since_id=None, start_time=now - timedelta(hours=2), end_time=now
    )
    assert [p.id for p in batch.posts] == [inside]


async def test_get_posts_batches_by_100_and_skips_missing(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    ids = [emulator.add_post("ana", f"A{i} #chat") for i in range(230)]
    posts = await client.get_posts([*ids, 999])
    assert [p.id for p in posts] == ids
    assert emulator.request_counts()["GET /2/tweets"] == 3


async def test_one_thousand_posts_are_each_read_exactly_once(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    """Collect with since_id while posts keep arriving; idle polls cost one request each."""
    arrivals = [100, 300, 0, 200, 0, 0, 400, 0]
    added: list[int] = []
    collected: list[int] = []
    since_id: int | None = None
    counter = 0
    for count in arrivals:
        for _ in range(count):
            counter += 1
            added.append(emulator.add_post(f"user{counter % 37}", f"A{counter % 5} #SMBchat"))
        batch = await client.search_recent("#SMBchat -is:retweet", since_id=since_id)
        collected.extend(p.id for p in batch.posts)
        since_id = batch.newest_id or since_id
    idle_polls = arrivals.count(0)
    assert collected == added and len(added) == 1000
    assert emulator.billed_reads() == 1000
    assert set(emulator.request_log.returned_ids.values()) == {1}
    searches = emulator.request_counts()["GET /2/tweets/search/recent"]
    assert searches == math.ceil(1000 / 100) + idle_polls
    assert client.meter.posts_returned == 1000


async def test_meter_counts_requests_and_posts_returned_and_made(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    await client.create_post("Plain post #chat")
    await client.create_post("Post with a link https://example.com #chat")
    emulator.add_post("ana", "A1 #chat")
    await client.search_recent("#chat", since_id=None)
    await client.search_recent("#chat", since_id=None)  # same posts: billing is the host's
    meter = client.meter
    assert (meter.posts_created, meter.posts_with_url) == (2, 1)
    assert meter.posts_returned == 6 and meter.requests == 4


async def test_a_pass_failing_part_way_keeps_its_pages_and_reads_on_below(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    first = emulator.add_post("ana", "hello #SMBchat")
    since_id = (await client.search_recent("#SMBchat", since_id=None)).newest_id
    added = [emulator.add_post(f"user{i % 9}", f"A1 answer {i} #SMBchat") for i in range(350)]
    # Page 1 is answered, then page 2 fails on every attempt the client makes.
    emulator.inject_errors(client.policy.max_attempts, status=503, after=1)
    stopped = await client.search_recent("#SMBchat", since_id=since_id)
    assert [p.id for p in stopped.posts] == added[-100:]
    assert stopped.resume_below == added[-100] and "503" in stopped.error
    assert stopped.newest_id == added[-1]
    rest = await client.search_recent("#SMBchat", since_id=since_id, until_id=stopped.resume_below)
    assert rest.complete and not rest.error
    assert [p.id for p in rest.posts] == added[:-100]
    assert first not in {p.id for p in rest.posts}
    assert set(emulator.request_log.returned_ids.values()) == {1}
    assert emulator.billed_reads() == 351


async def test_a_pass_stops_at_the_page_cap_and_the_next_reads_the_rest(
    emulator: XEmulator, sleeps: SleepRecorder
) -> None:
    added = [emulator.add_post(f"user{i % 9}", f"A{i % 4} #SMBchat") for i in range(450)]
    client = make_client(emulator, sleeps, search_max_pages=2)
    query = "#SMBchat -is:retweet"
    start = datetime.now(UTC) - timedelta(hours=1)
    try:
        first = await client.search_recent(query, since_id=None, start_time=start)
        assert not first.complete and first.requests == 2 and first.error == ""
        assert [p.id for p in first.posts] == added[-200:]
        # No since_id yet (a chat's first pass): the rest is read by time, below the cap.
        read = [p.id for p in first.posts]
        batch = first
        while not batch.complete:
            batch = await client.search_recent(
                query, since_id=None, start_time=start, until_id=batch.resume_below
            )
            read.extend(p.id for p in batch.posts)
    finally:
        await client.close()
    assert sorted(read) == added
    assert emulator.billed_reads() == 450


async def test_a_long_post_is_read_whole(emulator: XEmulator, client: TweepyXClient) -> None:
    words = " ".join(f"idea{i}" for i in range(70))
    long_id = emulator.add_post("ana", f"A1: {words} #SMBchat #tools")
    (post,) = (await client.search_recent("#SMBchat", since_id=None)).posts
    assert post.text == f"A1: {words} #SMBchat #tools"
    assert post.hashtags == ("SMBchat", "tools")
    assert [p.text for p in await client.get_posts([long_id])] == [post.text]


async def test_retweets_come_back_unless_the_query_excludes_them(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    answer = emulator.add_post("ana", "A1 polls #SMBchat")
    emulator.add_post("bo", "", retweet_of=answer)
    everything = await client.search_recent("#SMBchat", since_id=None)
    assert [p.text for p in everything.posts] == ["A1 polls #SMBchat", "RT @ana: A1 polls #SMBchat"]
    answers = await client.search_recent("#SMBchat -is:retweet", since_id=None)
    assert [p.id for p in answers.posts] == [answer]


async def test_since_id_polling_alone_loses_a_post_search_shows_late() -> None:
    """With X's search lag a newer post can show first; since_id then skips the older one."""
    clock = ManualClock(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    emulator = XEmulator(now=clock.now, end_time_min_age_seconds=0)
    await emulator.start()
    client = make_client(emulator, SleepRecorder(), now=clock.now)
    try:
        emulator.set_visibility_delay(20, 20)
        late = emulator.add_post("ana", "A1 slow to index #SMBchat")
        clock.set(clock.now() + timedelta(seconds=1))
        emulator.set_visibility_delay(1, 1)
        quick = emulator.add_post("bo", "A1 quick #SMBchat")
        clock.set(clock.now() + timedelta(seconds=5))
        first = await client.search_recent("#SMBchat -is:retweet", since_id=None)
        assert [p.id for p in first.posts] == [quick]
        clock.set(clock.now() + timedelta(seconds=60))  # the late post shows now
        second = await client.search_recent("#SMBchat -is:retweet", since_id=first.newest_id)
        assert second.posts == []
        assert late not in emulator.request_log.returned_ids  # never read: lost
    finally:
        await client.close()
        await emulator.stop()


async def test_with_a_bearer_token_search_spends_the_apps_budget(
    emulator: XEmulator, sleeps: SleepRecorder
) -> None:
    emulator.add_post("ana", "A1 #SMBchat")
    client = make_client(emulator, sleeps, bearer_token=emulator.keys.bearer_token)
    try:
        batch = await client.search_recent("#SMBchat", since_id=None)
        await client.create_post("Q1 #SMBchat")  # still signed as the account
    finally:
        await client.close()
    assert len(batch.posts) == 1 and batch.rate_remaining == 449  # of X's 450 per app
    assert emulator.post(batch.posts[0].id).author_id != emulator.state.store.host_id
