"""The hashtag stream: live posts through Mastodon's streaming API, reconnection with
backoff, and the tag timeline filling what a dropped stream missed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

from chatbot.domain.network import NetPost
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.stream import HashtagStream
from tests.mastodon.conftest import SleepRecorder

TIMEOUT = 10.0


async def take(posts: AsyncIterator[NetPost], count: int) -> list[NetPost]:
    """The next ``count`` posts of a stream (failing after TIMEOUT seconds)."""
    async with asyncio.timeout(TIMEOUT):
        return [await anext(posts) for _ in range(count)]


async def connected(emulator: MastodonEmulator, count: int = 1) -> None:
    async with asyncio.timeout(TIMEOUT):
        await emulator.wait_for_streams(count)


async def test_new_posts_with_the_tag_arrive_as_they_are_posted(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.add_status("old_timer", "Posted before we listened #SMBchat")
    stream = client.stream("#SMBchat")
    posts = aiter(stream)
    first = asyncio.ensure_future(take(posts, 3))
    await connected(emulator)
    emulator.add_status("ana@fosstodon.example", "A1: we reply within the hour #smbchat")
    emulator.add_status("bo", "Not this chat #OtherChat")
    emulator.add_status("cleo", "Followers only #SMBchat", visibility="private")
    emulator.add_status("bo", "A1 from here &lt; #SMBChat")
    await client.create_post("Q2: What next? #SMBchat", idempotency_key="q2")
    ana, bo, host = await first
    stream.close()
    assert [p.author.handle for p in (ana, bo, host)] == [
        "ana@fosstodon.example",
        "bo@mastodon.example",
        "smbchat@mastodon.example",
    ]
    assert ana.text == "A1: we reply within the hour #smbchat"
    assert bo.text == "A1 from here &lt; #SMBChat" and bo.hashtags == ("SMBChat",)
    assert host.text == "Q2: What next? #SMBchat"


async def test_a_dropped_stream_reconnects_and_fills_the_gap_from_the_timeline(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    stream = client.stream("SMBchat")
    posts = aiter(stream)
    before = asyncio.ensure_future(take(posts, 1))
    await connected(emulator)
    emulator.add_status("ana", "A1 live #SMBchat")
    assert [p.text for p in await before] == ["A1 live #SMBchat"]
    emulator.set_streaming_down(True)
    emulator.drop_streams()
    emulator.add_status("bo", "A1 while the stream was down #SMBchat")
    emulator.add_status("cleo@mas.to", "A2 also missed #SMBchat")
    after = asyncio.ensure_future(take(posts, 3))
    async with asyncio.timeout(TIMEOUT):
        await sleeps.wait_for(3)  # after the drop, then refused twice
    emulator.set_streaming_down(False)
    await connected(emulator)
    emulator.add_status("dev", "A2 live again #SMBchat")
    texts = [p.text for p in await after]
    stream.close()
    assert texts == [
        "A1 while the stream was down #SMBchat",
        "A2 also missed #SMBchat",
        "A2 live again #SMBchat",
    ]
    assert stream.reconnects == 1
    assert sleeps.durations[:3] == [1.0, 1.0, 2.0]  # after the drop, then backing off


async def test_a_restart_reads_what_was_posted_since_the_last_post_handled(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    handled = emulator.add_status("ana", "A1 handled before the restart #SMBchat")
    emulator.add_status("bo", "A1 posted while we were down #SMBchat")
    stream = HashtagStream(client, "SMBchat", since_id=handled)
    posts = aiter(stream)
    (missed,) = await take(posts, 1)
    stream.close()
    assert missed.text == "A1 posted while we were down #SMBchat"


async def test_a_federated_post_arriving_late_with_an_older_id_is_not_lost(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    """A remote status carries the id of its creation time: it may sort below one seen."""
    stream = client.stream("SMBchat")
    posts = aiter(stream)
    first = asyncio.ensure_future(take(posts, 1))
    await connected(emulator)
    seen = emulator.add_status("ana", "A1 seen live #SMBchat")
    await first
    emulator.drop_streams()
    late = emulator.add_status(
        "zoe@slow.example",
        "A1 written earlier, delivered late #SMBchat",
        created_at=emulator.status(seen).created_at - timedelta(seconds=30),
    )
    (post,) = await take(posts, 1)
    stream.close()
    assert post.ref.id == late and int(late) < int(seen)
