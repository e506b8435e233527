"""Migration 0003 adds the billedread table to a database in use, keeping its rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from chatbot.domain.cost import Usage
from chatbot.storage.engine import alembic_config, current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.storage.old_schema import old_occurrence

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
DAY = date(2026, 11, 24)
POST = 1_987_654_321_987_654_321  # a real-sized X id


def _fill_at_0002(store: Repository) -> int:
    """Write rows only the 0002 schema knows; return the occurrence id."""
    occurrence = old_occurrence(store.engine, scheduled_start=T0)
    store.add_usage(occurrence, Usage(requests=3, posts_read=120, posts_created=10))
    store.save_discord_thread(occurrence_id=occurrence, question_number=1, channel_id=5)
    return occurrence


def test_a_0002_database_with_rows_upgrades_to_0003_without_losing_them(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0002")
    assert "billedread" not in inspect(engine).get_table_names()
    store = Repository(engine)
    occ = _fill_at_0002(store)

    upgrade(engine, "0003")

    assert current_revision(engine) == "0003"
    assert store.usage(occ) == Usage(requests=3, posts_read=120, posts_created=10)
    assert store.discord_threads(occ, channel_id=5).announcement_id is None
    added = store.add_usage(occ, Usage(requests=1), reads=[(POST, DAY), (POST + 1, DAY)])
    assert added == Usage(requests=1, posts_read=2)
    again = store.add_usage(occ, Usage(requests=1), reads=[(POST, DAY)])
    assert again == Usage(requests=1)  # read again the same UTC day: not billed again
    assert store.usage(occ).posts_read == 122
    engine.dispose()


def test_the_migrated_billedread_table_matches_the_model(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)
    assert diffs == []
    engine.dispose()


def test_downgrading_to_0002_drops_only_the_new_table(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Repository(engine)
    occ = _fill_at_0002(store)
    store.add_usage(occ, Usage(), reads=[(POST, DAY)])
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert current_revision(engine) == "0002"
    assert "billedread" not in inspect(engine).get_table_names()
    assert store.usage(occ).posts_read == 121
    engine.dispose()
