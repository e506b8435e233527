"""Exactly once: a status is sent with an Idempotency-Key chosen (and stored) before the
first try, so a re-send after a lost answer or a crash returns the first status."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.calls import RetryPolicy
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.errors import MastodonUnavailableError
from tests.mastodon.conftest import SleepRecorder, make_client

TEXT = "Q1: What brought you to #SMBchat tonight?"


def created(emulator: MastodonEmulator) -> list[str]:
    return [s["id"] for s in emulator.statuses() if "brought you" in s["content"]]


async def test_a_lost_answer_is_resent_with_the_same_key_and_posts_once(
    emulator: MastodonEmulator, client: MastodonClient, sleeps: SleepRecorder
) -> None:
    emulator.inject_drops(1, after_processing=True)
    ref = await client.create_post(TEXT, idempotency_key="chat-7/q1")
    assert created(emulator) == [ref.id]
    assert emulator.request_counts()["POST /api/v1/statuses"] == 2 and sleeps.durations == [1.0]


async def test_a_5xx_after_posting_is_resent_and_posts_once(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.inject_errors(2, status=503, after_processing=True)
    ref = await client.create_post(TEXT, idempotency_key="chat-7/q1")
    assert created(emulator) == [ref.id]


async def _crash(
    point: str, emulator: MastodonEmulator, sleeps: SleepRecorder, rng: random.Random
) -> None:
    """Run the first process until it dies at ``point``, with the key already stored."""
    if point == "before sending":
        return
    first = make_client(emulator, sleeps, retry=RetryPolicy(timeout=2.0, max_attempts=1))
    try:
        if point == "answer lost":
            emulator.inject_drops(1, after_processing=True)
        elif point == "refused before posting":
            emulator.inject_errors(1, status=502, body="html")
        elif point == "killed while waiting":
            emulator.set_latency(0.3, count=1)
            sending = asyncio.ensure_future(first.create_post(TEXT, idempotency_key="chat-7/q1"))
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            sending.cancel()  # the process dies: before, during or after the request
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            await asyncio.sleep(0.4)  # the request the dead process sent may still land
            return
        with pytest.raises(MastodonUnavailableError):
            await first.create_post(TEXT, idempotency_key="chat-7/q1")
    finally:
        first.close()


@pytest.mark.parametrize("seed", range(8))
async def test_a_crash_at_a_random_point_never_posts_twice(
    emulator: MastodonEmulator, sleeps: SleepRecorder, seed: int
) -> None:
    rng = random.Random(seed)
    point = rng.choice(
        ["before sending", "answer lost", "refused before posting", "killed while waiting"]
    )
    await _crash(point, emulator, sleeps, rng)
    restarted = make_client(emulator, sleeps)
    try:
        ref = await restarted.create_post(TEXT, idempotency_key="chat-7/q1")
        again = await restarted.create_post(TEXT, idempotency_key="chat-7/q1")
    finally:
        restarted.close()
    assert created(emulator) == [ref.id] and again == ref, point


async def test_a_key_older_than_mastodons_hour_posts_again() -> None:
    """Mastodon keeps a key one hour: a re-send later than that is a new status."""
    clock = [datetime(2026, 11, 25, 1, 0, tzinfo=UTC)]
    emulator = MastodonEmulator(now=lambda: clock[0])
    await emulator.start()
    client = make_client(emulator, SleepRecorder())
    try:
        first = await client.create_post(TEXT, idempotency_key="chat-7/q1")
        clock[0] += timedelta(minutes=59)
        assert await client.create_post(TEXT, idempotency_key="chat-7/q1") == first
        clock[0] += timedelta(minutes=2)
        later = await client.create_post(TEXT, idempotency_key="chat-7/q1")
    finally:
        client.close()
        await emulator.stop()
    assert later.id != first.id
