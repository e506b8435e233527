"""The collection window: every post made before it closes is read, once, whatever happens.

The window of a chat runs from its start (less a few minutes of hellos) until the grace
period after the closing post ends. X's search shows a post some seconds late and not
in id order (the emulator's search lag is on), X may allow few searches, and the bot may
be killed or away across the window's end: none of it may lose a post or read one twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.runner import ChatRunner
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig
from tests.hosting.test_chat_end_to_end import run_chat
from tests.hosting.test_restart import restart

SEARCH = "GET /2/tweets/search/recent"
CLOSING = T0 + timedelta(minutes=60)
WINDOW_END = CLOSING + timedelta(minutes=15)  # the shipped chat's grace period


def stored_ids(rig: Rig, runner: ChatRunner) -> set[int]:
    return {p.id for p in rig.store.collected_posts(runner.occurrence_id)}


async def step_until(rig: Rig, runner: ChatRunner, until: datetime, every: float = 30) -> None:
    """Move the clock and step the runner every ``every`` seconds until ``until``."""
    while rig.clock.now() < until:
        await rig.clock.advance(timedelta(seconds=every))
        await runner.step()


async def step_until_finished(rig: Rig, runner: ChatRunner, limit: datetime) -> None:
    while not runner.finished:
        assert rig.clock.now() < limit, "collection never finished"
        await rig.clock.advance(timedelta(seconds=15))
        await runner.step()


def answers_at(rig: Rig, moments: list[datetime]) -> list[int]:
    return [
        rig.emulator.add_post(f"fan{i % 30}", f"A6: idea {i} #SMBchat", created_at=moment)
        for i, moment in enumerate(moments)
    ]


async def test_answers_from_the_last_seconds_of_the_window_are_read(rig: Rig) -> None:
    runner = await run_chat(rig, None, WINDOW_END - timedelta(seconds=30))
    late = answers_at(rig, [WINDOW_END - timedelta(seconds=s) for s in range(20, 0, -1)])
    after = answers_at(rig, [WINDOW_END + timedelta(seconds=5)])

    await step_until_finished(rig, runner, WINDOW_END + timedelta(minutes=5))

    stored = stored_ids(rig, runner)
    assert set(late) <= stored
    assert not set(after) & stored  # the window's end is the end: later posts are no part


async def test_search_lag_loses_no_answer_and_reads_none_twice(rig: Rig) -> None:
    """Posts arrive every few seconds and show in search 1 to 20 s late, not in id order:
    polling with since_id alone would skip the late ones for good."""
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=8, size=12)
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    while rig.clock.now() < T0 + timedelta(minutes=20):
        crowd.act(rig.clock.now(), intensity=0.3)
        await runner.step()
        await rig.clock.advance(timedelta(seconds=4))
    made = {pid for pid, post in rig.emulator.state.store.posts.items()
            if post.created_at < rig.clock.now() - timedelta(minutes=1)
            and post.retweet_of is None}  # fmt: skip

    assert made - {p.id for p in rig.store.collected_posts(runner.occurrence_id)} == set()
    log = rig.emulator.request_log.summary()
    assert log["returned_per_post"] == 1.0 and log["billed_per_post"] == 1.0


async def test_collection_that_falls_behind_reads_to_the_window_end_within_x_limits(
    rig: Rig,
) -> None:
    """X allows 3 searches per 2 minutes and 600 answers come in the last minutes: reading
    them takes past the window's end, and the window's end still means 'made before it'."""
    rig.emulator.set_rate_limit(SEARCH, limit=3, window_seconds=120)
    runner = await run_chat(rig, None, WINDOW_END - timedelta(minutes=3))
    burst = answers_at(
        rig, [WINDOW_END - timedelta(minutes=3) + timedelta(seconds=0.3 * i) for i in range(600)]
    )

    await step_until_finished(rig, runner, WINDOW_END + timedelta(minutes=30))

    assert set(burst) <= stored_ids(rig, runner)
    statuses = rig.emulator.request_log.summary()["statuses"]
    assert statuses.get(f"{SEARCH} 429", 0) == 0  # X never had to refuse a search


async def test_a_restart_in_the_grace_period_waits_for_the_window_before_the_recap(
    rig: Rig, tmp_path
) -> None:
    from dataclasses import replace

    from chatbot.hosting.recap_service import RecapService

    chat = rig.catalog.chats["smbchat"]
    chat = replace(chat, recap=replace(chat.recap, delay_minutes=1, require_approval=False))
    rig.catalog.chats["smbchat"] = chat
    runner = await run_chat(rig, None, CLOSING + timedelta(minutes=2))
    assert runner.flow.status == "ended"

    runner = await restart(rig)  # killed in the grace period, back at once
    assert runner is not None and rig.host is not None
    recaps = RecapService(
        catalog=rig.catalog, deps=rig.host.deps, records=rig.store, out_dir=tmp_path
    )
    await recaps.resume_pending()
    await asyncio.wait_for(recaps.wait_idle(), timeout=60)
    recap_posts = [p for p in rig.store.bot_posts(runner.occurrence_id) if p.key[:5] == "recap"]
    assert recap_posts == []  # 13 minutes of the window are left: no recap yet

    late = answers_at(rig, [CLOSING + timedelta(minutes=10)])
    await step_until_finished(rig, runner, WINDOW_END + timedelta(minutes=5))
    recaps.start(chat, runner.occurrence_id)
    await asyncio.wait_for(recaps.wait_idle(), timeout=60)
    assert set(late) <= stored_ids(rig, runner)
    assert rig.store.get_occurrence(runner.occurrence_id).recap_state == "published"


async def test_an_outage_across_the_window_end_reads_what_came_before_it(rig: Rig) -> None:
    await run_chat(rig, None, CLOSING + timedelta(minutes=5))
    late = answers_at(rig, [CLOSING + timedelta(minutes=m) for m in (5, 9, 14)])
    await rig.clock.advance(timedelta(minutes=25))  # down from minute 65 to minute 90

    resumed = await restart(rig)

    assert resumed is not None, "the window is over but it was never read to its end"
    await step_until_finished(rig, resumed, T0 + timedelta(minutes=100))
    assert set(late) <= stored_ids(rig, resumed)


async def test_a_pass_killed_part_way_reads_at_most_one_page_again(rig: Rig) -> None:
    runner = await run_chat(rig, None, T0 + timedelta(minutes=6))
    answers = answers_at(rig, [rig.clock.now() + timedelta(milliseconds=i) for i in range(350)])
    await rig.clock.advance(timedelta(minutes=1))
    asked = len(rig.emulator.request_log.entries)

    def searches() -> int:
        entries = rig.emulator.request_log.entries[asked:]
        return len([e for e in entries if e.endpoint == SEARCH])

    task = asyncio.create_task(runner.step())
    # Watch the emulator's log until the third page is asked for, then kill the pass.
    while searches() < 3 and not task.done():  # noqa: ASYNC110 (the wire is the signal)
        await asyncio.sleep(0.001)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    resumed = await restart(rig)
    assert resumed is not None
    await step_until(rig, resumed, rig.clock.now() + timedelta(minutes=1))
    assert set(answers) <= stored_ids(rig, resumed)
    returned = Counter({i: rig.emulator.request_log.returned_ids[i] for i in answers})
    assert len([i for i, n in returned.items() if n > 1]) <= 100


async def test_a_reply_read_pages_before_its_parent_still_inherits_its_question(
    rig: Rig,
) -> None:
    """Pages come newest first and each is stored as it comes; answers are decided once the
    pass is complete, so a reply on the first page takes the question of its parent on the
    third."""
    runner = await run_chat(rig, None, T0 + timedelta(minutes=6))  # Q1 is out
    now = rig.clock.now()
    parent = rig.emulator.add_post("ana", "A1: we answer every DM #SMBchat", created_at=now)
    fillers = answers_at(rig, [now + timedelta(milliseconds=i + 1) for i in range(250)])
    reply = rig.emulator.add_post(
        "bo", "So true! #SMBchat", created_at=now + timedelta(seconds=1), reply_to=parent
    )
    await step_until(rig, runner, now + timedelta(minutes=1))

    assigned = {a.post_id: a for a in rig.store.answers(runner.occurrence_id)}
    assert set(fillers) <= set(assigned)
    assert (assigned[reply].question_number, assigned[reply].method) == (1, "inherited")
