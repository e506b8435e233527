"""The ChatStore port on the database: domain values, its own thread, columns per writer."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from chatbot.domain.flow import Flow, FlowState
from chatbot.domain.occurrence import Occurrence, OccurrenceState
from chatbot.domain.posts import XPost, XUser
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
ANN = XUser(id=1_987_654_321_987_654_000, username="ann")


def _flow() -> Flow:
    return Flow.plan(
        start=T0,
        duration=timedelta(minutes=60),
        first_question_after=5,
        intervals=[8.0],
        last_call_lead=5,
        thread=True,
    )


async def _occurrence(port: SqlChatStore) -> Occurrence:
    return await port.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )


async def test_the_runner_and_the_collector_each_write_only_their_own_columns(
    engine: Engine,
) -> None:
    port = SqlChatStore(Repository(engine))
    occurrence = await port.open_occurrence((await _occurrence(port)).id, flow=_flow(), at=T0)
    assert occurrence.state == OccurrenceState.RUNNING and occurrence.flow == _flow()
    post = XPost(id=ANN.id + 7, author=ANN, text="A1: hi #SMBchat", created_at=T0)
    # The collector claims since_id while the runner still holds the flow it read before.
    await port.record_collection(
        occurrence_id=occurrence.id,
        posts=[post],
        answers=[],
        since_id=post.id,
        now=T0,
        host_user_id=1,
    )
    flow = _flow()
    flow.status = FlowState.PAUSED
    await port.save_flow(occurrence.id, flow)
    stored = await port.get_occurrence(occurrence.id)
    assert stored is not None
    assert (stored.since_id, stored.state, stored.flow) == (post.id, OccurrenceState.PAUSED, flow)

    flow.status = FlowState.ENDED
    until = T0 + timedelta(minutes=75)
    await port.end_occurrence(occurrence.id, flow=flow, ended_at=T0, collect_until=until)
    ended = await port.get_occurrence(occurrence.id)
    assert ended is not None and ended.since_id == post.id
    assert (ended.state, ended.collect_until) == (OccurrenceState.ENDED, until)
    await port.close()


async def test_a_slow_database_does_not_hold_up_the_event_loop(tmp_path: Path) -> None:
    """Another process holds SQLite's write lock: the bot's loop keeps running meanwhile."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    upgrade(engine)
    port = SqlChatStore(Repository(engine))
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    write = asyncio.create_task(_occurrence(port))
    for _ in range(50):  # the loop is free to run everything else
        await asyncio.sleep(0)
    assert not write.done()
    other.execute("ROLLBACK")
    other.close()
    assert (await write).chat_slug == "smbchat"
    await port.close()
    engine.dispose()


class HeldRepository(Repository):
    """Creating an occurrence waits, inside the store's thread, until the test lets it go."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.began, self.go_on = threading.Event(), threading.Event()

    def get_or_create_occurrence(self, **fields: Any) -> Occurrence:
        self.began.set()
        self.go_on.wait(10)
        return super().get_or_create_occurrence(**fields)


async def test_close_waits_for_a_write_its_caller_stopped_waiting_for(engine: Engine) -> None:
    """A chat cancelled mid-write (the host stopping) still has that write saved."""
    repository = HeldRepository(engine)
    port = SqlChatStore(repository)
    write = asyncio.create_task(_occurrence(port))
    assert await asyncio.to_thread(repository.began.wait, 10)
    write.cancel()
    repository.go_on.set()
    await port.close()
    assert write.cancelled()
    assert repository.find_occurrence("smbchat", "2026-11-24") is not None
