"""Participants' posts with characters a database cannot hold are stored, not fatal."""

from __future__ import annotations

from datetime import UTC, datetime

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from tests.dbfixtures import *  # noqa: F403


async def test_a_post_with_nul_characters_is_collected_and_stored(
    emulator: XEmulator, client: TweepyXClient, store: Repository
) -> None:
    emulator.add_user("ana", name="Ana\x00 B")
    emulator.add_post("ana", "A1 we\x00 reply \x00fast #SMBchat")
    emulator.add_post("bo", "A1 plain #SMBchat")
    batch = await client.search_recent("#SMBchat", since_id=None)
    now = datetime.now(UTC)
    occurrence = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=now,
    )
    assert occurrence.id is not None

    new = store.store_posts(
        occurrence_id=occurrence.id, posts=batch.posts, now=now, host_user_id=HOST_USER_ID
    )

    assert len(new) == 2
    stored = {p.author_username: p for p in store.collected_posts(occurrence.id)}
    assert stored["ana"].text == "A1 we reply fast #SMBchat"
    assert stored["ana"].author_name == "Ana B"
    assert stored["bo"].text == "A1 plain #SMBchat"
