"""Schema versioning: upgrades run on start and keep existing data."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect

from chatbot.storage.engine import current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository


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
