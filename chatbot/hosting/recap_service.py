"""After a chat: refresh metrics once, build the recap, publish it (or wait for approval)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from pathlib import Path

from chatbot.catalog import Catalog
from chatbot.domain.chat import ChatSpec
from chatbot.domain.cost import Prices, cost_dollars
from chatbot.domain.network import Network
from chatbot.domain.occurrence import HELD_STATES, Occurrence, OccurrenceState, RecapState
from chatbot.domain.views import ControlResult
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.recap_publishing import (
    RecapNotApprovedError,
    approve_recap,
    publish_recap,
    publish_recap_elsewhere,
    refresh_metrics,
)
from chatbot.hosting.retrying import keep_trying
from chatbot.ports import ChatStore, XError
from chatbot.recap import Recap, build_recap
from chatbot.recap.build import RecapStore

log = logging.getLogger("chatbot.recaps")
RESUME_WITHIN = timedelta(days=2)  # an older unpublished recap is left for a moderator


class RecapService:
    """Builds and publishes recaps; the host hands it each chat whose window is over."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        deps: RunnerDeps,
        records: RecapStore,
        out_dir: Path,
        prices: Prices | None = None,
    ) -> None:
        self.catalog, self.deps, self.records = catalog, deps, records
        self.out_dir, self.prices = out_dir, prices
        self._tasks: set[asyncio.Task[None]] = set()

    # -- which occurrence ----------------------------------------------------------
    async def occurrence(self, slug: str) -> Occurrence | None:
        """The occurrence a recap command means: the latest that ran."""
        return await self.deps.store.latest_occurrence(slug, states=HELD_STATES)

    # -- background work -------------------------------------------------------------
    def start(self, chat: ChatSpec, occurrence_id: int) -> None:
        """Run ``after_chat`` in the background (it waits out the recap delay)."""
        task = asyncio.create_task(self._guarded(chat, occurrence_id), name=f"recap-{chat.slug}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def resume_pending(self) -> None:
        """After a restart: finish the recaps of recently ended chats that were not done.

        A chat still collecting (its window open, or closed while the bot was away) is
        left to its runner, which starts the recap once the window is read to its end.
        """
        now = self.deps.clock.now()
        for chat in self.catalog.chats.values():
            occ = await self.deps.store.latest_occurrence(
                chat.slug, states=(OccurrenceState.ENDED,)
            )
            if occ is None or occ.ended_at is None or now - occ.ended_at > RESUME_WITHIN:
                continue
            if occ.collected_at is None:
                continue
            waiting = chat.recap.require_approval and occ.recap_state != RecapState.APPROVED
            if occ.recap_state == RecapState.NONE or (
                chat.recap.post_to_x
                and not waiting
                and occ.recap_state in (RecapState.DRAFT, RecapState.APPROVED)
            ):
                log.info("%s: finishing the recap of %s", chat.slug, occ.local_date)
                self.start(chat, occ.id)

    async def wait_idle(self) -> None:
        """Wait until every recap in progress is done (the demo, tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Cancel recaps in progress (their state is in the database)."""
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _guarded(self, chat: ChatSpec, occurrence_id: int) -> None:
        """The recap, tried again after a failure (it goes on where it stopped)."""
        await keep_trying(
            lambda _failures: self.after_chat(chat, occurrence_id),
            what=f"{chat.hashtag}: the recap",
            clock=self.deps.clock,
            moderators=self.deps.moderators,
        )

    # -- the recap ---------------------------------------------------------------------
    async def build(self, chat: ChatSpec, occurrence: Occurrence) -> Recap:
        """Write the recap files and return the thread text (nothing is posted)."""
        qset = self.catalog.question_set_of(chat)
        return await asyncio.to_thread(
            build_recap,
            self.records,
            chat,
            qset,
            occurrence.id,
            out_dir=self.out_dir,
            prices=self.prices,
        )

    async def after_chat(self, chat: ChatSpec, occurrence_id: int) -> None:
        """Wait out the recap delay, then refresh metrics, build, and publish or ask."""
        deps = self.deps
        occurrence = await deps.store.get_occurrence(occurrence_id)
        if occurrence is None or occurrence.recap_state == RecapState.PUBLISHED:
            return
        if occurrence.ended_at and occurrence.recap_state == RecapState.NONE:
            due = occurrence.ended_at + timedelta(minutes=chat.recap.delay_minutes)
            await deps.clock.sleep((due - deps.clock.now()).total_seconds())
            try:
                await deps.usage.track(
                    occurrence_id, refresh_metrics(deps.store, deps.x, occurrence_id)
                )
            except XError as exc:
                log.warning(
                    "%s: metrics not refreshed; the recap uses the collected ones: %s",
                    chat.slug,
                    exc,
                )
        recap = await self.build(chat, occurrence)
        where = recap.files.directory
        if not chat.recap.post_to_x:
            await deps.moderators.notify(
                f"{chat.hashtag} recap is ready (not posted to X, as the schedule says): {where}"
            )
            return
        if chat.recap.require_approval and recap.state != RecapState.APPROVED:
            await deps.moderators.notify(
                f"{chat.hashtag} recap is ready for approval: `/recap preview {chat.slug}`, "
                f"then `/recap publish {chat.slug}`. Files: {where}"
            )
            return
        await self.publish(chat, occurrence, recap)

    async def publish(
        self, chat: ChatSpec, occurrence: Occurrence, recap: Recap | None = None
    ) -> ControlResult:
        """Approve and post the recap thread under the closing post."""
        deps = self.deps
        if occurrence.state != OccurrenceState.ENDED:
            return ControlResult(False, "The chat is still running; publish after it closes.")
        if occurrence.collected_at is None:
            return ControlResult(
                False, "Late answers are still being collected; publish once that is done."
            )
        recap = recap or await self.build(chat, occurrence)
        await approve_recap(deps.store, occurrence.id)
        closing = await deps.store.bot_post(occurrence.id, "closing")
        try:
            ids: list[int] = []
            if Network.X not in chat.networks:
                await _check_approved(deps.store, recap, occurrence.id)
            else:
                ids = await deps.usage.track(
                    occurrence.id,
                    publish_recap(
                        deps.store,
                        deps.publisher,
                        recap,
                        now=deps.clock.now(),
                        reply_to=closing.x_post_id if closing else None,
                    ),
                )
        except RecapNotApprovedError as exc:
            return ControlResult(False, str(exc))
        except XError as exc:
            await deps.moderators.notify(f"{chat.hashtag} recap could not be posted: {exc}")
            return ControlResult(False, f"X refused the recap: {exc}")
        elsewhere = await publish_recap_elsewhere(
            store=deps.store,
            outlets=deps.outlets,
            networks=chat.networks,
            recap=recap,
            clock=deps.clock,
            moderators=deps.moderators,
            hashtag=chat.hashtag,
        )
        await deps.store.set_recap_state(occurrence.id, RecapState.PUBLISHED)
        cost = await self.cost_line(occurrence.id)
        on = "".join(f", {n} posts on {network}" for network, n in elsewhere.items())
        message = f"{chat.hashtag} recap published: {len(ids)} posts{on}. {cost}"
        await deps.moderators.notify(message)
        return ControlResult(True, message)

    async def cost_line(self, occurrence_id: int) -> str:
        """One sentence on what the occurrence cost on X so far."""
        usage = await self.deps.store.usage(occurrence_id)
        return (
            f"This chat used {usage.posts_read} post reads and {usage.posts_created} posts on X "
            f"(${cost_dollars(usage, self.prices)})."
        )


async def _check_approved(store: ChatStore, recap: Recap, occurrence_id: int) -> None:
    """RecapNotApprovedError unless the recap may be posted (as ``publish_recap`` checks)."""
    occ = await store.get_occurrence(occurrence_id)
    done = (RecapState.APPROVED, RecapState.PUBLISHED)
    if recap.require_approval and (occ is None or occ.recap_state not in done):
        raise RecapNotApprovedError(f"recap of occurrence {occurrence_id} is not approved")
