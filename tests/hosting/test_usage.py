"""What each chat cost on X: counted per occurrence, reads billed as X bills them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from chatbot.domain.cost import Usage
from tests.hosting.conftest import T0, Rig


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
    posts = [rig.emulator.add_post(f"fan{i}", f"A1: idea {i} #SMBchat") for i in range(150)]
    others = [rig.emulator.add_post(f"fan{i}", f"A1: idea {i} #Other") for i in range(10)]
    await rig.clock.advance(timedelta(minutes=1))
    await asyncio.gather(
        deps.usage.track(first, deps.x.search_recent("#SMBchat", since_id=None, start_time=T0)),
        deps.usage.track(second, deps.x.create_post("Q1: hello #Other")),
        deps.usage.track(second, deps.x.get_posts(others)),
    )
    assert rig.store.usage(first) == Usage(requests=2, posts_read=150)
    assert rig.store.usage(second) == Usage(requests=2, posts_read=10, posts_created=1)
    # Posts the first chat read today cost the second nothing more: X bills them once a day.
    await deps.usage.track(second, deps.x.get_posts(posts[:10]))
    assert rig.store.usage(second) == Usage(requests=3, posts_read=10, posts_created=1)
    assert rig.emulator.billed_reads() == 160


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
