"""The real tweepy client, through the X adapter, reads every answer of X's documentation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatbot.ports import (
    XAuthError,
    XCreditsExhaustedError,
    XError,
    XRateLimitedError,
    XWritePermissionError,
)
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from tests.contract.x.fixture_x import FixtureX, fixture_names, load
from tests.x.conftest import SleepRecorder

HOST, ANA = 1500000000000000001, 1512345678901234567
Q1, A1, A2, A3 = 2125395341472694272, 2125395496661942273, 2125395651851190274, 2125395807040438275
LONG, MEDIA = 2125395962229686276, 2125396117418934277
SINCE = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


@pytest.fixture
async def x() -> AsyncIterator[FixtureX]:
    server = FixtureX()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(x: FixtureX, sleeps: SleepRecorder) -> AsyncIterator[TweepyXClient]:
    client = TweepyXClient(
        consumer_key="ck",
        consumer_secret="cs",
        access_token=f"{HOST}-at",
        access_token_secret="ats",
        base_url=x.base_url,
        sleep=sleeps,
        retry=RetryPolicy(timeout=5.0),
    )
    yield client
    await client.close()
    assert not x.queue, f"fixtures never asked for: {x.queue}"


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


async def test_search_follows_next_token_through_an_empty_and_a_short_page(
    x: FixtureX, client: TweepyXClient
) -> None:
    x.serve("search_recent_empty_first_page", "search_recent_short_page", "search_recent_last_page")
    batch = await client.search_recent("#SMBchat -is:retweet", since_id=None)
    assert [p.id for p in batch.posts] == [A1, A2, A3]
    assert batch.newest_id == A3 and batch.requests == 3 and batch.complete
    assert batch.rate_remaining == 297
    hello, answer, quote = batch.posts
    assert answer.text.startswith("@SMBchatHost A1: we reply") and "& it shows" in answer.text
    assert answer.author.username == "ana_bakes" and answer.author.followers_count == 1200
    assert (answer.in_reply_to_post_id, answer.in_reply_to_user_id) == (Q1, HOST)
    assert answer.mentions == ("SMBchatHost",) and answer.hashtags == ("SMBchat",)
    assert quote.quoted_post_id == A2 and quote.urls == ("http://smbchat.com/polls",)
    assert hello.created_at == datetime(2026, 11, 25, 1, 5, 49, tzinfo=UTC)


async def test_partial_errors_keep_the_posts_found(x: FixtureX, client: TweepyXClient) -> None:
    x.serve("tweets_lookup_partial_errors")
    posts = await client.get_posts([A2, 2125395962229686276])
    assert [p.id for p in posts] == [A2]


async def test_a_long_post_is_read_whole(x: FixtureX, client: TweepyXClient) -> None:
    x.serve("tweet_note_tweet")
    (post,) = await client.get_posts([LONG])
    whole = load("tweet_note_tweet")["body"]["data"][0]["note_tweet"]["text"]
    assert post.text == whole and len(post.text) > 280 and "…" not in post.text


async def test_a_media_post_keeps_its_t_co_link_but_it_is_no_url(
    x: FixtureX, client: TweepyXClient
) -> None:
    x.serve("tweet_media_post")
    (post,) = await client.get_posts([MEDIA])
    assert post.text.endswith("https://t.co/yvxdK6aOo2") and post.urls == ()


async def test_a_post_with_media_is_created(
    x: FixtureX, client: TweepyXClient, image: Path
) -> None:
    x.serve("media_upload", "create_post")
    assert (
        await client.create_post("Q1: What brought you to #SMBchat tonight?", media_path=image)
        == Q1
    )
    assert x.requests == ["POST /2/media/upload", "POST /2/tweets"]


async def test_me_and_the_write_permission(x: FixtureX, client: TweepyXClient) -> None:
    x.serve("users_me")
    me = await client.check_write_access()
    assert (me.id, me.username, me.followers_count) == (HOST, "SMBchatHost", 5000)


async def test_a_duplicate_resolves_to_our_image_post(x: FixtureX, client: TweepyXClient) -> None:
    """X refuses the re-send as a duplicate; the earlier post has media and its t.co link."""
    x.serve("users_me", "error_403_duplicate", "users_tweets_own")
    text = "Recap of tonight's #SMBchat: 41 people, 212 answers. Thank you all!"
    await client.me()
    assert await client.create_post(text) == MEDIA


async def test_own_post_lookup_finds_the_image_post(x: FixtureX, client: TweepyXClient) -> None:
    x.serve("users_me", "users_tweets_own")
    text = "Recap of tonight's #SMBchat: 41 people, 212 answers. Thank you all!"
    assert await client.find_own_post(text, since=SINCE) == MEDIA


@pytest.mark.parametrize(
    ("fixture", "error", "match"),
    [
        ("error_400_invalid_request", XError, "max_results"),
        ("error_401", XAuthError, "refused the credentials"),
        ("error_402_credits", XCreditsExhaustedError, "no credits left"),
        ("error_403_oauth1_permissions", XWritePermissionError, "Read and write"),
        ("error_429_24_hour", XRateLimitedError, "rate limited by X until"),
    ],
)
async def test_a_refusal_is_its_own_error_at_once(
    x: FixtureX,
    client: TweepyXClient,
    sleeps: SleepRecorder,
    fixture: str,
    error: type[XError],
    match: str,
) -> None:
    x.serve(fixture)
    request = load(fixture)["request"]
    with pytest.raises(error, match=match):
        if request.startswith("POST"):
            await client.create_post("Q1: What brought you to #SMBchat tonight?")
        elif "search" in request:
            await client.search_recent("#SMBchat", since_id=None)
        else:
            await client.me()
    assert sleeps.durations == []


async def test_the_24_hour_limit_says_when_posting_resumes(
    x: FixtureX, client: TweepyXClient
) -> None:
    x.serve("error_429_24_hour")
    with pytest.raises(XRateLimitedError) as raised:
        await client.create_post("Q2 #SMBchat")
    assert raised.value.reset_at is not None
    assert raised.value.reset_at - datetime.now(UTC) > timedelta(hours=13)


@pytest.mark.parametrize(
    ("fixture", "wait"),
    [
        ("error_429", 31.0),
        ("error_429_html", 31.0),
        ("error_403_unknown_auth", 1.0),
        ("error_502_html", 1.0),
        ("error_503_empty", 1.0),
    ],
)
async def test_a_passing_failure_is_waited_out(
    x: FixtureX, client: TweepyXClient, sleeps: SleepRecorder, fixture: str, wait: float
) -> None:
    x.serve(
        fixture,
        "users_me" if "search" not in load(fixture)["request"] else "search_recent_last_page",
    )
    if "search" in load(fixture)["request"]:
        assert [p.id for p in (await client.search_recent("#SMBchat", since_id=None)).posts] == [A1]
    else:
        assert (await client.me()).id == HOST
    assert len(sleeps.durations) == 1 and wait - 1 <= sleeps.durations[0] <= wait + 1


def test_every_fixture_is_read_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert [name for name in fixture_names() if f'"{name}"' not in source] == []
