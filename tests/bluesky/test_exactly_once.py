"""Exactly once: a post's record key is chosen before sending, so no retry posts twice."""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from chatbot.bluesky import BlueskyClient, RetryPolicy, new_rkey
from chatbot.domain.network import PostRef
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyEmulator

TEXT = "Q1: What brought you to #SMBchat tonight?"


async def _fresh_process(emulator: BlueskyEmulator) -> BlueskyClient:
    """A new adapter, as after a restart (no memory of the earlier attempt)."""
    bsky = BlueskyClient(
        service=emulator.base_url,
        handle=HOST_HANDLE,
        app_password=HOST_APP_PASSWORD,
        policy=RetryPolicy(base_delay=0.0, timeout=5.0),
    )
    await bsky.login()
    return bsky


def _posts_at(emulator: BlueskyEmulator, rkey: str) -> list[str]:
    return [view["uri"] for view in emulator.posts() if view["uri"].endswith(f"/{rkey}")]


@pytest.mark.parametrize("fault", ["drop", "502", "503-html"])
async def test_an_answer_lost_after_the_pds_accepted_resolves_to_that_post(
    client: BlueskyClient, emulator: BlueskyEmulator, fault: str
) -> None:
    if fault == "drop":
        emulator.inject_drops(1, after_processing=True)
    else:
        status, _, body = fault.partition("-")
        emulator.inject_errors(1, status=int(status), after_processing=True, body=body or "xrpc")
    rkey = new_rkey()
    ref = await client.create_post(TEXT, rkey=rkey)
    assert _posts_at(emulator, rkey) == [ref.id]
    assert ref.cid == emulator.post(ref.id).cid
    assert emulator.request_counts()["com.atproto.repo.getRecord"] == 1
    assert len(emulator.posts()) == 1


async def test_a_retry_after_a_crash_finds_the_post_instead_of_making_another(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    rkey = new_rkey()
    first = await client.create_post(TEXT, rkey=rkey)  # then the process dies before storing
    again = await (await _fresh_process(emulator)).create_post(TEXT, rkey=rkey)
    assert again == first
    assert len(emulator.posts()) == 1
    statuses = emulator.request_log.summary()["statuses"]
    assert statuses["com.atproto.repo.createRecord 500"] == 1  # the PDS refused the key


async def test_a_failure_before_the_pds_saw_the_post_sends_it_once_more(
    client: BlueskyClient, emulator: BlueskyEmulator
) -> None:
    emulator.inject_drops(1)  # before processing
    rkey = new_rkey()
    ref = await client.create_post(TEXT, rkey=rkey)
    assert _posts_at(emulator, rkey) == [ref.id]
    assert emulator.request_counts()["com.atproto.repo.createRecord"] == 2


# Faults met in order by createRecord, the getRecord check after it, the next send…
FAULTS = [
    [],
    ["drop"],
    ["error"],
    ["drop-after"],
    ["error-after", "error"],
    ["drop-after", "drop"],
    ["error", "error-after", "drop"],
    ["drop", "drop-after", "drop", "drop"],
]


class Crash(BaseException):
    """The process dying at an await (not an Exception: nothing may catch it)."""


async def _kill_at_random(emulator: BlueskyEmulator, rng: random.Random) -> str:
    """One run: random faults, a kill at a random await, a restart that finishes.
    Return how the first process ended: "done", "killed after the post" or "killed before"."""
    kill_at = rng.randrange(4)  # which backoff sleep kills the process (3: none)
    sleeps = 0

    async def dying_sleep(_: float) -> None:
        nonlocal sleeps
        sleeps += 1
        if sleeps > kill_at:
            raise Crash

    first = BlueskyClient(
        service=emulator.base_url,
        handle=HOST_HANDLE,
        app_password=HOST_APP_PASSWORD,
        sleep=dying_sleep,
    )
    await first.login()
    for choice in rng.choice(FAULTS):  # failures of createRecord and of the check after it
        if choice.startswith("drop"):
            emulator.inject_drops(1, after_processing=choice.endswith("after"))
        else:
            emulator.inject_errors(1, status=502, after_processing=choice.endswith("after"))
    rkey = new_rkey()
    made: PostRef | None = None
    try:
        made = await first.create_post(TEXT, rkey=rkey)
    except Crash:
        pass
    finally:
        await first.close()
    emulator.clear_faults()
    outcome = (
        "done"
        if made
        else "killed after the post"
        if _posts_at(emulator, rkey)
        else ("killed before")
    )
    second = await _fresh_process(emulator)
    ref = await second.create_post(TEXT, rkey=rkey)
    await second.close()
    assert _posts_at(emulator, rkey) == [ref.id]
    assert made in (None, ref)
    return outcome


async def test_a_kill_at_a_random_point_never_makes_two_posts(emulator: BlueskyEmulator) -> None:
    """Thirty runs; the kills land before the PDS accepted the post and after it."""
    emulator.set_rate_limit("create-session", points=100, window_seconds=300)  # 60 logins
    outcomes = [await _kill_at_random(emulator, random.Random(seed)) for seed in range(30)]
    assert len(emulator.posts()) == 30
    assert {"done", "killed after the post", "killed before"} <= set(outcomes)


@pytest.mark.parametrize("seed", range(6))
async def test_a_cancel_at_a_random_moment_never_makes_two_posts(
    emulator: BlueskyEmulator, seed: int
) -> None:
    """The task is cancelled mid-request (the timing varies; the outcome may not)."""
    first = await _fresh_process(emulator)
    emulator.set_latency(0.02)
    rkey = new_rkey()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            first.create_post(TEXT, rkey=rkey), timeout=random.Random(seed).uniform(0, 0.04)
        )
    await first.close()
    emulator.set_latency(0)
    second = await _fresh_process(emulator)
    ref = await second.create_post(TEXT, rkey=rkey)
    await second.close()
    assert _posts_at(emulator, rkey) == [ref.id]
