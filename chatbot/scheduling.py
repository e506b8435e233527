"""APScheduler wiring: each enabled chat's next start and its reminders, as date jobs.

Start times come from the chat's recurrence in its own zone
(``next_occurrences``), so a Tuesday 20:00 New York chat stays at 20:00 local
across daylight-saving changes. Jobs live in memory: the database is the
source of truth, and on start the host resumes whatever was running, so the
jobs are simply planned again. When a start fires, the chat's following
occurrence is planned.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from chatbot.domain.chat import ChatSpec
from chatbot.domain.recurrence import next_occurrences
from chatbot.hosting.host import Host

log = logging.getLogger("chatbot.scheduling")
REMINDER_GRACE = timedelta(minutes=10)  # a reminder later than this is skipped


class ChatScheduler:
    """Keeps one start job and one job per reminder for every enabled chat."""

    def __init__(self, host: Host, scheduler: AsyncIOScheduler | None = None) -> None:
        self.host = host
        self.scheduler = scheduler or AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1}
        )

    def start(self) -> None:
        """Plan every enabled chat and start the scheduler (inside the running loop)."""
        self.plan_all()
        if not self.scheduler.running:
            self.scheduler.start()

    def shutdown(self) -> None:
        """Stop firing jobs (a running chat is the host's to stop)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def plan_all(self) -> None:
        """Plan the next occurrence of every enabled chat."""
        for chat in self.host.catalog.enabled_chats():
            self.plan(chat, after=self.host.deps.clock.now())

    def plan(self, chat: ChatSpec, *, after: datetime) -> datetime | None:
        """Plan ``chat``'s first start strictly after ``after`` and its reminders."""
        for job in self.jobs(chat.slug):
            job.remove()
        starts = next_occurrences(chat, after, 1)
        if not starts:
            log.warning("%s: its recurrence has no future occurrence", chat.slug)
            return None
        start = starts[0]
        self.scheduler.add_job(
            self._fire_start,
            DateTrigger(run_date=start),
            args=[chat.slug, start],
            id=f"{chat.slug}:start",
            name=f"{chat.hashtag} starts",
            # A late start is still worth hosting: the host joins it late.
            misfire_grace_time=int(chat.duration.total_seconds()),
        )
        now = self.host.deps.clock.now()
        for offset in chat.reminders:
            when = start - offset
            if when + REMINDER_GRACE < now:
                continue
            minutes = int(offset.total_seconds() // 60)
            self.scheduler.add_job(
                self._fire_reminder,
                DateTrigger(run_date=max(when, now)),
                args=[chat.slug, start, offset],
                id=f"{chat.slug}:reminder-{minutes}m",
                name=f"{chat.hashtag} reminder {minutes} min before",
                misfire_grace_time=int(REMINDER_GRACE.total_seconds()),
            )
        log.info("%s: next chat at %s", chat.slug, start.isoformat())
        return start

    def jobs(self, slug: str) -> list[Job]:
        """The scheduled jobs of one chat."""
        return [j for j in self.scheduler.get_jobs() if j.id.startswith(f"{slug}:")]

    async def _fire_start(self, slug: str, start: datetime) -> None:
        chat = self.host.catalog.chats.get(slug)
        if chat is None:
            return
        try:
            await self.host.open_chat(chat, start)
        except Exception:
            log.exception("%s: could not open the chat of %s", slug, start.isoformat())
        finally:
            self.plan(chat, after=start)

    async def _fire_reminder(self, slug: str, start: datetime, offset: timedelta) -> None:
        chat = self.host.catalog.chats.get(slug)
        if chat is None:
            return
        try:
            await self.host.send_reminder(chat, start, offset)
        except Exception:
            log.exception("%s: the reminder %s before %s failed", slug, offset, start)
