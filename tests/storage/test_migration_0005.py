"""Migration 0005 gives posts, bot posts and participants a network, keeping X's rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from chatbot.domain.network import Network, stored_id
from chatbot.storage.engine import alembic_config, current_revision, make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.storage.old_schema import old_bot_post, old_occurrence

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
URI = "at://did:plc:host/app.bsky.feed.post/3lbq2xyzabc22"


def test_a_0004_database_upgrades_with_its_bot_posts_on_x(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0004")
    occ = old_occurrence(engine, scheduled_start=T0)
    old_bot_post(engine, occurrence_id=occ, key="q1", text_="Q1: hello", at=T0)

    upgrade(engine)

    assert current_revision(engine) == "0005"
    store = Repository(engine)
    [q1] = store.bot_posts(occ)
    assert (q1.network, q1.text) == (Network.X, "Q1: hello")
    # The same key on another network is another post, not the X one found again.
    bsky, created = store.intend_post(
        occurrence_id=occ,
        key="q1",
        text="Q1: hello",
        now=T0,
        network=Network.BLUESKY,
        native_id=URI,
    )
    assert created and bsky.native_id == URI
    store.mark_sent(
        occ, "q1", x_post_id=stored_id(Network.BLUESKY, URI), now=T0, network=Network.BLUESKY
    )
    assert store.bot_post(occ, "q1").state == "intended"  # X's is untouched
    assert store.bot_post(occ, "q1", Network.BLUESKY).state == "sent"
    assert [p.network for p in store.bot_posts(occ, None)] == [Network.X, Network.BLUESKY]
    engine.dispose()


def test_downgrading_to_0004_keeps_x_rows_and_drops_other_networks(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    occ = old_occurrence(engine, scheduled_start=T0)
    store = Repository(engine)
    store.intend_post(occurrence_id=occ, key="q1", text="on X", now=T0)
    store.intend_post(
        occurrence_id=occ, key="q1", text="on Bluesky", now=T0, network=Network.BLUESKY
    )
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert current_revision(engine) == "0004"
    with engine.connect() as connection:
        texts = connection.execute(text("SELECT text FROM botpost")).scalars().all()
    assert texts == ["on X"]
    engine.dispose()


def test_stored_ids_of_other_networks_never_meet_x_ids() -> None:
    uri = stored_id(Network.BLUESKY, URI)
    assert uri < 0 and uri == stored_id(Network.BLUESKY, URI)
    assert stored_id(Network.MASTODON, URI) != uri
    assert stored_id(Network.X, "1987654321987654321") == 1_987_654_321_987_654_321
