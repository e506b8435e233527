"""A collection pass leaves the event loop free: no database work on its thread, a few
statements per page of 100 posts, and its answers decided in slices with the loop let go
between them. Counted, not timed (bench/punctuality.py measures the loop's lag)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import event

from chatbot.domain.posts import XPost, XUser
from chatbot.hosting.collector import ASSIGN_SLICE
from tests.hosting.conftest import T0, Rig
from tests.storage.test_bulk_writes import statements_by_table

POSTS = 1000


async def test_a_pass_of_1000_posts_sends_a_few_statements_a_page_none_on_the_loop(
    rig: Rig,
) -> None:
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    made = [
        rig.emulator.add_post(
            f"fan{n % 40}", f"A1: idea {n} #SMBchat", created_at=T0 + timedelta(seconds=n / 5)
        )
        for n in range(POSTS)
    ]
    await rig.clock.advance(timedelta(minutes=5))
    loop_thread = threading.get_ident()
    threads: Counter[int] = Counter()

    def record(*_args: object) -> None:
        threads[threading.get_ident()] += 1

    event.listen(rig.store.engine, "before_cursor_execute", record)
    try:
        with statements_by_table(rig.store) as sent:
            new, error = await runner.collector.collect()
    finally:
        event.remove(rig.store.engine, "before_cursor_execute", record)

    assert error == "" and {p.id for p in new} >= set(made)
    assert loop_thread not in threads  # every statement ran on the store's thread
    pages = -(-len(new) // 100)
    # A page's posts in one INSERT and their authors in one more; the pass's answers in
    # one; the X usage of each search; never a statement per post (1,000 or more).
    assert sent["INSERT", "collectedpost"] <= pages, sent
    assert sent["INSERT", "participant"] <= pages, sent
    assert sent["INSERT", "answer"] == 1, sent
    assert sum(threads.values()) <= 7 * pages + 6, sent


async def test_a_big_pass_lets_the_event_loop_run_while_its_answers_are_decided(
    rig: Rig,
) -> None:
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    posts = [
        XPost(id=2 * 10**18 + n, author=XUser(10**12 + n % 40, f"fan{n % 40}"),
              text=f"A1: idea {n} #SMBchat", created_at=T0)
        for n in range(3 * ASSIGN_SLICE)
    ]  # fmt: skip
    turns = 0

    async def other_chat() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_chat())
    await asyncio.sleep(0)
    turns = 0
    found = await runner.collector._assign(posts)  # the pass's last step
    ticker.cancel()

    assert len(found) == 3 * ASSIGN_SLICE
    assert turns >= 2  # the loop ran between slices
