"""Discord thread ids are saved per occurrence and read back by a restarted bot."""

from __future__ import annotations

from datetime import UTC, datetime

from chatbot.discord_adapter.threads import ThreadStore
from chatbot.storage.discord_threads import SavedThreads, StoreThreadStore
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
CHANNEL = 1_234_567_890_123_456_789  # real-sized Discord snowflakes: 64-bit columns
OTHER_CHANNEL = CHANNEL + 1
SNOWFLAKE = 1_300_000_000_000_000_000


def _occurrence_id(store: Repository, day: str = "2026-11-23") -> int:
    occurrence = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date=day,
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    assert occurrence.id is not None
    return occurrence.id


def test_nothing_saved_reads_back_empty(store: Repository) -> None:
    occ = _occurrence_id(store)
    assert store.discord_threads(occ, channel_id=CHANNEL) == SavedThreads(None, {})


def test_announcement_general_and_question_threads_round_trip(store: Repository) -> None:
    occ = _occurrence_id(store)
    store.save_discord_thread(
        occurrence_id=occ, question_number=None, channel_id=CHANNEL, announcement_id=SNOWFLAKE
    )
    # Announced, general thread not made yet: nothing to post into so far.
    assert store.discord_threads(occ, channel_id=CHANNEL) == SavedThreads(SNOWFLAKE, {})
    store.save_discord_thread(
        occurrence_id=occ, question_number=None, channel_id=CHANNEL, thread_id=SNOWFLAKE + 1
    )
    for number in (1, 2):
        store.save_discord_thread(
            occurrence_id=occ,
            question_number=number,
            channel_id=CHANNEL,
            thread_id=SNOWFLAKE + 1 + number,
        )
    saved = store.discord_threads(occ, channel_id=CHANNEL)
    assert saved.announcement_id == SNOWFLAKE  # kept when the general thread was added
    assert saved.threads == {None: SNOWFLAKE + 1, 1: SNOWFLAKE + 2, 2: SNOWFLAKE + 3}


def test_saving_a_question_again_keeps_one_row_with_the_newest_thread(store: Repository) -> None:
    occ = _occurrence_id(store)
    for thread_id in (SNOWFLAKE, SNOWFLAKE + 9):
        store.save_discord_thread(
            occurrence_id=occ, question_number=1, channel_id=CHANNEL, thread_id=thread_id
        )
    assert store.discord_threads(occ, channel_id=CHANNEL).threads == {1: SNOWFLAKE + 9}


def test_threads_are_kept_per_occurrence_and_per_channel(store: Repository) -> None:
    first, second = _occurrence_id(store), _occurrence_id(store, "2026-11-30")
    store.save_discord_thread(
        occurrence_id=first, question_number=1, channel_id=CHANNEL, thread_id=SNOWFLAKE
    )
    store.save_discord_thread(
        occurrence_id=second, question_number=1, channel_id=CHANNEL, thread_id=SNOWFLAKE + 1
    )
    assert store.discord_threads(first, channel_id=CHANNEL).threads == {1: SNOWFLAKE}
    assert store.discord_threads(second, channel_id=CHANNEL).threads == {1: SNOWFLAKE + 1}
    assert store.discord_threads(first, channel_id=OTHER_CHANNEL) == SavedThreads(None, {})


def test_a_thread_saved_in_a_new_channel_replaces_the_old_one(store: Repository) -> None:
    occ = _occurrence_id(store)
    store.save_discord_thread(
        occurrence_id=occ, question_number=None, channel_id=CHANNEL, announcement_id=SNOWFLAKE
    )
    store.save_discord_thread(
        occurrence_id=occ, question_number=None, channel_id=OTHER_CHANNEL, thread_id=SNOWFLAKE + 5
    )
    assert store.discord_threads(occ, channel_id=CHANNEL) == SavedThreads(None, {})
    assert store.discord_threads(occ, channel_id=OTHER_CHANNEL) == SavedThreads(
        None, {None: SNOWFLAKE + 5}
    )


async def test_the_async_adapter_saves_and_loads_through_the_store(store: Repository) -> None:
    occ = _occurrence_id(store)
    port: ThreadStore = StoreThreadStore(store)
    await port.save_announcement(occ, channel_id=CHANNEL, message_id=SNOWFLAKE)
    await port.save_thread(occ, channel_id=CHANNEL, number=None, thread_id=SNOWFLAKE + 1)
    await port.save_thread(occ, channel_id=CHANNEL, number=3, thread_id=SNOWFLAKE + 2)
    assert await port.load(occ, channel_id=CHANNEL) == (
        SNOWFLAKE,
        {None: SNOWFLAKE + 1, 3: SNOWFLAKE + 2},
    )
