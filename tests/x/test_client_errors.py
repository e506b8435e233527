"""X's errors beyond the documented ones, and its limits: each one a clear, distinct XError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chatbot.emulator.x import XEmulator
from chatbot.ports import (
    XCreditsExhaustedError,
    XForbiddenError,
    XRateLimitedError,
    XUnavailableError,
    XWritePermissionError,
)
from chatbot.x.client import TweepyXClient
from tests.x.conftest import SleepRecorder, make_client


def statuses(emulator: XEmulator, endpoint: str) -> list[int]:
    return [e.status for e in emulator.request_log.entries if e.endpoint == endpoint]


async def test_spent_credits_raise_at_once_without_retry(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.set_credits_exhausted()
    with pytest.raises(XCreditsExhaustedError, match="no credits left"):
        await client.create_post("Q1 #chat")
    assert statuses(emulator, "POST /2/tweets") == [402]
    assert sleeps.durations == []


async def test_the_intermittent_unknown_authentication_403_is_retried(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_errors(2, status=403, body="unknown-auth")
    post_id = await client.create_post("Q1 #chat")
    assert emulator.post(post_id).text == "Q1 #chat"
    assert statuses(emulator, "POST /2/tweets") == [403, 403, 201]
    assert sleeps.durations == [1.0, 2.0]


async def test_an_unknown_authentication_403_that_persists_is_forbidden(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_errors(10, status=403, body="unknown-auth")
    with pytest.raises(XForbiddenError, match="Unknown"):
        await client.me()
    assert len(sleeps.durations) == client.policy.max_attempts - 1


async def test_a_read_only_token_says_how_to_fix_it(
    emulator: XEmulator, sleeps: SleepRecorder
) -> None:
    emulator.add_access_token("15-ro", "ro-secret", "SMBchatHost", write=False)
    client = make_client(emulator, sleeps, access_token="15-ro", access_token_secret="ro-secret")
    try:
        with pytest.raises(XWritePermissionError, match="Read and write"):
            await client.check_write_access()
        assert "POST /2/tweets" not in emulator.request_counts()  # found out without posting
        with pytest.raises(XWritePermissionError, match="regenerate the access token"):
            await client.create_post("Q1 #chat")
    finally:
        await client.close()
    assert statuses(emulator, "POST /2/tweets") == [403]


@pytest.mark.parametrize("body", ["html", "empty"])
async def test_an_edge_error_page_is_retried_and_named_by_its_status(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder, body: str
) -> None:
    emulator.add_post("ana", "A1 #chat")
    emulator.inject_errors(2, status=502, body=body)
    batch = await client.search_recent("#chat", since_id=None)
    assert len(batch.posts) == 1 and sleeps.durations == [1.0, 2.0]
    emulator.inject_errors(10, status=503, body=body)
    with pytest.raises(XUnavailableError, match="HTTP 503"):
        await client.search_recent("#chat", since_id=None)


async def test_an_html_429_honours_its_reset(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=40, body="html")
    await client.me()
    assert len(sleeps.durations) == 1 and 39 <= sleeps.durations[0] <= 42


async def test_a_reset_an_hour_away_raises_at_once_with_the_reset_time(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(5, reset_in_seconds=3600)
    with pytest.raises(XRateLimitedError) as raised:
        await client.create_post("Q1 #chat")
    assert sleeps.durations == [] and statuses(emulator, "POST /2/tweets") == [429]
    assert raised.value.reset_at is not None
    assert timedelta(minutes=59) < raised.value.reset_at - datetime.now(UTC) < timedelta(minutes=61)


async def test_the_24_hour_post_limit_raises_at_once_with_its_reset(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    """The 15-minute window has room: only the 24-hour headers say when posting resumes."""
    emulator.set_daily_limit("POST /2/tweets", user=1)
    await client.create_post("Q1 #chat")
    with pytest.raises(XRateLimitedError) as raised:
        await client.create_post("Q2 #chat")
    assert sleeps.durations == [] and statuses(emulator, "POST /2/tweets") == [201, 429]
    assert raised.value.reset_at is not None
    assert raised.value.reset_at - datetime.now(UTC) > timedelta(hours=23)


async def test_a_reset_already_passed_never_makes_a_hot_loop(
    emulator: XEmulator, client: TweepyXClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(10, reset_in_seconds=-30)
    with pytest.raises(XRateLimitedError):
        await client.me()
    assert sleeps.durations == [client.policy.min_rate_limit_wait] * 3
    assert sum(emulator.request_counts().values()) == 4
