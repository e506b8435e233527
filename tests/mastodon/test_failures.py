"""How the adapter lives through Mastodon's failures: 429 with X-RateLimit-Reset, 5xx,
a proxy's HTML pages, lost connections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.errors import MastodonRateLimitedError, MastodonUnavailableError
from tests.mastodon.conftest import SleepRecorder


async def test_a_429_waits_until_the_reset_then_goes_on(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=30)
    ref = await client.create_post("Q1 #SMBchat", idempotency_key="q1")
    assert emulator.status(ref.id).text == "Q1 #SMBchat"
    assert len(sleeps.durations) == 1 and 29 <= sleeps.durations[0] <= 33


async def test_a_429_far_from_its_reset_is_raised_with_the_reset_time(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_rate_limit(1, reset_in_seconds=3600)
    with pytest.raises(MastodonRateLimitedError) as raised:
        await client.timeline("SMBchat", since_id=None)
    reset_at = raised.value.reset_at
    assert reset_at is not None
    assert timedelta(minutes=59) < reset_at - datetime.now(UTC) < timedelta(minutes=61)
    assert sleeps.durations == []


async def test_the_instance_budget_runs_out_and_the_client_says_until_when(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.set_rate_limit("POST /api/v1/statuses", limit=2, period=3 * 3600)
    await client.create_post("Q1 #SMBchat", idempotency_key="q1")
    await client.create_post("Q2 #SMBchat", idempotency_key="q2")
    with pytest.raises(MastodonRateLimitedError):
        await client.create_post("Q3 #SMBchat", idempotency_key="q3")
    assert len(emulator.statuses()) == 2


@pytest.mark.parametrize("body", ["json", "html", "empty"])
async def test_5xx_are_retried_with_backoff(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder, body: str
) -> None:
    emulator.add_status("ana", "A1 #SMBchat")
    emulator.inject_errors(2, status=502, body=body)
    posts = await client.timeline("SMBchat", since_id=None)
    assert len(posts) == 1 and sleeps.durations == [1.0, 2.0]


async def test_failures_beyond_the_bound_are_unavailable(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_drops(10)
    with pytest.raises(MastodonUnavailableError):
        await client.get_post("1")
    assert len(sleeps.durations) == client.policy.max_attempts - 1
