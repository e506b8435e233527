"""What each chat cost on X: counted per occurrence, reads billed as X bills them."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from chatbot.domain.cost import Usage
from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.recap_service import RecapService
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig
from tests.hosting.test_chat_end_to_end import run_chat


async def _occurrence(rig: Rig, day: str) -> int:
    occurrence = rig.store.get_or_create_occurrence(
        chat_slug=f"chat-{day}",
        local_date=day,
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    return occurrence.id


async def test_overlapping_calls_of_two_chats_are_each_counted_once_for_their_own(
    rig: Rig,
) -> None:
    assert rig.host is not None
    deps = rig.host.deps
    first, second = await _occurrence(rig, "2026-11-24"), await _occurrence(rig, "2026-11-25")
    await rig.clock.advance(T0 + timedelta(minutes=1) - rig.clock.now())
    posts = [rig.emulator.add_post(f"fan{i}", f"A1: idea {i} #SMBchat") for i in range(90)]
    others = [rig.emulator.add_post(f"fan{i}", f"A1: idea {i} #Other") for i in range(10)]
    await rig.clock.advance(timedelta(minutes=1))
    await asyncio.gather(
        deps.usage.track(first, deps.x.search_recent("#SMBchat", since_id=None, start_time=T0)),
        deps.usage.track(second, deps.x.create_post("Q1: hello #Other")),
        deps.usage.track(second, deps.x.get_posts(others)),
    )
    assert rig.store.usage(first) == Usage(requests=1, posts_read=90)
    assert rig.store.usage(second) == Usage(requests=2, posts_read=10, posts_created=1)
    # Posts the first chat read today cost the second nothing more: X bills them once a day.
    await deps.usage.track(second, deps.x.get_posts(posts[:10]))
    assert rig.store.usage(second) == Usage(requests=3, posts_read=10, posts_created=1)
    assert rig.emulator.billed_reads() == 100


async def test_a_post_read_again_on_a_new_utc_day_is_billed_again(rig: Rig) -> None:
    assert rig.host is not None
    deps = rig.host.deps
    occurrence = await _occurrence(rig, "2026-11-24")
    posts = [rig.emulator.add_post(f"fan{i}", f"A1: idea {i} #SMBchat") for i in range(5)]
    await deps.usage.track(occurrence, deps.x.get_posts(posts))
    await deps.usage.track(occurrence, deps.x.get_posts(posts))
    assert rig.store.usage(occurrence).posts_read == 5
    await rig.clock.advance(timedelta(days=1))
    await deps.usage.track(occurrence, deps.x.get_posts(posts))
    assert rig.store.usage(occurrence).posts_read == 10 == rig.emulator.billed_reads()


async def test_a_restart_before_the_metrics_refresh_reports_the_reads_x_billed(
    rig: Rig, tmp_path: Path
) -> None:
    """The refresh after a chat reads every post again, the same UTC day: X bills nothing
    more, and the bot, restarted in between, must not count those reads again either."""
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=4, size=6)
    runner = await run_chat(rig, crowd, T0 + timedelta(minutes=78))
    assert runner.finished
    collected = rig.store.usage(runner.occurrence_id).posts_read
    assert collected == rig.emulator.billed_reads() > 100

    await rig.ports[-1].close()
    host = rig.new_host()  # a new process: nothing of the old one is left in memory
    chat = rig.catalog.chats["smbchat"]
    chat = replace(chat, recap=replace(chat.recap, delay_minutes=0, post_to_x=False))
    recaps = RecapService(
        catalog=rig.catalog, deps=host.deps, records=rig.store, out_dir=tmp_path / "recaps"
    )
    lookups = rig.emulator.request_counts().get("GET /2/tweets", 0)
    await recaps.after_chat(chat, runner.occurrence_id)

    assert rig.emulator.request_counts()["GET /2/tweets"] > lookups  # metrics were refreshed
    usage = rig.store.usage(runner.occurrence_id)
    assert usage.posts_read == rig.emulator.billed_reads() == collected
