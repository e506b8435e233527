"""Discord thread ids per occurrence: kept so a restarted bot mirrors into the same threads."""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from sqlmodel import select

from chatbot.storage.base import StoreBase
from chatbot.storage.tables import DiscordThread

GENERAL_ROW = 0  # question_number of the general-answers thread (None to callers)


class SavedThreads(NamedTuple):
    """An occurrence's announcement message and its thread id per question (None: general)."""

    announcement_id: int | None
    threads: dict[int | None, int]


class DiscordThreadStore(StoreBase):
    """Reads and writes the ``DiscordThread`` rows of each occurrence."""

    def save_discord_thread(
        self,
        *,
        occurrence_id: int,
        question_number: int | None,
        channel_id: int,
        thread_id: int | None = None,
        announcement_id: int | None = None,
    ) -> None:
        """Record a thread (or, for general, the announcement); None keeps a saved value.

        A row saved for another channel is replaced: the bot was moved to a new channel.
        """
        number = GENERAL_ROW if question_number is None else question_number
        with self._session() as s:
            query = select(DiscordThread).where(
                DiscordThread.occurrence_id == occurrence_id,
                DiscordThread.question_number == number,
            )
            row = s.exec(query).first()
            if row is None:
                row = DiscordThread(
                    occurrence_id=occurrence_id, question_number=number, channel_id=channel_id
                )
            elif row.channel_id != channel_id:
                row.channel_id, row.thread_id, row.announcement_id = channel_id, None, None
            if thread_id is not None:
                row.thread_id = thread_id
            if announcement_id is not None:
                row.announcement_id = announcement_id
            s.add(row)
            s.commit()

    def discord_threads(self, occurrence_id: int, *, channel_id: int) -> SavedThreads:
        """Return what was saved for an occurrence in one channel (empty when nothing)."""
        with self._session() as s:
            query = select(DiscordThread).where(
                DiscordThread.occurrence_id == occurrence_id,
                DiscordThread.channel_id == channel_id,
            )
            rows = list(s.exec(query))
        announcement = next(
            (row.announcement_id for row in rows if row.question_number == GENERAL_ROW), None
        )
        threads: dict[int | None, int] = {
            None if row.question_number == GENERAL_ROW else row.question_number: row.thread_id
            for row in rows
            if row.thread_id is not None
        }
        return SavedThreads(announcement, threads)


class StoreThreadStore:
    """Implements ``chatbot.discord_adapter.threads.ThreadStore`` on the database.

    Each call runs in a worker thread so the event loop Discord and X share never
    waits on the database.
    """

    def __init__(self, store: DiscordThreadStore) -> None:
        self.store = store

    async def load(self, occurrence_id: int, *, channel_id: int) -> SavedThreads:
        """Return the announcement and thread ids saved for an occurrence in a channel."""
        return await asyncio.to_thread(
            self.store.discord_threads, occurrence_id, channel_id=channel_id
        )

    async def save_announcement(
        self, occurrence_id: int, *, channel_id: int, message_id: int
    ) -> None:
        """Record the message announcing an occurrence's chat."""
        await asyncio.to_thread(
            self.store.save_discord_thread,
            occurrence_id=occurrence_id,
            question_number=None,
            channel_id=channel_id,
            announcement_id=message_id,
        )

    async def save_thread(
        self, occurrence_id: int, *, channel_id: int, number: int | None, thread_id: int
    ) -> None:
        """Record the thread of one question (None: the general-answers thread)."""
        await asyncio.to_thread(
            self.store.save_discord_thread,
            occurrence_id=occurrence_id,
            question_number=number,
            channel_id=channel_id,
            thread_id=thread_id,
        )
