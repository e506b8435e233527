"""Schema versioning: upgrades run on start and keep existing data."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from chatbot.storage.engine import current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("migrate_child.py")


def test_upgrade_creates_every_table_and_records_the_revision(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "occurrence",
        "botpost",
        "collectedpost",
        "answer",
        "participant",
        "hiddenuser",
        "moderatoraction",
        "xusage",
        "schedulestate",
        "discordthread",
        "billedread",
    } <= tables
    assert current_revision(engine) is not None
    engine.dispose()


def test_upgrading_again_keeps_data(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Repository(engine)
    when = datetime(2026, 11, 24, 1, tzinfo=UTC)
    store.hide_user(chat_slug="smbchat", username="spam", by="mod", now=when)
    upgrade(engine)
    assert store.hidden_usernames("smbchat") == {"spam"}
    engine.dispose()


def test_processes_started_at_once_on_a_fresh_database_all_migrate_it(
    database_url: str,
) -> None:
    """A leader and its standby started together: both bring the schema up (one waits for
    the other), and neither dies with a traceback."""
    for _ in range(2):
        engine = make_engine(database_url)
        start = time.time() + 2.0  # every child has imported and connected by then
        children = [
            subprocess.Popen(
                [sys.executable, str(CHILD), database_url, str(start)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        results = [child.communicate(timeout=120) for child in children]
        failed = [
            err for child, (_, err) in zip(children, results, strict=True) if child.returncode
        ]
        assert failed == []
        assert [out.strip() for out, _ in results] == ["MIGRATED"] * 3
        assert current_revision(engine) is not None
        _drop_everything(engine)
        engine.dispose()


def _drop_everything(engine: Engine) -> None:
    """Back to an empty database, for the next round."""
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
