"""The Jetstream consumer over a real websocket: live posts, resume, reconnect, backoff."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from chatbot.bluesky import Backoff, BlueskyClient, BlueskyUnavailableError, JetstreamConsumer
from chatbot.domain.network import NetPost
from chatbot.emulator.bluesky import BlueskyEmulator
from tests.bluesky.conftest import ANA, SleepRecorder

BO = "bo-builds.bsky.social"


async def _take(
    consumer: JetstreamConsumer, count: int, *, then: Callable[[], Awaitable[None]] | None = None
) -> list[NetPost]:
    """Read ``count`` posts (calling ``then`` once connected), then stop the consumer."""
    got: list[NetPost] = []

    async def read() -> None:
        async for post in consumer.posts():
            got.append(post)
            if len(got) == count:
                await consumer.stop()

    reader = asyncio.create_task(read())
    if then is not None:
        await consumer.connected.wait()
        await then()
    await asyncio.wait_for(reader, 10)
    return got


async def test_live_posts_carrying_the_hashtag_arrive_with_their_authors(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    emulator.add_account(BO, display_name="Bo Builds Decks", followers=340)
    consumer = JetstreamConsumer(url=emulator.jetstream_url, hashtag="#SMBchat", profiles=client)

    async def chat() -> None:
        emulator.add_post(ANA, "Hi all, no hashtag here")
        emulator.add_post(ANA, "A1: polls in stories #SMBchat")
        emulator.add_post(BO, "A1: from a client without facets #smbchat", facets=False)
        emulator.add_post(BO, "Off topic #SMBchatter")
        emulator.add_post(ANA, "A1: and again #SMBchat")

    posts = await _take(consumer, 3, then=chat)
    assert [(p.author.handle, p.text) for p in posts] == [
        (ANA, "A1: polls in stories #SMBchat"),
        (BO, "A1: from a client without facets #smbchat"),
        (ANA, "A1: and again #SMBchat"),
    ]
    assert posts[1].author.followers == 340
    assert emulator.request_counts()["app.bsky.actor.getProfile"] == 3  # host, Ana, Bo: cached
    assert posts[0].ref.id.startswith("at://did:plc:")
    assert posts[0].ref.cid == emulator.post(posts[0].ref.id).cid


async def test_a_restart_resumes_from_the_saved_cursor(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    first = JetstreamConsumer(url=emulator.jetstream_url, hashtag="SMBchat", profiles=client)
    seen = await _take(first, 2, then=lambda: _post(emulator, "A1: one", "A1: two"))
    saved = first.cursor
    assert saved is not None
    _post_now(emulator, "A1: three (while the bot was down)", "A1: four")

    second = JetstreamConsumer(
        url=emulator.jetstream_url, hashtag="SMBchat", profiles=client, cursor=saved
    )
    resumed = await _take(second, 3)
    # The saved cursor's own event comes again (at least once), then what was missed.
    assert [_plain(p) for p in resumed] == [
        _plain(seen[-1]),
        "A1: three (while the bot was down)",
        "A1: four",
    ]


async def test_a_dropped_connection_reconnects_from_where_it_was_and_skips_nothing(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder
) -> None:
    consumer = JetstreamConsumer(
        url=emulator.jetstream_url, hashtag="SMBchat", profiles=client, sleep=sleeps
    )
    stream = consumer.posts()
    first = asyncio.ensure_future(anext(stream))
    await consumer.connected.wait()
    _post_now(emulator, "A1: before the blip")
    posts = [await asyncio.wait_for(first, 10)]
    assert await emulator.drop_stream_connections() == 1
    _post_now(emulator, "A1: during the blip", "A1: after it")
    posts += [await asyncio.wait_for(anext(stream), 10) for _ in range(2)]
    await consumer.stop()
    await stream.aclose()
    assert [_plain(p) for p in posts] == [
        "A1: before the blip",
        "A1: during the blip",
        "A1: after it",
    ]
    assert consumer.connections == 2
    assert sleeps.durations == [1.0]


async def test_an_unreachable_jetstream_is_retried_with_growing_delays_then_reported(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder
) -> None:
    emulator.set_stream_open(False)
    consumer = JetstreamConsumer(
        url=emulator.jetstream_url,
        hashtag="SMBchat",
        profiles=client,
        backoff=Backoff(base=1.0, cap=5.0, max_failures=5),
        sleep=sleeps,
    )
    with pytest.raises(BlueskyUnavailableError, match="5 times in a row"):
        await _take(consumer, 1)
    assert sleeps.durations == [1.0, 2.0, 4.0, 5.0]


async def test_only_the_wanted_authors_are_streamed_when_asked(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    emulator.add_account(BO)
    ana_did = emulator.state.store.account(ANA)
    assert ana_did is not None
    consumer = JetstreamConsumer(
        url=emulator.jetstream_url,
        hashtag="SMBchat",
        profiles=client,
        wanted_dids=[ana_did.did],
    )

    async def both() -> None:
        emulator.add_post(BO, "A1: Bo #SMBchat")
        emulator.add_post(ANA, "A1: Ana #SMBchat")

    [post] = await _take(consumer, 1, then=both)
    assert post.author.handle == ANA


def _plain(post: NetPost) -> str:
    return post.text.removesuffix(" #SMBchat")


async def _post(emulator: BlueskyEmulator, *texts: str) -> None:
    _post_now(emulator, *texts)


def _post_now(emulator: BlueskyEmulator, *texts: str) -> None:
    for text in texts:
        emulator.add_post(ANA, f"{text} #SMBchat")
