"""A restarted bot keeps mirroring into the threads it opened before (ids kept in the database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatbot.discord_adapter import ModeratorBot
from chatbot.discord_adapter.threads import ThreadStore
from chatbot.storage.discord_threads import SavedThreads, StoreThreadStore
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.conftest import eventually
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeAudit, FakeControl
from tests.discord_adapter.test_feed import QUESTIONS, answer, contents


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Repository]:
    """A migrated SQLite database shared by the bot 'before' and 'after' the restart."""
    engine = make_engine(f"sqlite:///{tmp_path / 'chatbot.db'}")
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


@pytest.fixture
def occurrence_id(store: Repository) -> int:
    occurrence = store.get_or_create_occurrence(
        chat_slug="ai-weekly",
        local_date="2026-11-26",
        hashtag="#AIWeekly",
        question_set="ai/weekly",
        scheduled_start=datetime(2026, 11, 26, 19, tzinfo=UTC),
    )
    assert occurrence.id is not None
    return occurrence.id


class BrokenDatabase:
    """A ThreadStore whose database is down: every call fails."""

    def __init__(self) -> None:
        self.calls = 0

    async def load(self, occurrence_id: int, *, channel_id: int) -> SavedThreads:
        self.calls += 1
        raise OSError("database is down")

    async def save_announcement(
        self, occurrence_id: int, *, channel_id: int, message_id: int
    ) -> None:
        self.calls += 1
        raise OSError("database is down")

    async def save_thread(
        self, occurrence_id: int, *, channel_id: int, number: int | None, thread_id: int
    ) -> None:
        self.calls += 1
        raise OSError("database is down")


async def started_bot(
    fake: FakeDiscord, store: Repository | None, *, thread_store: ThreadStore | None = None
) -> ModeratorBot:
    """A ModeratorBot process on the fake, with its thread ids in ``store`` (or memory only)."""
    if store is not None:
        thread_store = StoreThreadStore(store)
    bot = ModeratorBot(
        token="fake-token",
        guild_id=p.GUILD_ID,
        channel_id=p.CHANNEL_ID,
        moderator_roles={p.MOD_ROLE_ID},
        control=FakeControl(),
        audit=FakeAudit(),
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
        flush_interval=0.3,
        retry_max_delay=0.5,
        thread_store=thread_store,
    )
    await bot.start()
    await eventually(
        lambda: bot.client is not None and bot.client.get_guild(p.GUILD_ID) is not None
    )
    return bot


async def open_chat(
    bot: ModeratorBot, fake: FakeDiscord, occurrence_id: int, questions=QUESTIONS
) -> dict[str, str]:
    """Start a chat; return every thread id on the fake by name prefix ("Q1", "general")."""
    await bot.channel.chat_started(
        occurrence_id=occurrence_id,
        slug="ai-weekly",
        title="AI weekly",
        hashtag="#AIWeekly",
        questions=questions,
    )
    await eventually(lambda: len(fake.threads) == len(questions) + 1)
    return {
        "general" if "general" in data["name"] else data["name"].split(" ")[0]: thread_id
        for thread_id, data in fake.threads.items()
    }


async def test_a_restarted_bot_mirrors_into_the_same_threads_without_a_new_announcement(
    fake_discord: FakeDiscord, store: Repository, occurrence_id: int
) -> None:
    before = await started_bot(fake_discord, store)
    threads = await open_chat(before, fake_discord, occurrence_id)
    await eventually(
        lambda: len(store.discord_threads(occurrence_id, channel_id=p.CHANNEL_ID).threads) == 3
    )
    await before.close()
    [announcement] = fake_discord.posts(p.CHANNEL_ID)

    after = await started_bot(fake_discord, store)
    try:
        await after.channel.mirror_answers(
            occurrence_id=occurrence_id,
            answers=[
                answer(1, "ann", "A1 after the restart", post_id=1),
                answer(2, "bob", "A2 after the restart", post_id=2),
                answer(None, "cy", "hello after the restart", post_id=3),
            ],
        )
        await eventually(lambda: "A1 after" in contents(fake_discord.posts(threads["Q1"])))
        await eventually(lambda: "A2 after" in contents(fake_discord.posts(threads["Q2"])))
        await eventually(lambda: "hello after" in contents(fake_discord.posts(threads["general"])))
        assert fake_discord.posts(p.CHANNEL_ID) == [announcement]  # no fallback, no re-announce
        assert len(fake_discord.threads) == 3
    finally:
        await after.close()


async def test_a_restarted_bot_told_the_chat_started_only_opens_the_missing_threads(
    fake_discord: FakeDiscord, store: Repository, occurrence_id: int
) -> None:
    before = await started_bot(fake_discord, store)
    threads = await open_chat(before, fake_discord, occurrence_id)
    await eventually(
        lambda: len(store.discord_threads(occurrence_id, channel_id=p.CHANNEL_ID).threads) == 3
    )
    await before.close()
    announced = len(fake_discord.posts(p.CHANNEL_ID))

    after = await started_bot(fake_discord, store)
    try:
        more = [*QUESTIONS, (3, "What will you try next?")]
        now = await open_chat(after, fake_discord, occurrence_id, questions=more)
        assert {key: now[key] for key in threads} == threads  # the old threads are reused
        saved = store.discord_threads(occurrence_id, channel_id=p.CHANNEL_ID)
        await eventually(
            lambda: (
                store.discord_threads(occurrence_id, channel_id=p.CHANNEL_ID).threads.get(3)
                == int(now["Q3"])
            )
        )
        assert saved.announcement_id is not None
        await after.channel.mirror_answers(
            occurrence_id=occurrence_id, answers=[answer(3, "dee", "A3 in the new thread")]
        )
        await eventually(lambda: "A3 in the new" in contents(fake_discord.posts(now["Q3"])))
        assert len(fake_discord.posts(p.CHANNEL_ID)) == announced
    finally:
        await after.close()


@pytest.mark.parametrize("persisted", [False, True], ids=["memory-only", "nothing-saved"])
async def test_without_saved_threads_a_restarted_bot_falls_back_to_the_channel(
    fake_discord: FakeDiscord, store: Repository, occurrence_id: int, persisted: bool
) -> None:
    before = await started_bot(fake_discord, None)  # the old bot kept ids in memory only
    await open_chat(before, fake_discord, occurrence_id)
    await before.close()

    after = await started_bot(fake_discord, store if persisted else None)
    try:
        await after.channel.mirror_answers(
            occurrence_id=occurrence_id, answers=[answer(2, "bob", "late")]
        )
        await eventually(lambda: len(fake_discord.posts(p.CHANNEL_ID)) == 2)
        _, fallback = fake_discord.posts(p.CHANNEL_ID)
        assert fallback.body["content"].startswith("**Q2**\n**@bob**")
        assert len(fake_discord.threads) == 3
    finally:
        await after.close()


async def test_a_failing_database_never_stops_the_threads_or_the_feed(
    fake_discord: FakeDiscord,
) -> None:
    broken = BrokenDatabase()
    bot = await started_bot(fake_discord, None, thread_store=broken)
    try:
        await bot.channel.mirror_answers(occurrence_id=5, answers=[answer(1, "ann", "early")])
        await eventually(lambda: "early" in contents(fake_discord.posts(p.CHANNEL_ID)))
        threads = await open_chat(bot, fake_discord, 6)  # kept in memory only
        await bot.channel.mirror_answers(occurrence_id=6, answers=[answer(2, "bob", "on time")])
        await eventually(lambda: "on time" in contents(fake_discord.posts(threads["Q2"])))
        assert broken.calls >= 5  # two loads, the announcement and three threads
    finally:
        await bot.close()
