"""After a chat: refresh metrics once, build the recap, publish it (or wait for approval)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from pathlib import Path

from chatbot.catalog import Catalog
from chatbot.domain.chat import ChatSpec
from chatbot.domain.views import ControlResult
from chatbot.hosting.deps import RunnerDeps
from chatbot.ports import XError
from chatbot.recap import (
    Prices,
    Recap,
    RecapNotApprovedError,
    approve_recap,
    build_recap,
    publish_recap,
    refresh_metrics,
)
from chatbot.recap.load import usage_of
from chatbot.recap.stats import cost_dollars
from chatbot.storage.tables import Occurrence

log = logging.getLogger("chatbot.recaps")
RESUME_WITHIN = timedelta(days=2)  # an older unpublished recap is left for a moderator


class RecapService:
    """Builds and publishes recaps; the host hands it each chat whose window is over."""

    def __init__(
        self, *, catalog: Catalog, deps: RunnerDeps, out_dir: Path, prices: Prices | None = None
    ) -> None:
        self.catalog, self.deps, self.out_dir, self.prices = catalog, deps, out_dir, prices
        self._tasks: set[asyncio.Task[None]] = set()

    # -- which occurrence ----------------------------------------------------------
    def occurrence(self, slug: str, local_date: str | None = None) -> Occurrence | None:
        """The occurrence a recap command means: the given date, or the latest that ran."""
        store = self.deps.store
        if local_date:
            return store.find_occurrence(slug, local_date)
        return store.latest_occurrence(slug, states=("ended", "running", "paused"))

    # -- background work -------------------------------------------------------------
    def start(self, chat: ChatSpec, occurrence_id: int) -> None:
        """Run ``after_chat`` in the background (it waits out the recap delay)."""
        task = asyncio.create_task(self._guarded(chat, occurrence_id), name=f"recap-{chat.slug}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resume_pending(self) -> None:
        """After a restart: finish the recaps of recently ended chats that were not done."""
        now = self.deps.clock.now()
        for chat in self.catalog.chats.values():
            occ = self.deps.store.latest_occurrence(chat.slug, states=("ended",))
            if occ is None or occ.id is None or occ.ended_at is None:
                continue
            if now - occ.ended_at > RESUME_WITHIN:
                continue
            waiting = chat.recap.require_approval and occ.recap_state != "approved"
            if occ.recap_state == "none" or (
                chat.recap.post_to_x and not waiting and occ.recap_state in ("draft", "approved")
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
        try:
            await self.after_chat(chat, occurrence_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("%s: the recap failed", chat.slug)
            await self.deps.moderators.notify(f"{chat.hashtag}: the recap failed: {exc}")

    # -- the recap ---------------------------------------------------------------------
    async def build(self, chat: ChatSpec, occurrence: Occurrence) -> Recap:
        """Write the recap files and return the thread text (nothing is posted)."""
        qset = self.catalog.question_set_of(chat)
        assert occurrence.id is not None
        return await asyncio.to_thread(
            build_recap,
            self.deps.store,
            chat,
            qset,
            occurrence.id,
            out_dir=self.out_dir,
            prices=self.prices,
        )

    async def after_chat(self, chat: ChatSpec, occurrence_id: int) -> None:
        """Wait out the recap delay, then refresh metrics, build, and publish or ask."""
        deps = self.deps
        occurrence = deps.store.get_occurrence(occurrence_id)
        if occurrence is None or occurrence.recap_state == "published":
            return
        if occurrence.ended_at and occurrence.recap_state == "none":
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
        if chat.recap.require_approval and recap.state != "approved":
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
        assert occurrence.id is not None
        if occurrence.state != "ended":
            return ControlResult(False, "The chat is still running; publish after it closes.")
        recap = recap or await self.build(chat, occurrence)
        approve_recap(deps.store, occurrence.id)
        closing = deps.store.bot_post(occurrence.id, "closing")
        try:
            ids = await deps.usage.track(
                occurrence.id,
                publish_recap(
                    deps.store,
                    deps.x,
                    recap,
                    now=deps.clock.now(),
                    reply_to=closing.x_post_id if closing else None,
                    publisher=deps.publisher,
                ),
            )
        except RecapNotApprovedError as exc:
            return ControlResult(False, str(exc))
        except XError as exc:
            await deps.moderators.notify(f"{chat.hashtag} recap could not be posted: {exc}")
            return ControlResult(False, f"X refused the recap: {exc}")
        message = f"{chat.hashtag} recap published: {len(ids)} posts. {self.cost_line(occurrence)}"
        await deps.moderators.notify(message)
        return ControlResult(True, message)

    def cost_line(self, occurrence: Occurrence) -> str:
        """One sentence on what the occurrence cost on X so far."""
        assert occurrence.id is not None
        usage = usage_of(self.deps.store, occurrence.id)
        return (
            f"This chat used {usage.posts_read} post reads and {usage.posts_created} posts on X "
            f"(${cost_dollars(usage, self.prices)})."
        )
