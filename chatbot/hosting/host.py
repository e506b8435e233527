"""The host: opens, drives and resumes chat occurrences; sends reminders.

The database is the source of truth: on start the host resumes every chat that
was running (or still collecting) and joins late any chat whose window is open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from chatbot.catalog import Catalog
from chatbot.domain.chat import ChatSpec
from chatbot.domain.flow import Flow
from chatbot.domain.network import Network
from chatbot.domain.occurrence import LIVE_STATES, Occurrence, OccurrenceState
from chatbot.domain.recurrence import local_date, next_occurrences
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.outlets import NetPoster, OutletPost
from chatbot.hosting.retrying import keep_trying
from chatbot.hosting.runner import ChatRunner
from chatbot.render.chat_texts import TextMaker

log = logging.getLogger("chatbot.host")
FinishedHook = Callable[[ChatRunner], Awaitable[None]]


class Host:
    """Hosts every chat of a catalog through shared adapters."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        deps: RunnerDeps,
        on_finished: FinishedHook | None = None,
        drive: bool = True,
    ) -> None:
        self.catalog, self.deps = catalog, deps
        self.drive = drive  # False: the caller steps runners itself (tests)
        self.on_finished = on_finished
        self.runners: dict[str, ChatRunner] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Opening a chat awaits the database: one opening at a time, so a chat that the
        # scheduler and a moderator open at once gets one runner.
        self._opening = asyncio.Lock()
        self._reminders: set[asyncio.Task[object]] = set()  # reminders sent elsewhere

    # -- opening chats -----------------------------------------------------------
    async def occurrence_for(self, chat: ChatSpec, start: datetime) -> Occurrence:
        """Return (creating once) the occurrence of ``chat`` starting at ``start``."""
        return await self.deps.store.get_or_create_occurrence(
            chat_slug=chat.slug,
            local_date=local_date(chat, start),
            hashtag=chat.hashtag,
            question_set=chat.question_set,
            scheduled_start=start,
        )

    def current_start(self, chat: ChatSpec, now: datetime) -> datetime | None:
        """The start of the chat's occurrence whose window contains ``now``, if any."""
        previous = next_occurrences(chat, now - chat.duration, 1)
        if previous and previous[0] <= now < previous[0] + chat.duration:
            return previous[0]
        return None

    async def open_chat(self, chat: ChatSpec, start: datetime) -> ChatRunner | None:
        """Start (or resume) hosting the occurrence of ``chat`` at ``start``; if the database
        fails, try again while the chat's window is open."""

        async def attempt(_failures: int) -> ChatRunner | None:
            async with self._opening:
                return await self._open_chat(chat, start)

        return await keep_trying(
            attempt,
            what=f"{chat.hashtag}: opening the chat",
            clock=self.deps.clock,
            moderators=self.deps.moderators,
            until=start + chat.duration,
        )

    async def _open_chat(self, chat: ChatSpec, start: datetime) -> ChatRunner | None:
        if chat.slug in self.runners:
            return self.runners[chat.slug]
        store = self.deps.store
        occurrence = await self.occurrence_for(chat, start)
        if occurrence.state not in (OccurrenceState.SCHEDULED, *LIVE_STATES):
            return None  # over, skipped, or imported by `chatbot transcript`
        if occurrence.state == OccurrenceState.SCHEDULED:
            skip = await store.schedule_state(chat.slug)
            if skip.paused:
                log.info(
                    "%s: the schedule is paused; %s not hosted", chat.slug, occurrence.local_date
                )
                return None
            if skip.skip_date == occurrence.local_date:
                await store.skip_occurrence(occurrence.id)
                await self.deps.moderators.notify(
                    f"{chat.hashtag} on {occurrence.local_date} was skipped, as a moderator asked."
                )
                return None
        return await self._open(chat, occurrence)

    async def start_now(self, chat: ChatSpec) -> ChatRunner | None:
        """A moderator starts ``chat`` now: today's occurrence, unless it already ran."""
        async with self._opening:
            if chat.slug in self.runners:
                return self.runners[chat.slug]
            now = self.deps.clock.now()
            occurrence = await self.occurrence_for(chat, now)
            if occurrence.state != OccurrenceState.SCHEDULED:
                return None
            runner = await self._open(chat, occurrence, start=now)
        await runner.advance()
        return runner

    async def _open(
        self, chat: ChatSpec, occurrence: Occurrence, *, start: datetime | None = None
    ) -> ChatRunner:
        """Host an occurrence: plan it when fresh (from ``start``, or its scheduled start)."""
        qset = self.catalog.question_set_of(chat)
        fresh = occurrence.state == OccurrenceState.SCHEDULED
        if fresh:
            flow = Flow.plan(
                start=start or occurrence.scheduled_start,
                duration=chat.duration,
                first_question_after=chat.first_question_after_minutes,
                intervals=[q.minutes or chat.question_interval_minutes for q in qset.questions],
                last_call_lead=chat.last_call_before_end_minutes,
                thread=chat.thread_under_welcome,
                grace=chat.grace_minutes,
            )
            occurrence = await self.deps.store.open_occurrence(
                occurrence.id, flow=flow, at=self.deps.clock.now()
            )
        runner = await ChatRunner.open(chat=chat, qset=qset, occurrence=occurrence, deps=self.deps)
        self.runners[chat.slug] = runner
        if fresh:
            await self.deps.moderators.chat_started(
                occurrence_id=runner.occurrence_id,
                slug=chat.slug,
                title=qset.title,
                hashtag=chat.hashtag,
                questions=[(q.number, q.text) for q in qset.questions],
            )
        log.info(
            "%s: hosting %s (%s)",
            chat.slug,
            occurrence.local_date,
            "new" if fresh else f"resumed, {occurrence.state}",
        )
        if self.drive:
            self._tasks[chat.slug] = asyncio.create_task(
                self._drive(runner), name=f"chat-{chat.slug}"
            )
        return runner

    async def resume_all(self) -> None:
        """Resume every chat the database says is live, and join open windows late."""
        async with self._opening:
            await self._resume_all()

    async def _resume_all(self) -> None:
        now = self.deps.clock.now()
        store = self.deps.store
        live = await store.live_occurrences() + await store.collecting_occurrences()
        for occurrence in live:
            chat = self.catalog.chats.get(occurrence.chat_slug)
            if chat is None:
                log.error(
                    "occurrence %s of unknown chat '%s' cannot resume: its schedule "
                    "file is missing or invalid",
                    occurrence.id,
                    occurrence.chat_slug,
                )
                continue
            if chat.slug not in self.runners:
                await self._open(chat, occurrence)
        for chat in self.catalog.enabled_chats():
            start = self.current_start(chat, now)
            if start and chat.slug not in self.runners:
                if (await store.schedule_state(chat.slug)).paused:
                    continue
                log.info("%s: joining late, the chat started at %s", chat.slug, start)
                await self._open_chat(chat, start)

    # -- driving -------------------------------------------------------------------
    async def _drive(self, runner: ChatRunner) -> None:
        """Run a chat to its end; after a failure, rebuild its runner from the database
        (as a restart would) and go on."""
        slug = runner.chat.slug
        current = runner

        async def attempt(failures: int) -> None:
            nonlocal current
            if failures:
                current = await self._reopen(current)
            await current.run()

        try:
            await keep_trying(
                attempt,
                what=f"{runner.chat.hashtag}: hosting",
                clock=self.deps.clock,
                moderators=self.deps.moderators,
            )
            if self.on_finished:
                await self.on_finished(current)
        finally:
            if self.runners.get(slug) is current:
                del self.runners[slug]
                self._tasks.pop(slug, None)

    async def _reopen(self, runner: ChatRunner) -> ChatRunner:
        """A new runner for the chat, from what the database holds."""
        occurrence = await self.deps.store.get_occurrence(runner.occurrence_id)
        if occurrence is None:
            raise KeyError(f"occurrence {runner.occurrence_id} is gone from the database")
        fresh = await ChatRunner.open(
            chat=runner.chat, qset=runner.qset, occurrence=occurrence, deps=self.deps
        )
        self.runners[runner.chat.slug] = fresh
        log.info("%s: hosting again, from the database", runner.chat.slug)
        return fresh

    async def stop(self) -> None:
        """Stop every runner (state is in the database; a restart resumes)."""
        tasks: list[asyncio.Task[Any]] = [*self._tasks.values(), *self._reminders]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.runners.clear()
        self._tasks.clear()

    # -- reminders ---------------------------------------------------------------
    async def send_reminder(self, chat: ChatSpec, start: datetime, offset: timedelta) -> None:
        """Post the reminder ``offset`` before the occurrence at ``start``, once."""
        now = self.deps.clock.now()
        if now > start - offset + timedelta(minutes=10):
            log.info(
                "%s: reminder %s before %s passed while away; skipped", chat.slug, offset, start
            )
            return
        occurrence = await self.occurrence_for(chat, start)
        schedule = await self.deps.store.schedule_state(chat.slug)
        if (
            occurrence.state != OccurrenceState.SCHEDULED
            or schedule.paused
            or schedule.skip_date == occurrence.local_date
        ):
            return
        text = TextMaker(chat, self.catalog.question_set_of(chat), start).reminder(offset)
        minutes = int(offset.total_seconds() // 60)
        key = f"reminder-{minutes}m"
        late_at = start - offset + timedelta(minutes=10)
        for network in chat.networks:  # the other networks at the same moment, each in its own
            if network is not Network.X and network in self.deps.outlets:
                self._remind_on(
                    network, occurrence.id, chat, OutletPost(key, text, late_at=late_at)
                )
        if Network.X not in chat.networks:
            return
        result = await self.deps.publisher.publish(
            occurrence_id=occurrence.id, key=key, text=text, now=now
        )
        if result.outcome != "sent":
            await self.deps.moderators.notify(
                f"{chat.hashtag}: the reminder {minutes} minutes before the chat was not "
                f"posted: {result.error}"
            )

    def _remind_on(
        self, network: Network, occurrence_id: int, chat: ChatSpec, post: OutletPost
    ) -> None:
        """Post a reminder on another network in the background (retried while in time)."""
        poster = NetPoster(
            outlet=self.deps.outlets[network],
            store=self.deps.store,
            clock=self.deps.clock,
            moderators=self.deps.moderators,
            occurrence_id=occurrence_id,
            hashtag=chat.hashtag,
        )
        task = asyncio.create_task(poster.deliver(post), name=f"remind-{network}-{chat.slug}")
        self._reminders.add(task)
        task.add_done_callback(self._reminders.discard)
