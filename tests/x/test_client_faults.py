"""How the adapter survives X's failures: rate limits, 5xx, drops, timeouts, 401."""

from __future__ import annotations

import pytest

from chatbot.emulator.x import XEmulator
from chatbot.ports import XAuthError, XUnavailableError
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from tests.x.conftest import SleepRecorder, make_client


def creates(emulator: XEmulator) -> list[int]:
    return [e.status for e in emulator.request_log.entries if e.endpoint == "POST /2/tweets"]


async def test_429_waits_until_reset_then_succeeds(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=30)
    post_id = await client.create_post("Q1 #chat")
    assert emulator.post(post_id).text == "Q1 #chat"
    assert len(sleeps.durations) == 1
    assert 29 <= sleeps.durations[0] <= 32
    assert creates(emulator) == [429, 201]


async def test_429_storm_beyond_the_bound_is_unavailable(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(10, reset_in_seconds=5)
    with pytest.raises(XUnavailableError):
        await client.search_recent("#chat", since_id=None)
    assert len(sleeps.durations) == client.policy.max_rate_limit_waits
    assert emulator.request_counts()["GET /2/tweets/search/recent"] == (
        client.policy.max_rate_limit_waits + 1
    )


async def test_429_with_a_reset_too_far_away_gives_up_at_once(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=3600)
    with pytest.raises(XUnavailableError):
        await client.search_recent("#chat", since_id=None)
    assert sleeps.durations == []


async def test_5xx_burst_is_retried_with_backoff(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.add_post("ana", "A1 #chat")
    emulator.inject_errors(2, status=503)
    batch = await client.search_recent("#chat", since_id=None)
    assert len(batch.posts) == 1
    assert sleeps.durations == [1.0, 2.0]


async def test_5xx_beyond_the_bound_is_unavailable(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_errors(10, status=500)
    with pytest.raises(XUnavailableError):
        await client.me()
    assert len(sleeps.durations) == client.policy.max_attempts - 1


async def test_5xx_after_the_post_was_made_does_not_post_twice(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    emulator.inject_errors(1, status=503, after_processing=True)
    post_id = await client.create_post("Q3 #chat")
    assert creates(emulator) == [503]
    assert emulator.request_log.posts_created == 1
    assert emulator.post(post_id).text == "Q3 #chat"


async def test_dropped_connection_before_processing_is_resent(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_drops(1)
    post_id = await client.create_post("Q4 #chat")
    assert creates(emulator) == [0, 201]
    assert emulator.post(post_id).text == "Q4 #chat"
    assert sleeps.durations == [1.0]


async def test_dropped_connection_after_processing_finds_the_post(
    emulator: XEmulator, client: TweepyXClient
) -> None:
    await client.me()
    emulator.inject_drops(1, after_processing=True)
    post_id = await client.create_post("Q5 #chat")
    assert emulator.request_log.posts_created == 1
    assert creates(emulator) == [201]
    assert emulator.post(post_id).text == "Q5 #chat"


async def test_slow_reply_beyond_the_timeout_is_retried(
    emulator: XEmulator, sleeps: SleepRecorder
) -> None:
    client = make_client(emulator, sleeps, retry=RetryPolicy(timeout=0.2))
    try:
        await client.me()
        emulator.set_latency(1.0, count=1)
        post_id = await client.create_post("Q6 #chat")
    finally:
        await client.close()
    assert emulator.request_log.posts_created == 1
    assert emulator.post(post_id).text == "Q6 #chat"
    assert len(sleeps.durations) == 1


async def test_401_is_an_auth_error_without_retry(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.set_credentials_valid(False)
    with pytest.raises(XAuthError):
        await client.create_post("Q7 #chat")
    assert sleeps.durations == []
    assert sum(emulator.request_counts().values()) == 1


async def test_a_wrong_secret_is_an_auth_error(emulator: XEmulator, sleeps: SleepRecorder) -> None:
    client = make_client(emulator, sleeps, consumer_secret="not-the-apps-secret")
    try:
        with pytest.raises(XAuthError):
            await client.me()
    finally:
        await client.close()
    assert emulator.request_log.entries[0].status == 401
