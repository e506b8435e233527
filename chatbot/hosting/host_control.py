"""HostControl: the moderators' commands, one method each, on top of the host.

Discord's slash commands and the CLI call these; each one finds the chat it
means and calls the runner, the recap service or the schedule state. No chat
logic lives here beyond choosing which chat a command is for.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from zoneinfo import ZoneInfo

from chatbot.catalog import Catalog
from chatbot.domain.answers import AnswerAssigner
from chatbot.domain.chat import ChatSpec
from chatbot.domain.commands import (
    Ask,
    Command,
    End,
    Extend,
    NextNow,
    Pause,
    Resume,
    Skip,
    clean_handle,
)
from chatbot.domain.flow import FlowState
from chatbot.domain.network import Network
from chatbot.domain.occurrence import RecapState, ScheduleOverride
from chatbot.domain.recurrence import local_date, next_occurrences
from chatbot.domain.views import ControlResult, HostStatus, LiveChat, RecapPreview, UpcomingChat
from chatbot.hosting.corrections import AnswerCorrections
from chatbot.hosting.host import Host
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from chatbot.recap.series import summary_lines
from chatbot.recap.series_files import build_series

RECAP_STATUS = {
    RecapState.AWAITING: "awaiting approval",
    RecapState.APPROVED: "approved, not yet posted",
    RecapState.PUBLISHED: "published",
}


class HostControl:
    """Implements ``chatbot.ports.ChatControl`` for one host."""

    def __init__(self, *, host: Host, recaps: RecapService) -> None:
        self.host, self.recaps = host, recaps
        self.corrections = AnswerCorrections(
            store=host.deps.store, clock=host.deps.clock, live=self._assigner
        )

    @property
    def catalog(self) -> Catalog:
        """The chats this host knows."""
        return self.host.catalog

    def chat_slugs(self) -> list[str]:
        """Every known chat, for autocomplete."""
        return sorted(self.catalog.chats)

    # -- finding the chat a command means --------------------------------------------
    def _chat(self, slug: str) -> ChatSpec | ControlResult:
        chat = self.catalog.chats.get(slug.strip().lower())
        if chat is None:
            known = ", ".join(self.chat_slugs()) or "none"
            return ControlResult(False, f"No chat called '{slug}'. Known chats: {known}.")
        return chat

    def _live(self, slug: str | None) -> ChatRunner | ControlResult:
        runners = self.host.runners
        if slug:
            chat = self._chat(slug)
            if isinstance(chat, ControlResult):
                return chat
            runner = runners.get(chat.slug)
            return runner or ControlResult(False, f"{chat.hashtag} is not live right now.")
        if len(runners) == 1:
            return next(iter(runners.values()))
        if not runners:
            return ControlResult(False, "No chat is live right now.")
        return ControlResult(False, f"Several chats are live ({', '.join(runners)}): say which.")

    def _for_handle(self, slug: str | None) -> ChatSpec | ControlResult:
        if slug:
            return self._chat(slug)
        live = self._live(None)
        if isinstance(live, ChatRunner):
            return live.chat
        enabled = self.catalog.enabled_chats()
        if len(enabled) == 1:
            return enabled[0]
        return ControlResult(False, "Say which chat: no single chat is live.")

    # -- status --------------------------------------------------------------------------
    async def status(self) -> HostStatus:
        """The live chats and the upcoming ones."""
        live = [await self._live_chat(r) for r in list(self.host.runners.values())]
        return HostStatus(live=live, upcoming=await self.schedule_list())

    async def _live_chat(self, runner: ChatRunner) -> LiveChat:
        flow = runner.flow
        posted = flow.posted_questions()
        step = flow.next_step()
        posts, people = await self.host.deps.store.count_collected(runner.occurrence_id)
        return LiveChat(
            slug=runner.chat.slug,
            hashtag=runner.chat.hashtag,
            title=runner.qset.title,
            state="closing" if flow.status == FlowState.ENDED else flow.status,
            current_question=flow.current_question,
            question_count=len(runner.qset.questions) + flow.asks,
            current_question_text=runner.texts.for_step(posted[-1]) if posted else "",
            next_step=flow.describe(step) if step else "nothing (collecting late answers)",
            next_step_at=flow.due(step) if step and flow.status == FlowState.RUNNING else None,
            ends_at=flow.end,
            posts_collected=posts,
            participants=people,
        )

    # -- the live chat ---------------------------------------------------------------------
    async def start_now(self, slug: str) -> ControlResult:
        """Start a chat now instead of at its scheduled time."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        if chat.slug in self.host.runners:
            return ControlResult(False, f"{chat.hashtag} is already live.")
        runner = await self.host.start_now(chat)
        if runner is None:
            return ControlResult(False, f"{chat.hashtag} already ran today; it was not restarted.")
        return ControlResult(True, f"{chat.hashtag} started: the welcome post is out.")

    async def _command(self, slug: str | None, command: Command) -> ControlResult:
        runner = self._live(slug)
        return runner if isinstance(runner, ControlResult) else await runner.command(command)

    async def next_question(self, slug: str | None = None) -> ControlResult:
        """Post the next question now."""
        return await self._command(slug, NextNow())

    async def pause(self, slug: str | None = None) -> ControlResult:
        """Hold the live chat's posts."""
        return await self._command(slug, Pause())

    async def resume(self, slug: str | None = None) -> ControlResult:
        """Resume a paused chat."""
        return await self._command(slug, Resume())

    async def skip(self, slug: str | None = None) -> ControlResult:
        """Skip the next question."""
        return await self._command(slug, Skip())

    async def extend(self, minutes: int, slug: str | None = None) -> ControlResult:
        """Give the current question more minutes."""
        return await self._command(slug, Extend(minutes))

    async def ask(self, text: str, slug: str | None = None) -> ControlResult:
        """Post an ad-hoc question now."""
        return await self._command(slug, Ask(text))

    async def end(self, slug: str | None = None) -> ControlResult:
        """Close the live chat now."""
        return await self._command(slug, End())

    async def hide(self, handle: str, slug: str | None = None) -> ControlResult:
        """Keep an author out of collection, the feed and the recap of a chat."""
        chat = self._for_handle(slug)
        if isinstance(chat, ControlResult):
            return chat
        name = clean_handle(handle)
        deps = self.host.deps
        await deps.store.hide_user(
            chat_slug=chat.slug, username=name, by="moderator", now=deps.clock.now()
        )
        if (runner := self.host.runners.get(chat.slug)) is not None:
            runner.collector.hide(name)
            for net in runner.net_collectors.values():
                net.hide(name)
        return ControlResult(True, f"@{name} is hidden from {chat.hashtag}.")

    async def unhide(self, handle: str, slug: str | None = None) -> ControlResult:
        """Show a hidden author again (posts made while hidden stay out)."""
        chat = self._for_handle(slug)
        if isinstance(chat, ControlResult):
            return chat
        name = clean_handle(handle)
        if not await self.host.deps.store.unhide_user(chat_slug=chat.slug, username=name):
            return ControlResult(False, f"@{name} was not hidden.")
        if (runner := self.host.runners.get(chat.slug)) is not None:
            runner.collector.show(name)
            for net in runner.net_collectors.values():
                net.show(name)
        return ControlResult(
            True,
            f"@{name} is shown again in {chat.hashtag}; "
            "posts made while hidden were not collected.",
        )

    async def assign(self, post: str, question: str) -> ControlResult:
        """Put a collected post on another question, or on none, for good."""
        return await self.corrections.assign(post, question)

    def _assigner(self, occurrence_id: int, network: Network) -> AnswerAssigner | None:
        """The live assigner of a post of ``network`` in an occurrence (each network's
        posts are assigned apart: their reply chains never cross)."""
        for runner in list(self.host.runners.values()):
            if runner.occurrence_id == occurrence_id:
                if network in runner.net_collectors:
                    return runner.net_collectors[network].assigner
                return runner.collector.assigner
        return None

    # -- recaps ------------------------------------------------------------------------------
    async def recap_preview(self, slug: str) -> RecapPreview | ControlResult:
        """Build the latest recap's files and show its thread."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        occurrence = await self.recaps.occurrence(chat.slug)
        if occurrence is None:
            return ControlResult(False, f"{chat.hashtag} has not run yet: no recap to show.")
        recap = await self.recaps.build(chat, occurrence)
        return RecapPreview(
            slug=chat.slug,
            occurrence_date=occurrence.local_date,
            posts=recap.posts,
            files=[str(path) for path in recap.files.all()],
            status=RECAP_STATUS.get(recap.state, recap.state),
        )

    async def recap_publish(self, slug: str) -> ControlResult:
        """Approve and post the latest recap."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        occurrence = await self.recaps.occurrence(chat.slug)
        if occurrence is None:
            return ControlResult(False, f"{chat.hashtag} has not run yet: no recap to publish.")
        if occurrence.recap_state == RecapState.PUBLISHED:
            return ControlResult(False, f"The {occurrence.local_date} recap is already on X.")
        return await self.recaps.publish(chat, occurrence)

    async def recap_series(self, slug: str) -> ControlResult:
        """Every week of a chat side by side, and where the report's files are."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        recaps = self.recaps
        report, files = await asyncio.to_thread(
            build_series, recaps.records, chat.slug, out_dir=recaps.out_dir, prices=recaps.prices
        )
        lines = summary_lines(report)
        if files is not None:
            lines.append("Files: " + ", ".join(str(path) for path in files.all()))
        return ControlResult(files is not None, "\n".join(lines))

    # -- the schedule ----------------------------------------------------------------------
    async def schedule_list(self) -> list[UpcomingChat]:
        """The next occurrence of every enabled chat, soonest first."""
        now = self.host.deps.clock.now()
        upcoming = []
        for chat in self.catalog.enabled_chats():
            starts = next_occurrences(chat, now, 1)
            if not starts:
                continue
            state = await self.host.deps.store.schedule_state(chat.slug)
            upcoming.append(
                UpcomingChat(
                    slug=chat.slug,
                    hashtag=chat.hashtag,
                    title=self.catalog.question_set_of(chat).title,
                    starts_at=starts[0],
                    timezone=chat.timezone,
                    paused=state.paused,
                    skip_next=state.skip_date == local_date(chat, starts[0]),
                )
            )
        return sorted(upcoming, key=lambda u: u.starts_at)

    async def schedule_skip_next(self, slug: str) -> ControlResult:
        """Skip the chat's next occurrence (not one that is live)."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        starts = next_occurrences(chat, self.host.deps.clock.now(), 1)
        if not starts:
            return ControlResult(False, f"{chat.hashtag} has no upcoming occurrence.")
        store = self.host.deps.store
        override = await store.schedule_state(chat.slug)
        await store.save_schedule_state(replace(override, skip_date=local_date(chat, starts[0])))
        when = starts[0].astimezone(ZoneInfo(chat.timezone)).strftime("%a %d %b %H:%M %Z")
        return ControlResult(
            True, f"{chat.hashtag} on {when} will be skipped (`/schedule resume` undoes it)."
        )

    async def schedule_pause(self, slug: str) -> ControlResult:
        """Stop hosting a chat's occurrences until resumed."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        store = self.host.deps.store
        await store.save_schedule_state(replace(await store.schedule_state(chat.slug), paused=True))
        live = " The live chat carries on." if chat.slug in self.host.runners else ""
        return ControlResult(True, f"{chat.hashtag} is paused: no chats until resumed.{live}")

    async def schedule_resume(self, slug: str) -> ControlResult:
        """Schedule a paused (or skipped) chat again."""
        chat = self._chat(slug)
        if isinstance(chat, ControlResult):
            return chat
        await self.host.deps.store.save_schedule_state(ScheduleOverride(chat.slug))
        return ControlResult(True, f"{chat.hashtag} is scheduled again.")
