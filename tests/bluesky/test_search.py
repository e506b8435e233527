"""Gap filling with searchPosts: pages, since, repeats between pages, bare-text hashtags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.bluesky import BlueskyClient
from chatbot.domain.network import Network
from chatbot.emulator.bluesky import BlueskyEmulator
from tests.bluesky.conftest import ANA


def _answers(emulator: BlueskyEmulator, count: int, *, start: datetime) -> list[str]:
    return [
        emulator.add_post(ANA, f"A1: idea {n} #SMBchat", created_at=start + timedelta(seconds=n))
        for n in range(count)
    ]


async def test_pages_of_search_cover_every_post_once_oldest_first(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=10)
    made = _answers(emulator, 230, start=since)
    posts = await client.search_all("SMBchat", since=since)
    assert [post.ref.id for post in posts] == made
    assert emulator.request_counts()["app.bsky.feed.searchPosts"] == 3  # 100 + 100 + 30
    first = posts[0]
    assert first.network is Network.BLUESKY
    assert first.author.handle == ANA
    assert first.author.name == "Ana · Sweet Crumbs Bakery"
    assert first.hashtags == ("SMBchat",)
    assert first.ref.url.startswith(f"https://bsky.app/profile/{ANA}/post/")


async def test_a_post_made_between_two_pages_repeats_one_and_search_all_keeps_one(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=10)
    _answers(emulator, 150, start=since)
    first, cursor = await client.search("SMBchat", since=since)
    emulator.add_post(ANA, "A2: late one #SMBchat")
    second, cursor = await client.search("SMBchat", since=since, cursor=cursor)
    assert cursor is None
    assert second[0].ref.id == first[-1].ref.id  # the offset moved under the reader
    assert len(await client.search_all("SMBchat", since=since)) == 151


async def test_since_leaves_out_older_posts_and_other_hashtags(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    now = datetime.now(UTC)
    emulator.add_post(ANA, "A1: too early #SMBchat", created_at=now - timedelta(hours=2))
    kept = emulator.add_post(ANA, "A1: in time #smbchat", created_at=now - timedelta(minutes=5))
    emulator.add_post(ANA, "A1: other chat #SMBchatter", created_at=now - timedelta(minutes=4))
    emulator.add_post(ANA, "A1: no tag at all", created_at=now - timedelta(minutes=3))
    posts = await client.search_all("#SMBchat", since=now - timedelta(hours=1))
    assert [post.ref.id for post in posts] == [kept]


async def test_a_hashtag_written_without_a_facet_is_still_found(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    bare = emulator.add_post(ANA, "A1: from an old client #SMBchat", facets=False)
    [post] = await client.search_all("SMBchat", since=since)
    assert post.ref.id == bare
    assert post.hashtags == ()


async def test_get_posts_refreshes_counts_in_batches_of_25(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    made = _answers(emulator, 30, start=datetime.now(UTC))
    emulator.set_counts(made[0], like=7, repost=2, reply=3, quote=1)
    posts = await client.get_posts([*made, made[0].replace(made[0][-4:], "zzzz")])
    assert [post.ref.id for post in posts] == made  # the unknown one is left out
    assert emulator.request_counts()["app.bsky.feed.getPosts"] == 2
    metrics = posts[0].metrics
    likes = (metrics.like_count, metrics.retweet_count, metrics.reply_count, metrics.quote_count)
    assert likes == (7, 2, 3, 1)
