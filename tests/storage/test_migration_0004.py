"""Migration 0004 records when each occurrence was read to the end of its window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text

from chatbot.storage.engine import alembic_config, current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.storage.old_schema import old_occurrence

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def test_chats_ended_before_the_upgrade_count_as_collected_and_live_ones_do_not(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0003")
    until = T0 + timedelta(minutes=75)
    ended = old_occurrence(
        engine, scheduled_start=T0, state="ended", ended_at=T0, collect_until=until
    )
    running = old_occurrence(engine, scheduled_start=T0, state="running", local_date="2026-11-30")

    upgrade(engine, "0004")

    assert current_revision(engine) == "0004"
    upgrade(engine)
    store = Repository(engine)
    assert store.get_occurrence(ended).collected_at == until
    assert store.get_occurrence(running).collected_at is None
    assert store.collecting_occurrences() == []
    engine.dispose()


def test_downgrading_to_0003_drops_the_column_and_keeps_the_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    occurrence = old_occurrence(engine, scheduled_start=T0, state="ended", ended_at=T0)
    Repository(engine).finish_collection(occurrence, at=T0)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert current_revision(engine) == "0003"
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT state FROM occurrence")).all()
    assert [row[0] for row in rows] == ["ended"]
    engine.dispose()
