"""Collection slows down when X's rate limit runs low, and never runs into a 429."""

from __future__ import annotations

from datetime import timedelta

from chatbot.emulator.x import HOST_USER_ID
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig

SEARCH = "GET /2/tweets/search/recent"


async def test_polls_every_15_seconds_while_the_budget_is_ample(rig: Rig) -> None:
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    await runner.step()
    assert runner.collector.seconds_to_next_poll(rig.clock.now()) == 15


async def test_a_tight_rate_limit_spreads_the_searches_and_no_429_comes(rig: Rig) -> None:
    rig.emulator.set_rate_limit(SEARCH, limit=20, window_seconds=900)
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=3, size=10)
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    await runner.step()
    # 19 searches left for 900 s: one every 45 s rather than every 15 s.
    assert runner.collector.seconds_to_next_poll(rig.clock.now()) >= 44

    while not runner.finished:
        if rig.clock.now() < T0 + timedelta(minutes=60):
            crowd.act(rig.clock.now(), intensity=0.1)
        await rig.clock.advance(timedelta(seconds=15))
        await runner.step()

    statuses = rig.emulator.request_log.summary()["statuses"]
    assert not any(key.endswith(" 429") for key in statuses), statuses
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert set(crowd.truth) <= stored  # slower, but nothing missed
    host_posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    questions = [p for p in host_posts if p["text"].startswith("Q")]
    assert len(questions) == 6
