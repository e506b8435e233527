"""Crashes mid-chat: after a restart no post is made twice and no answer is lost."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta

import pytest

from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.runner import ChatRunner
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig
from tests.hosting.test_chat_end_to_end import STEP, bot_posts, minute, run_chat


async def restart(rig: Rig) -> ChatRunner | None:
    """Throw the old process's objects away and resume from the database, as on boot.

    None when there is nothing to resume: the chat is over, collection window included.
    A database write the old process had begun is finished first: a write either
    happens before a crash or not at all, never after the new process has started.
    """
    await rig.ports[-1].close()
    host = rig.new_host()
    await host.resume_all()
    return host.runners.get("smbchat")


def assert_posted_once(rig: Rig) -> None:
    texts = Counter(p["text"] for p in bot_posts(rig))
    assert [t for t, n in texts.items() if n > 1] == []
    assert len(texts) == 10


def assert_no_answer_lost(rig: Rig, runner: ChatRunner, crowd: Crowd) -> None:
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert set(crowd.truth) <= stored
    assigned: dict[int, set[int]] = {}
    for answer in rig.store.answers(runner.occurrence_id):
        assigned.setdefault(answer.post_id, set()).add(answer.question_number)
    assert assigned == {pid: {q} for pid, q in crowd.truth.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_cancelled_at_random_points_then_restarted(rig: Rig, seed: int) -> None:
    rng = random.Random(seed)
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=seed, size=8)
    chat = rig.catalog.chats["smbchat"]
    assert rig.host is not None
    runner = None
    crashes = 0
    while rig.clock.now() < T0 + timedelta(minutes=78):
        if runner is None and rig.clock.now() >= T0:
            runner = await rig.host.open_chat(chat, T0)
        if rig.clock.now() < T0 + timedelta(minutes=64):
            crowd.act(rig.clock.now())
        if runner is not None:
            if rng.random() < 0.3:
                # The process dies somewhere inside this step: before, during or after a
                # request to X, or between two database writes.
                task = asyncio.create_task(runner.step())
                for _ in range(rng.randrange(0, 60)):
                    await asyncio.sleep(0)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                crashes += 1
                resumed = await restart(rig)
                if resumed is None:
                    break
                runner = resumed
            await runner.step()
        await rig.clock.advance(STEP)
    assert crashes > 10
    assert runner is not None
    assert_posted_once(rig)
    assert_no_answer_lost(rig, runner, crowd)


async def test_intended_but_never_sent_is_sent_once_after_restart(rig: Rig) -> None:
    runner = await run_chat(rig, None, T0 + timedelta(minutes=5))
    # The process recorded Q1 as intended, then died before sending it.
    flow = rig.store.get_occurrence(runner.occurrence_id).flow
    assert flow.current_question == 0
    step = flow.next_step()
    step.number = 1
    rig.store.intend_post(
        occurrence_id=runner.occurrence_id,
        key="q1",
        text=runner.texts.for_step(step),
        now=rig.clock.now(),
    )
    runner = await restart(rig)
    assert runner is not None
    await runner.step()
    q1 = [p for p in bot_posts(rig) if p["text"].startswith("Q1:")]
    assert len(q1) == 1
    assert rig.store.bot_post(runner.occurrence_id, "q1").state == "sent"


async def test_sent_but_not_recorded_is_found_on_x_not_posted_again(rig: Rig) -> None:
    runner = await run_chat(rig, None, T0 + timedelta(minutes=5))
    flow = rig.store.get_occurrence(runner.occurrence_id).flow
    step = flow.next_step()
    step.number = 1
    text = runner.texts.for_step(step)
    rig.store.intend_post(
        occurrence_id=runner.occurrence_id, key="q1", text=text, now=rig.clock.now()
    )
    # X has the post: the process died after sending it, before recording its id.
    posted = rig.emulator.add_post(HOST_USER_ID, text, created_at=rig.clock.now())
    runner = await restart(rig)
    assert runner is not None
    await runner.step()
    assert [p["id"] for p in bot_posts(rig) if p["text"].startswith("Q1:")] == [str(posted)]
    assert rig.store.bot_post(runner.occurrence_id, "q1").x_post_id == posted


async def test_a_restart_after_a_long_outage_joins_late_and_drops_what_no_longer_fits(
    rig: Rig,
) -> None:
    await run_chat(rig, None, T0 + timedelta(minutes=6))  # welcome, rules, Q1
    await rig.clock.advance(timedelta(minutes=40))  # the machine was down until minute 46
    runner = await restart(rig)
    assert runner is not None
    await run_chat(rig, None, T0 + timedelta(minutes=70), runner=runner)
    questions = [p["text"].split(":")[0] for p in bot_posts(rig) if p["text"].startswith("Q")]
    # Q2 goes out at once on return (46), Q3 8 minutes later (54), just before the last
    # call at 55; Q4 would come at 64: it and the rest are dropped.
    assert questions == ["Q1", "Q2", "Q3"]
    assert [minute(p) for p in bot_posts(rig)][3:] == [46, 54, 55, 60]
    assert any("dropped" in n for n in rig.moderators.notices)
    assert_text = [p["text"][:2] for p in bot_posts(rig)][-2:]
    assert assert_text == ["⏰ ", "Th"]


async def test_a_search_failing_part_way_then_a_crash_loses_no_answer_and_reads_none_twice(
    rig: Rig,
) -> None:
    runner = await run_chat(rig, None, T0 + timedelta(minutes=6))  # welcome, rules, Q1
    occurrence = rig.store.get_occurrence(runner.occurrence_id)
    since_before = occurrence.since_id
    answers = [
        rig.emulator.add_post(f"fan{i % 40}", f"A1: idea number {i} #SMBchat") for i in range(350)
    ]
    # X answers the first page of the next pass, then fails every retry of the second.
    rig.emulator.inject_errors(4, status=503, after=1)
    await rig.clock.advance(timedelta(seconds=50))  # X's search shows them all by then
    await runner.step()
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert set(answers[-100:]) <= stored and not set(answers[:-100]) & stored
    # since_id stays put while older posts are unread, so a crash now cannot skip them.
    assert rig.store.get_occurrence(runner.occurrence_id).since_id == since_before

    runner = await restart(rig)
    assert runner is not None and runner.collector.backlog is not None
    await rig.clock.advance(timedelta(minutes=2))
    await runner.step()
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert set(answers) <= stored
    assert rig.store.get_occurrence(runner.occurrence_id).since_id == answers[-1]
    assert runner.collector.backlog is None
    assert {a.post_id for a in rig.store.answers(runner.occurrence_id) if a.question_number == 1} \
        >= set(answers)  # fmt: skip
    assert [rig.emulator.request_log.returned_ids[i] for i in answers] == [1] * len(answers)


async def test_back_three_minutes_after_the_end_posts_the_closing_but_no_last_call(
    rig: Rig,
) -> None:
    """'A few minutes left' after the chat's end would be wrong: the steps whose moment
    has passed are dropped (the README's rule), and the moderators are told."""
    await run_chat(rig, None, T0 + timedelta(minutes=40))
    await rig.clock.advance(timedelta(minutes=23))  # down from minute 40 to minute 63
    runner = await restart(rig)
    assert runner is not None
    await run_chat(rig, None, T0 + timedelta(minutes=66), runner=runner)

    late = [p for p in bot_posts(rig) if minute(p) > 40]
    assert [p["text"][:7] for p in late] == ["That's "]
    assert any("Too late for the last call" in n for n in rig.moderators.notices)
