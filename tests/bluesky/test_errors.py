"""What the adapter does with the PDS's errors: waits, refreshes, or reports one of four."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chatbot.bluesky import (
    BlueskyAuthError,
    BlueskyClient,
    BlueskyRateLimitedError,
    BlueskyRefusedError,
    BlueskyUnavailableError,
    new_rkey,
)
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator
from tests.bluesky.conftest import SleepRecorder
from tests.clock import ManualClock


async def test_a_near_rate_limit_reset_is_waited_for_then_the_post_goes_out(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=40)
    ref = await client.create_post("Q1: ready? #SMBchat", rkey=new_rkey())
    assert emulator.post(ref.id)
    assert len(sleeps.durations) == 1
    assert 38 <= sleeps.durations[0] <= 41


async def test_a_spent_write_budget_is_reported_with_its_reset_time(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder
) -> None:
    emulator.set_rate_limit("repo-write-hour", points=6, window_seconds=3600)  # two creates
    for n in range(2):
        await client.create_post(f"Q{n}: #SMBchat", rkey=new_rkey())
    with pytest.raises(BlueskyRateLimitedError) as limited:
        await client.create_post("Q3: #SMBchat", rkey=new_rkey())
    assert limited.value.reset_at is not None
    expected = datetime.now(UTC) + timedelta(hours=1)
    assert abs((limited.value.reset_at - expected).total_seconds()) < 5
    assert sleeps.durations == []  # an hour away: no waiting inside a chat
    assert len(emulator.posts()) == 2


async def test_an_expired_access_token_is_refreshed_once_and_the_call_goes_on(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    emulator.expire_access_tokens()
    ref = await client.create_post("Q1: #SMBchat", rkey=new_rkey())
    assert emulator.post(ref.id)
    counts = emulator.request_counts()
    assert counts["com.atproto.server.refreshSession"] == 1
    assert counts["com.atproto.server.createSession"] == 1  # no new login
    statuses = emulator.request_log.summary()["statuses"]
    assert statuses["com.atproto.repo.createRecord 400"] == 1  # ExpiredToken, then the post


async def test_a_revoked_refresh_token_falls_back_to_the_app_password(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    emulator.expire_access_tokens()
    emulator.expire_refresh_tokens()
    results, _ = await client.search("SMBchat", since=datetime.now(UTC))
    assert results == []
    assert emulator.request_counts()["com.atproto.server.createSession"] == 2


async def test_a_wrong_app_password_is_an_auth_error(emulator: BlueskyEmulator) -> None:
    bsky = BlueskyClient(service=emulator.base_url, handle=HOST_HANDLE, app_password="wrong")
    with pytest.raises(BlueskyAuthError, match="Invalid identifier or password"):
        await bsky.login()
    await bsky.close()


@pytest.mark.parametrize("body", ["xrpc", "html", "empty"])
async def test_a_pds_that_keeps_failing_is_unavailable_after_bounded_retries(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder, body: str
) -> None:
    emulator.inject_errors(10, status=503, body=body)
    with pytest.raises(BlueskyUnavailableError, match="failed 4 times"):
        await client.search("SMBchat", since=datetime.now(UTC))
    assert sleeps.durations == [1.0, 2.0, 4.0]


async def test_a_bad_request_is_refused_at_once(
    client: BlueskyClient, emulator: BlueskyEmulator, sleeps: SleepRecorder
) -> None:
    emulator.inject_errors(1, status=400)
    with pytest.raises(BlueskyRefusedError) as refused:
        await client.search("SMBchat", since=datetime.now(UTC))
    assert refused.value.error == "InvalidRequest"
    assert sleeps.durations == []


async def test_the_session_is_renewed_by_the_bots_clock_not_the_wall_clock() -> None:
    """A chat on a clock of its own (a test's, a replay's) keeps one session while its
    token lives by that clock, and renews it before it expires, without a refused call."""
    clock = ManualClock(datetime(2026, 11, 10, 1, 0, tzinfo=UTC))
    emulator = BlueskyEmulator(now=clock.now)
    await emulator.start()
    bsky = BlueskyClient(
        service=emulator.base_url,
        handle=HOST_HANDLE,
        app_password=HOST_APP_PASSWORD,
        now=clock.now,
    )
    try:
        await bsky.login()
        await bsky.create_post("Q1: #SMBchat", rkey=new_rkey())
        clock.set(clock.now() + timedelta(minutes=90))
        await bsky.create_post("Q2: #SMBchat", rkey=new_rkey())
        assert emulator.request_counts().get("com.atproto.server.refreshSession", 0) == 0
        clock.set(clock.now() + timedelta(minutes=20))  # 15 minutes or less to live
        await bsky.create_post("Q3: #SMBchat", rkey=new_rkey())
        assert emulator.request_counts()["com.atproto.server.refreshSession"] == 1
        statuses = emulator.request_log.summary()["statuses"]
        assert not [status for status in statuses if status.endswith(" 400")]
    finally:
        await bsky.close()
        await emulator.stop()
