"""Opens each chat's announcement and question threads and remembers their ids.

With a ``ThreadStore`` the ids are also saved as they are made, so a restarted bot
goes on mirroring into the threads it opened before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Final, Protocol

import discord

from chatbot.discord_adapter.text import NO_MENTIONS, clean, shorten

log = logging.getLogger(__name__)

GENERAL = None  # thread key of answers not tied to a question
ARCHIVE_MINUTES: Final = 1440


class ThreadStore(Protocol):
    """Where thread ids outlive the process (the database in production)."""

    async def load(
        self, occurrence_id: int, *, channel_id: int
    ) -> tuple[int | None, dict[int | None, int]]:
        """Return the announcement message id and the thread id per question saved."""
        ...

    async def save_announcement(
        self, occurrence_id: int, *, channel_id: int, message_id: int
    ) -> None:
        """Record the message announcing an occurrence's chat."""
        ...

    async def save_thread(
        self, occurrence_id: int, *, channel_id: int, number: int | None, thread_id: int
    ) -> None:
        """Record one question's thread (None: the general-answers thread)."""
        ...


class ThreadDirectory:
    """Creates threads in the background, retrying while Discord is unreachable."""

    def __init__(
        self,
        *,
        channel_id: int,
        client: Callable[[], discord.Client],
        retry_max_delay: float = 30.0,
        store: ThreadStore | None = None,
    ) -> None:
        self._channel_id = channel_id
        self._client = client
        self._retry_max_delay = retry_max_delay
        self._store = store
        self._threads: dict[int, dict[int | None, int]] = {}
        self._announcements: dict[int, int] = {}
        self._opened: dict[int, asyncio.Event] = {}
        self._loads: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def open(
        self,
        *,
        occurrence_id: int,
        slug: str,
        title: str,
        hashtag: str,
        questions: Sequence[tuple[int, str]],
    ) -> None:
        """Start announcing the chat and opening its threads, once per occurrence."""
        if occurrence_id in self._opened:
            return
        self._opened[occurrence_id] = asyncio.Event()
        self._threads.setdefault(occurrence_id, {})
        self._spawn(
            self._open(occurrence_id, title=title, hashtag=hashtag, questions=list(questions)),
            name=f"discord-threads-{slug}-{occurrence_id}",
        )

    async def thread_for(self, occurrence_id: int, number: int | None) -> int | None:
        """Return the thread of a question (None: post in the channel with a header)."""
        opened = self._opened.get(occurrence_id)
        if opened is not None:
            await opened.wait()
        else:
            # Not opened by this process (e.g. it restarted mid-chat): use the saved
            # threads; without any, fall back to the channel.
            try:
                await self._load(occurrence_id)
            except Exception:
                return None  # logged; the next batch asks the store again
        return self._threads.get(occurrence_id, {}).get(number)

    async def close(self) -> None:
        """Stop opening threads."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _load(self, occurrence_id: int) -> None:
        """Merge the ids saved for an occurrence into memory, once per process."""
        if self._store is None:
            return
        task = self._loads.get(occurrence_id)
        if task is None:
            task = self._loads[occurrence_id] = self._spawn(
                self._load_saved(occurrence_id, self._store),
                name=f"discord-threads-load-{occurrence_id}",
            )
        # Shielded: a sender cancelled while waiting must not cancel the shared load.
        await asyncio.shield(task)

    async def _load_saved(self, occurrence_id: int, store: ThreadStore) -> None:
        try:
            announcement, saved = await store.load(occurrence_id, channel_id=self._channel_id)
        except Exception as exc:
            del self._loads[occurrence_id]  # try again on the next call
            log.warning("Cannot read the saved Discord threads of %s: %s", occurrence_id, exc)
            raise
        threads = self._threads.setdefault(occurrence_id, {})
        for number, thread_id in saved.items():
            threads.setdefault(number, thread_id)
        if announcement is not None:
            self._announcements.setdefault(occurrence_id, announcement)

    async def _save(self, occurrence_id: int, *, number: int | None, thread_id: int) -> None:
        if self._store is None:
            return
        try:
            await self._store.save_thread(
                occurrence_id, channel_id=self._channel_id, number=number, thread_id=thread_id
            )
        except Exception as exc:
            # Kept in memory all the same: only a restart would lose this thread.
            log.warning("Cannot save Discord thread %s of %s: %s", thread_id, occurrence_id, exc)

    async def _save_announcement(self, occurrence_id: int, message_id: int) -> None:
        if self._store is None:
            return
        try:
            await self._store.save_announcement(
                occurrence_id, channel_id=self._channel_id, message_id=message_id
            )
        except Exception as exc:
            log.warning("Cannot save the announcement of %s: %s", occurrence_id, exc)

    async def _open(
        self, occurrence_id: int, *, title: str, hashtag: str, questions: list[tuple[int, str]]
    ) -> None:
        failures = 0
        try:
            while True:
                try:
                    await self._open_once(occurrence_id, title, hashtag, questions)
                    return
                except (discord.Forbidden, discord.NotFound, TypeError) as exc:
                    log.error("Cannot open threads in channel %s: %s", self._channel_id, exc)
                    return
                except Exception as exc:
                    failures += 1
                    delay = min(0.5 * 2**failures, self._retry_max_delay)
                    log.warning("Opening chat threads failed (%s); retry in %.1fs", exc, delay)
                    await asyncio.sleep(delay)
        finally:
            # Waiting senders go on: to the threads made so far, else to the channel.
            self._opened[occurrence_id].set()

    async def _open_once(
        self, occurrence_id: int, title: str, hashtag: str, questions: list[tuple[int, str]]
    ) -> None:
        # Threads saved before a restart are reused; if they cannot be read (logged),
        # open new ones all the same rather than hold the feed back.
        with contextlib.suppress(Exception):
            await self._load(occurrence_id)
        client = self._client()
        channel = client.get_channel(self._channel_id) or await client.fetch_channel(
            self._channel_id
        )
        if not isinstance(channel, discord.TextChannel):
            raise TypeError(f"channel {self._channel_id} is not a text channel")
        threads = self._threads[occurrence_id]
        if occurrence_id not in self._announcements and GENERAL not in threads:
            message = await channel.send(
                f"**{clean(title)}** ({clean(hashtag)}) has started: {len(questions)} "
                "questions. Each question has its own thread; general answers go in "
                "this message's thread.",
                allowed_mentions=NO_MENTIONS,
            )
            self._announcements[occurrence_id] = message.id
            await self._save_announcement(occurrence_id, message.id)
        if GENERAL not in threads:
            general = await channel.create_thread(
                name=shorten(f"{hashtag} general answers", limit=100),
                message=discord.Object(self._announcements[occurrence_id]),
                auto_archive_duration=ARCHIVE_MINUTES,
            )
            threads[GENERAL] = general.id
            await self._save(occurrence_id, number=GENERAL, thread_id=general.id)
        for number, text in questions:
            if number in threads:
                continue
            thread = await channel.create_thread(
                name=shorten(f"Q{number} {hashtag}: {text}", limit=100),
                type=discord.ChannelType.public_thread,
                auto_archive_duration=ARCHIVE_MINUTES,
            )
            threads[number] = thread.id
            await self._save(occurrence_id, number=number, thread_id=thread.id)
