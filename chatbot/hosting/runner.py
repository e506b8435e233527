"""ChatRunner: executes one occurrence's flow through the adapters, crash-safe.

Every post is recorded as intended before it is sent. After a restart a post
still marked intended is looked up on X first: recorded if it is there, sent if
not. So a restart never posts twice and never skips. When X will not take a post,
posting holds by the rules of ``posting_hold``; steps whose moment passes meanwhile
are dropped by the flow's rule (``Flow.late_at``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.commands import Command, Resume
from chatbot.domain.flow import (
    ChatFacts,
    Flow,
    FlowState,
    Notice,
    Post,
    Step,
    StepKind,
    StepStatus,
)
from chatbot.domain.network import Network
from chatbot.domain.occurrence import Occurrence
from chatbot.domain.views import ControlResult
from chatbot.hosting.collector import Collector
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.net_collector import NetCollector
from chatbot.hosting.notices import alert
from chatbot.hosting.outlets import NetPoster, OutletPost, parents_of
from chatbot.hosting.posting_hold import PostingHold
from chatbot.render.chat_texts import TextMaker

log = logging.getLogger("chatbot.runner")


class ChatRunner:
    """Runs one chat occurrence: posts its steps when due and collects its posts."""

    def __init__(
        self,
        *,
        chat: ChatSpec,
        qset: QuestionSet,
        occurrence_id: int,
        flow: Flow,
        collector: Collector,
        deps: RunnerDeps,
        net_collectors: dict[Network, NetCollector] | None = None,
    ) -> None:
        self.chat, self.qset, self.flow, self.deps = chat, qset, flow, deps
        self.occurrence_id, self.collector = occurrence_id, collector
        self.on_x = Network.X in chat.networks
        self.net_collectors = net_collectors or {}
        self.posters = {
            network: NetPoster(
                outlet=deps.outlets[network],
                store=deps.store,
                clock=deps.clock,
                moderators=deps.moderators,
                occurrence_id=occurrence_id,
                hashtag=chat.hashtag,
                on_question=self.net_collectors[network].add_question_post,
                on_end=self.net_collectors[network].end_window,
            )
            for network in self.net_collectors
        }
        self.lock = asyncio.Lock()
        self.texts = TextMaker(chat, qset, flow.start)
        self.facts = ChatFacts(chat.hashtag, chat.timezone, self.texts.for_step)
        self.hold = PostingHold(chat.hashtag, deps.moderators)
        self._wake = asyncio.Event()
        self._queued: set[str] = set()  # steps queued on the other networks by this runner
        self._finished_recorded = False

    @classmethod
    async def open(
        cls, *, chat: ChatSpec, qset: QuestionSet, occurrence: Occurrence, deps: RunnerDeps
    ) -> ChatRunner:
        """A runner for an occurrence that has started (its flow is stored)."""
        if occurrence.flow is None:
            raise ValueError(f"occurrence {occurrence.id} has not started: it has no flow")
        collector = await Collector.open(chat=chat, occurrence=occurrence, deps=deps)
        nets: dict[Network, NetCollector] = {}
        for network in chat.networks:
            if network is Network.X:
                continue
            if network not in deps.outlets or network not in deps.net_hosts:
                await alert(
                    deps.moderators,
                    f"{chat.hashtag}: {network} could not be reached when the chat opened; "
                    "it is hosted on the other networks (restart the bot to add it).",
                )
                continue
            nets[network] = await NetCollector.open(
                chat=chat,
                occurrence=occurrence,
                outlet=deps.outlets[network],
                host=deps.net_hosts[network],
                deps=deps,
            )
        runner = cls(
            chat=chat,
            qset=qset,
            occurrence_id=occurrence.id,
            flow=occurrence.flow,
            collector=collector,
            deps=deps,
            net_collectors=nets,
        )
        runner.resume_outlets()
        collector.records_finish = not nets
        return runner

    async def _finish_collection(self) -> None:
        """Every network's window is read: record it once (X's collector does when alone)."""
        if self.net_collectors and self.finished and not self._finished_recorded:
            await self.deps.store.finish_collection(self.occurrence_id, at=self.deps.clock.now())
            self._finished_recorded = True

    def resume_outlets(self) -> None:
        """Queue on the other networks every step the flow has posted, in order: one that
        a crash left unsent there goes out if its moment lasts (the rest are found sent)."""
        posted: list[str] = []
        started = [s for s in self.flow.steps if s.posted_at or s.status == StepStatus.POSTING]
        for step in sorted(started, key=lambda s: s.posted_at or self.flow.end):
            if step.status == StepStatus.POSTED:
                self._to_outlets(step, posted)
                posted.append(self.bot_key(step))

    def _to_outlets(self, step: Step, posted: list[str]) -> None:
        """Queue ``step`` on every other network, threaded under that network's own posts."""
        if not self.posters:
            return
        post = OutletPost(
            key=self.bot_key(step),
            text=self.texts.for_step(step),
            parents=parents_of(
                posted, reply_to_welcome=step.kind == StepKind.RULES, thread=self.flow.thread
            ),
            late_at=self.flow.late_at(step),
            question=step.number if step.kind == StepKind.QUESTION else 0,
        )
        for poster in self.posters.values():
            poster.submit(post)

    def _posted_keys(self) -> list[str]:
        """The keys of the steps posted so far, in the order they were posted."""
        done = [s for s in self.flow.steps if s.status == StepStatus.POSTED and s.posted_at]
        return [self.bot_key(s) for s in sorted(done, key=lambda s: s.posted_at or self.flow.end)]

    # -- the loop --------------------------------------------------------------
    async def step(self) -> None:
        """Do whatever is due now: post due steps, then collect new posts."""
        async with self.lock:
            await self._advance()
        await self.collector.collect_if_due()
        for net in self.net_collectors.values():
            await net.collect_if_due()
        await self._finish_collection()

    def seconds_to_next_event(self) -> float:
        """How long the loop may sleep before something is due: a poll, the next step, or
        while posting holds, its end or the moment the next step would be dropped."""
        now = self.deps.clock.now()
        waits = [self.collector.seconds_to_next_poll(now)]
        waits += [net.seconds_to_next_flush() for net in self.net_collectors.values()]
        step = self.flow.next_step()
        if self.flow.status == FlowState.RUNNING and step is not None:
            if not self.hold.active(now):
                waits.append((self.flow.due(step) - now).total_seconds())
            else:
                if (until := self.hold.ends_at()) is not None:
                    waits.append((until - now).total_seconds())
                if step.status == StepStatus.PENDING:
                    waits.append((self.flow.late_at(step) - now).total_seconds())
        return max(0.05, min(waits))

    async def run(self) -> None:
        """Drive the chat until it is finished. Posting and collecting run side by side, so
        a slow search (waiting out X's rate limit, a long backlog) never holds a post back."""
        collecting = asyncio.create_task(self._collect_loop(), name=f"collect-{self.chat.slug}")
        try:
            while not self.finished:
                await self.advance()
                if collecting.done():
                    collecting.result()  # a failed collector stops the chat loudly
                await self.wait()
            await self._finish_collection()
        finally:
            collecting.cancel()
            await asyncio.gather(collecting, return_exceptions=True)
            await self.close()

    async def close(self) -> None:
        """Stop the other networks' posting queues and readers (their state is stored)."""
        for poster in self.posters.values():
            await poster.close()
        for net in self.net_collectors.values():
            await net.close()

    async def _collect_loop(self) -> None:
        clock = self.deps.clock
        while not self.finished:
            await self.collector.collect_if_due()
            for net in self.net_collectors.values():
                await net.collect_if_due()
            await self._finish_collection()
            waits = [self.collector.seconds_to_next_poll(clock.now())]
            waits += [net.seconds_to_next_flush() for net in self.net_collectors.values()]
            await clock.sleep(max(0.05, min(waits)))

    async def wait(self) -> None:
        """Sleep until the next event, or until a moderator command changes the plan."""
        self._wake.clear()
        sleeper = asyncio.ensure_future(self.deps.clock.sleep(self.seconds_to_next_event()))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()

    def wake(self) -> None:
        """Make ``wait`` return now: the plan changed."""
        self._wake.set()

    @property
    def finished(self) -> bool:
        """True once the chat has closed and every post made in its collection window has
        been read."""
        return (
            self.flow.status == FlowState.ENDED
            and self.collector.done
            and all(net.done for net in self.net_collectors.values())
        )

    # -- moderators' commands ----------------------------------------------------
    async def command(self, command: Command) -> ControlResult:
        """Apply a moderator's command to the flow; save it, post what became due at once,
        and wake the loop so the new timing takes effect. ``/chat resume`` also lifts a
        stop of posting (X said the credits ran out): X is tried again at once."""
        async with self.lock:
            if isinstance(command, Resume) and self.hold.lift():
                result = ControlResult(True, "Trying X again now: posting resumes if it works.")
            else:
                result = self.flow.handle(command, self.deps.clock.now(), self.facts)
            if result.ok:
                await self.save()
                await self._advance()
        self.wake()
        return result

    # -- posting ---------------------------------------------------------------
    async def advance(self) -> None:
        """Post every step that is due now (used by moderator commands too)."""
        async with self.lock:
            await self._advance()

    async def _advance(self) -> None:
        now = self.deps.clock.now()
        while True:
            actions = self.flow.tick(now, posting=not self.hold.active(now))
            if not actions:  # nothing changed
                return
            await self.save()
            for notice in (a for a in actions if isinstance(a, Notice)):
                await self.deps.moderators.notify(f"{self.chat.hashtag}: {notice.text}")
            posts = [a for a in actions if isinstance(a, Post)]
            if not posts or not await self._publish(posts[0], now):
                return

    def bot_key(self, step: Step) -> str:
        """The idempotency key of a step's post: 'q3' for the third question posted."""
        return f"q{step.number}" if step.kind == StepKind.QUESTION else step.key

    async def _publish(self, action: Post, now: datetime) -> bool:
        """Publish a step; True when the flow moved on (posted, skipped or refused)."""
        step, deps = action.step, self.deps
        key = self.bot_key(step)
        if not action.late and step.key not in self._queued:
            # The same moment on every network: queued before X is asked (X may be slow).
            self._queued.add(step.key)
            self._to_outlets(step, self._posted_keys())
        if not self.on_x:  # hosted elsewhere only: the flow moves on at once
            self.flow.posted(step.key, post_id=0, at=now)
            await self.save()
            return True
        result = await deps.publisher.publish(
            occurrence_id=self.occurrence_id,
            key=key,
            text=self.texts.for_step(step),
            now=now,
            reply_to=action.reply_to,
            media_path=self.texts.image_for(step),
            send=not action.late,
        )
        if result.outcome not in ("sent", "skipped", "refused"):
            if result.outcome != "retry":  # X made nothing: the step waits, and may turn late
                self.flow.unstart(step.key)
                await self.save()
            await self.hold.refused(result, now)
            return False
        await self.hold.cleared()
        if result.outcome != "sent":  # too late and not on X, or refused for good: dropped
            notice = self.flow.skipped(step.key)
            await self.save()
            if result.outcome == "skipped":
                await deps.moderators.notify(f"{self.chat.hashtag}: {notice.text}")
            else:
                await alert(
                    deps.moderators,
                    f"{self.chat.hashtag}: X refused {key} for good ({result.error}); it is "
                    "dropped and the chat goes on.",
                )
            return True
        if step.key not in self._queued:  # found on X after its moment: the others look too
            self._queued.add(step.key)
            self._to_outlets(step, self._posted_keys())
        self.flow.posted(step.key, post_id=result.post_id or 0, at=now)
        await self.save()
        if step.kind == StepKind.QUESTION and result.post_id:
            self.collector.assigner.add_question_post(result.post_id, step.number)
            url = f"https://x.com/{self.chat.host}/status/{result.post_id}"
            await self.deps.moderators.question_posted(
                occurrence_id=self.occurrence_id, number=step.number, text=result.text, url=url
            )
        return True

    async def save(self) -> None:
        """Persist the flow, so a restart resumes exactly here. Once the chat has ended
        (the closing is out, or it was dropped), its collection window is set: the grace
        period after the closing post, or after the chat's planned end without one."""
        if self.flow.status != FlowState.ENDED:
            await self.deps.store.save_flow(self.occurrence_id, self.flow)
            return
        closing = next(s for s in self.flow.steps if s.kind == StepKind.CLOSING)
        ended = closing.posted_at or self.flow.end
        until = ended + timedelta(minutes=self.chat.grace_minutes)
        await self.deps.store.end_occurrence(
            self.occurrence_id, flow=self.flow, ended_at=ended, collect_until=until
        )
        self.collector.window_end = until
        for net in self.net_collectors.values():
            net.window_end = until
