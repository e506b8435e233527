"""A database that fails for a while (another process holds SQLite's lock) does not stop
the chat for good: hosting is tried again from the database, and moderators are told."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from chatbot.catalog import Catalog
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.clock import ManualClock
from tests.hosting.conftest import T0, RecordingModerators, Rig


@pytest.fixture
async def sqlite_rig(
    tmp_path: Path, emulator: XEmulator, clock: ManualClock, catalog: Catalog
) -> AsyncIterator[Rig]:
    """A driven host on SQLite whose writes give up after 0.2 s on a lock (30 s in
    production), so a lock held for seconds fails many writes."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}", busy_timeout=0.2)
    upgrade(engine)
    rig = Rig(Repository(engine), emulator, clock, catalog, RecordingModerators())
    rig.new_host(drive=True)
    yield rig
    if rig.host:
        await rig.host.stop()
    await rig.close()
    engine.dispose()


async def test_a_locked_database_is_waited_out_and_the_chat_goes_on(
    sqlite_rig: Rig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rig = sqlite_rig
    assert rig.host is not None
    await rig.clock.advance(T0 - rig.clock.now())
    await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    await rig.live(T0 + timedelta(minutes=6))  # welcome, rules, Q1
    gaps: list[float] = []

    async def heartbeat() -> None:  # Discord's heartbeat and the rest of the loop
        while True:
            last = time.monotonic()
            await asyncio.sleep(0.01)
            gaps.append(time.monotonic() - last)

    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    beat = asyncio.create_task(heartbeat())
    with caplog.at_level(logging.WARNING):
        await rig.live(T0 + timedelta(minutes=16))
    other.execute("ROLLBACK")
    other.close()
    await rig.live(T0 + timedelta(minutes=30))
    beat.cancel()

    assert "smbchat" in rig.host.runners, "the chat stopped for good"
    texts = [p["text"][:3] for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    assert texts[2:] == ["Q1:", "Q2:", "Q3:"]
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("hosting failed (database is locked)" in m for m in warned)
    assert any("database is locked" in n for n in rig.moderators.notices)
    assert max(gaps) < 1.0  # the loop never waited on the database
