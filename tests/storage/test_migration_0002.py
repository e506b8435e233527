"""Migration 0002 adds the discordthread table to a database in use, keeping its rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from chatbot.storage.engine import alembic_config, current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.storage.old_schema import old_bot_post, old_occurrence

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
CHANNEL = 1_234_567_890_123_456_789


def _fill_at_0001(store: Repository) -> int:
    """Write rows only the 0001 schema knows; return the occurrence id."""
    occurrence = old_occurrence(store.engine, scheduled_start=T0)
    old_bot_post(store.engine, occurrence_id=occurrence, key="q1", text_="Q1: hello", at=T0)
    store.hide_user(chat_slug="smbchat", username="spam", by="mod", now=T0)
    return occurrence


def test_a_0001_database_with_rows_upgrades_to_0002_without_losing_them(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    assert "discordthread" not in inspect(engine).get_table_names()
    store = Repository(engine)
    occ = _fill_at_0001(store)

    upgrade(engine, "0002")

    assert current_revision(engine) == "0002"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT text FROM botpost")).scalars().all() == ["Q1: hello"]
    assert store.hidden_usernames("smbchat") == {"spam"}
    store.save_discord_thread(
        occurrence_id=occ, question_number=1, channel_id=CHANNEL, thread_id=CHANNEL + 1
    )
    assert store.discord_threads(occ, channel_id=CHANNEL).threads == {1: CHANNEL + 1}
    engine.dispose()


def test_the_migrated_discordthread_table_matches_the_model(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)
    assert [d for d in diffs if "discordthread" in repr(d)] == []
    engine.dispose()


def test_downgrading_to_0001_drops_only_the_new_table(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Repository(engine)
    occ = _fill_at_0001(store)
    store.save_discord_thread(
        occurrence_id=occ, question_number=1, channel_id=CHANNEL, thread_id=CHANNEL + 1
    )
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(engine) == "0001"
    assert "discordthread" not in inspect(engine).get_table_names()
    assert store.hidden_usernames("smbchat") == {"spam"}
    engine.dispose()
