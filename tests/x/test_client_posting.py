"""Posting through the real tweepy AsyncClient to the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.ports import XDuplicateError, XError, XForbiddenError
from chatbot.x.client import TweepyXClient
from chatbot.x.meter import Meter


async def test_post_and_reply_form_a_thread(emulator: XEmulator, client: TweepyXClient) -> None:
    root = await client.create_post("Welcome to #SMBchat!")
    q1 = await client.create_post("Q1 What brought you here? #SMBchat", reply_to=root)
    stored = emulator.post(q1)
    assert stored.author_id == HOST_USER_ID
    assert stored.in_reply_to_post_id == root
    assert stored.conversation_id == root
    assert root > 10**18 and q1 > root
    assert emulator.request_log.posts_created == 2


async def test_media_is_uploaded_then_attached(
    emulator: XEmulator, client: TweepyXClient, image: Path
) -> None:
    post_id = await client.create_post("Recap #SMBchat", media_path=image)
    assert emulator.post(post_id).media_keys[0].startswith("3_")
    assert emulator.request_counts()["POST /2/media/upload"] == 1


async def test_duplicate_resolves_to_the_earlier_post_without_a_second_create(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    first = await client.create_post("Q2 is live! https://example.com/q2 #SMBchat")
    again = await client.create_post("Q2 is live! https://example.com/q2 #SMBchat")
    assert again == first
    statuses = [(e.endpoint, e.status) for e in emulator.request_log.entries]
    assert statuses.count(("POST /2/tweets", 201)) == 1
    assert statuses.count(("POST /2/tweets", 403)) == 1
    assert emulator.request_log.posts_created == 1


async def test_duplicate_older_than_the_lookback_raises(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    """X remembers the text longer than the client looks back for it."""
    emulator.settings.duplicate_window = timedelta(days=7)
    emulator.add_post(HOST_USER_ID, "Same words", created_at=datetime.now(UTC) - timedelta(days=3))
    with pytest.raises(XDuplicateError):
        await client.create_post("Same words")
    assert emulator.request_log.posts_created == 0


async def test_reply_to_a_missing_post_is_forbidden(client: TweepyXClient) -> None:
    with pytest.raises(XForbiddenError):
        await client.create_post("hello", reply_to=123456789)


async def test_too_long_post_is_refused_by_x(client: TweepyXClient) -> None:
    with pytest.raises(XError, match="too long"):
        await client.create_post("é" * 281)


async def test_find_own_post_ignores_whitespace_and_link_shortening(
    client: TweepyXClient,
) -> None:
    post_id = await client.create_post("See  https://example.com/long/path  now")
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert await client.find_own_post("See https://example.com/long/path now", since=since) == (
        post_id
    )
    assert await client.find_own_post("Something else", since=since) is None


async def test_an_image_post_whose_answer_was_lost_is_found_not_sent_again(
    emulator: XEmulator, client: TweepyXClient, image: Path
) -> None:
    """X appends a t.co link to a post with media: the own-post lookup still finds it."""
    await client.me()
    emulator.inject_drops(1, after_processing=True)
    post_id = await client.create_post("Recap: 40 people #SMBchat", media_path=image)
    assert emulator.request_log.posts_created == 1
    assert emulator.post(post_id).text.startswith("Recap: 40 people #SMBchat https://t.co/")
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert await client.find_own_post("Recap: 40 people #SMBchat", since=since) == post_id


async def test_find_own_post_sees_bare_domains_as_x_links_them(client: TweepyXClient) -> None:
    post_id = await client.create_post("Slides at smbchat.com/q2 #SMBchat")
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert await client.find_own_post("Slides at smbchat.com/q2 #SMBchat", since=since) == post_id
    assert await client.find_own_post("Notes at smbchat.com/q2 #SMBchat", since=since) is None


async def test_the_link_price_follows_the_text_we_sent_not_media(
    emulator: XEmulator, client: TweepyXClient, image: Path
) -> None:
    await client.create_post("Recap chart #SMBchat", media_path=image)  # t.co in X's text
    await client.create_post("More at example.com #SMBchat")  # a bare domain is a link
    meter = client.meter
    assert isinstance(meter, Meter)
    assert (meter.posts_created, meter.posts_with_url) == (2, 1)
    assert emulator.request_log.posts_created_with_url == 1
