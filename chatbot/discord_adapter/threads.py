"""Opens each chat's announcement and question threads and remembers their ids."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Final

import discord

from chatbot.discord_adapter.text import NO_MENTIONS, clean, shorten

log = logging.getLogger(__name__)

GENERAL = None  # thread key of answers not tied to a question
ARCHIVE_MINUTES: Final = 1440


class ThreadDirectory:
    """Creates threads in the background, retrying while Discord is unreachable."""

    def __init__(
        self,
        *,
        channel_id: int,
        client: Callable[[], discord.Client],
        retry_max_delay: float = 30.0,
    ) -> None:
        self._channel_id = channel_id
        self._client = client
        self._retry_max_delay = retry_max_delay
        self._threads: dict[int, dict[int | None, int]] = {}
        self._announcements: dict[int, int] = {}
        self._opened: dict[int, asyncio.Event] = {}
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
        self._threads[occurrence_id] = {}
        task = asyncio.get_running_loop().create_task(
            self._open(occurrence_id, title=title, hashtag=hashtag, questions=list(questions)),
            name=f"discord-threads-{slug}-{occurrence_id}",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def thread_for(self, occurrence_id: int, number: int | None) -> int | None:
        """Return the thread of a question (None: post in the channel with a header)."""
        opened = self._opened.get(occurrence_id)
        if opened is None:
            return None  # e.g. the bot restarted mid-chat: fall back to the channel
        await opened.wait()
        return self._threads[occurrence_id].get(number)

    async def close(self) -> None:
        """Stop opening threads."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

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
        client = self._client()
        channel = client.get_channel(self._channel_id) or await client.fetch_channel(
            self._channel_id
        )
        if not isinstance(channel, discord.TextChannel):
            raise TypeError(f"channel {self._channel_id} is not a text channel")
        threads = self._threads[occurrence_id]
        if occurrence_id not in self._announcements:
            message = await channel.send(
                f"**{clean(title)}** ({clean(hashtag)}) has started: {len(questions)} "
                "questions. Each question has its own thread; general answers go in "
                "this message's thread.",
                allowed_mentions=NO_MENTIONS,
            )
            self._announcements[occurrence_id] = message.id
        if GENERAL not in threads:
            general = await channel.create_thread(
                name=shorten(f"{hashtag} general answers", limit=100),
                message=discord.Object(self._announcements[occurrence_id]),
                auto_archive_duration=ARCHIVE_MINUTES,
            )
            threads[GENERAL] = general.id
        for number, text in questions:
            if number in threads:
                continue
            thread = await channel.create_thread(
                name=shorten(f"Q{number} {hashtag}: {text}", limit=100),
                type=discord.ChannelType.public_thread,
                auto_archive_duration=ARCHIVE_MINUTES,
            )
            threads[number] = thread.id
