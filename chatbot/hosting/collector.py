"""Collecting a chat's posts: every post made in its window read once, stored as it is read.

The window runs from a little before the start (people say hello) to the end of the
grace period after the closing post (``window_end``). X's search shows a post some
seconds after it was made, and not in id order, so a pass reads only posts made before
a horizon ``SETTLE`` behind now: every one of them is searchable already, and
``since_id`` moves to the newest post read without skipping a late one, reading no post
twice. The window's end caps the horizon, and collection is over once a complete pass has
read up to it, however long after the end that takes (X's rate limit, an outage): posts
made after the end are no part of the chat.

A pass reads page by page (the host's X client answers one page per call) and stores each
page as it comes, so a pass killed part-way reads at most one page again; when the pass is
complete its answers are decided together, oldest first (a reply inherits its parent's
question even when they came on different pages), and stored with the new ``since_id``.
Posts stored above ``since_id`` are a pass that stopped part-way: the next pass reads on
below them (``until_id``) and decides their answers with its own.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbot.domain.answers import AnswerAssigner, Assignment
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network
from chatbot.domain.occurrence import Occurrence
from chatbot.domain.posts import SearchBatch, XPost
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.mirror import mirrored
from chatbot.hosting.notices import alert
from chatbot.ports import XError

log = logging.getLogger("chatbot.collector")
EARLY = timedelta(minutes=15)  # people say hello before the start
# X shows a post in search within this of its making (X's own search ends 30 s ago by default).
SETTLE = timedelta(seconds=30)
MAX_BACKOFF = 8  # times the poll interval, when X keeps refusing
MAX_PAGES = 100  # pages in one pass; the next pass reads on below them
GIVE_UP = timedelta(hours=6)  # after the window's end, if X still refuses every search
ENDS_WINDOW = ("last_call", "closing")  # the bot's posts after which no question is live
ASSIGN_SLICE = 500  # posts assigned between two turns of the event loop (~20 ms)


@dataclass(frozen=True)
class Backlog:
    """Posts still to read after a pass stopped part-way: those between the stored
    ``since_id`` and ``until_id``. ``since_id`` moves to ``newest_id`` once they are in."""

    until_id: int
    newest_id: int


class Collector:
    """Reads the chat's window with ``since_id`` and a settled horizon; nothing read twice.

    It owns the occurrence's ``since_id`` (the store moves that column only, with the end
    of each pass); the runner tells it when the window ends (``window_end``).
    """

    def __init__(
        self,
        *,
        chat: ChatSpec,
        occurrence: Occurrence,
        assigner: AnswerAssigner,
        unfinished: list[XPost],
        deps: RunnerDeps,
    ) -> None:
        self.chat, self.assigner, self.deps = chat, assigner, deps
        self.occurrence_id = occurrence.id
        self.start = occurrence.scheduled_start
        self.since_id = occurrence.since_id
        self.window_end = occurrence.collect_until  # None until the chat has closed
        self.done = occurrence.collected_at is not None
        self.query = f"{chat.hashtag} -is:retweet"
        self.pass_posts = unfinished  # read in the pass under way, answers not decided yet
        self.backlog = (
            Backlog(until_id=unfinished[0].id, newest_id=unfinished[-1].id) if unfinished else None
        )
        self.read_to: datetime | None = None  # every post made before this is read
        self._pass_to: datetime | None = None  # the horizon of the pass under way, if known
        self._next_poll: datetime | None = None
        self._backoff = 1
        self._rate: tuple[int | None, datetime | None] = (None, None)
        # False when other networks are read too: the runner records the end once all are.
        self.records_finish = True

    @classmethod
    async def open(cls, *, chat: ChatSpec, occurrence: Occurrence, deps: RunnerDeps) -> Collector:
        """A collector for ``occurrence``, knowing what earlier processes stored."""
        store = deps.store
        posts = await store.bot_posts(occurrence.id)
        questions = {
            p.x_post_id: int(p.key[1:])
            for p in posts
            if p.key.startswith("q") and p.key[1:].isdigit() and p.x_post_id
        }
        assigner = AnswerAssigner(
            question_posts=questions,
            host_user_id=deps.host_user.id,
            hidden=await store.hidden_usernames(chat.slug),
            known=await store.answers(occurrence.id),  # moderators' corrections included
            window_ends=[p.x_post_id for p in posts if p.key in ENDS_WINDOW and p.x_post_id],
        )
        unfinished = await store.posts_above(occurrence.id, occurrence.since_id)
        return cls(
            chat=chat, occurrence=occurrence, assigner=assigner, unfinished=unfinished, deps=deps
        )

    def seconds_to_next_poll(self, now: datetime) -> float:
        """Seconds until the next search is due."""
        if self._next_poll is None:
            return 0.0
        return (self._next_poll - now).total_seconds()

    def hide(self, username: str) -> None:
        """Leave a hidden user's posts out from the next pass on."""
        self.assigner.hide(username)

    def show(self, username: str) -> None:
        """Collect a user's posts again from the next pass on."""
        self.assigner.hidden.discard(username.lower())

    def horizon(self, now: datetime) -> datetime:
        """Posts made before this are all searchable at ``now``; the window's end caps it."""
        settled = now - SETTLE
        return settled if self.window_end is None else min(settled, self.window_end)

    async def collect_if_due(self) -> list[XPost]:
        """Search when the poll interval has passed; return the new posts."""
        now = self.deps.clock.now()
        if self.done or (self._next_poll is not None and now < self._next_poll):
            return []
        if Network.X not in self.chat.networks:  # hosted elsewhere only: nothing to read on X
            if self.window_end is not None and now >= self.window_end:
                await self._finish(now, "")
            self._next_poll = now + timedelta(seconds=self.deps.poll_seconds)
            return []
        new, error = await self.collect(self.horizon(now))
        now = self.deps.clock.now()
        if error:
            self._backoff = min(MAX_BACKOFF, self._backoff * 2)
            slug, backoff = self.chat.slug, self._backoff
            log.warning("%s: collection failed, polling %dx slower: %s", slug, backoff, error)
        else:
            self._backoff = 1
        if self.window_end is not None and self.read_to and self.read_to >= self.window_end:
            await self._finish(now, "")
            return new
        if error and self.window_end is not None and now - self.window_end > GIVE_UP:
            await self._finish(now, error)
            return new
        self._next_poll = now + self._wait(now, catching_up=self.backlog is not None and not error)
        return new

    def _wait(self, now: datetime, *, catching_up: bool) -> timedelta:
        """The wait before the next search: the poll interval (none while a pass is left
        unfinished), longer after failures, stretched so the searches left in X's
        rate-limit window last until it resets, and no later than the final read."""
        wait = timedelta(0) if catching_up else timedelta(seconds=self.deps.poll_seconds)
        wait *= self._backoff
        remaining, reset = self._rate
        if remaining is not None and reset is not None and reset > now:
            left = reset - now
            spread = left if remaining <= 0 else left / (remaining + 1)
            if spread > wait:
                log.info(
                    "%s: %s searches left until %s; next search in %.0f s",
                    self.chat.slug,
                    remaining,
                    reset.isoformat(timespec="seconds"),
                    spread.total_seconds(),
                )
                wait = spread
        if self.window_end is not None and (remaining is None or remaining > 0):
            final = self.window_end + SETTLE - now  # the read that closes the window
            if timedelta(0) < final < wait:
                wait = final
        return wait

    async def collect(self, horizon: datetime | None = None) -> tuple[list[XPost], str]:
        """One collection pass up to ``horizon`` (now less SETTLE by default), page by page;
        return the new posts, and X's error when the pass stopped on one.

        A pass that stops part-way (X failing, the page cap, X's rate limit spent) keeps
        what it read and leaves ``since_id`` where it was; the next pass reads on below.
        """
        horizon = horizon or self.horizon(self.deps.clock.now())
        if self.backlog is None:
            self._pass_to = horizon
        new: list[XPost] = []
        for _ in range(MAX_PAGES):
            try:
                batch = await self._read_page(horizon)
            except XError as exc:
                return new, str(exc)
            new += await self._store_page(batch)
            self._rate = (batch.rate_remaining, batch.rate_reset)
            if batch.error or self.backlog is None:
                return new, batch.error
            if batch.rate_remaining is not None and batch.rate_remaining <= 0:
                break  # X's window is spent: read on after its reset, without a 429
        log.info(
            "%s: %d posts read this pass; older ones are still to read (below %d)",
            self.chat.slug,
            len(self.pass_posts),
            self.backlog.until_id if self.backlog else 0,
        )
        return new, ""

    async def _read_page(self, horizon: datetime) -> SearchBatch:
        since_id, backlog = self.since_id, self.backlog
        return await self.deps.usage.track(
            self.occurrence_id,
            self.deps.x.search_recent(
                self.query,
                since_id=since_id,
                start_time=None if since_id else self.start - EARLY,
                end_time=horizon,
                until_id=backlog.until_id if backlog else None,
            ),
        )

    async def _store_page(self, batch: SearchBatch) -> list[XPost]:
        """Store a page's new posts; at the end of the pass, its answers and since_id."""
        deps = self.deps
        top = self.backlog.newest_id if self.backlog else batch.newest_id
        ended = batch.resume_below is None or top is None
        if not ended:
            assert batch.resume_below is not None and top is not None  # for mypy
            self.backlog = Backlog(until_id=batch.resume_below, newest_id=top)
        hidden = self.assigner.hidden
        unseen = await deps.store.unseen(batch.posts)
        posts = [p for p in unseen if p.author.username.lower() not in hidden]
        self.pass_posts += posts
        assignments = await self._assign(self.pass_posts) if ended else []
        new = await deps.store.record_collection(
            occurrence_id=self.occurrence_id,
            posts=posts,
            answers=assignments,
            since_id=top if ended else None,
            now=deps.clock.now(),
            host_user_id=deps.host_user.id,
        )
        if ended:
            read, self.pass_posts, self.backlog = self.pass_posts, [], None
            self.read_to, self._pass_to = self._pass_to, None
            if top is not None and (self.since_id is None or top > self.since_id):
                self.since_id = top
            if assignments:
                await self._mirror(read, assignments)
        return new

    async def _assign(self, posts: list[XPost]) -> list[Assignment]:
        """The pass's answers, oldest post first, ``ASSIGN_SLICE`` posts at a time with the
        event loop let go between slices: a pass after a long wait for X holds thousands
        of posts, and deciding them at once would stall every chat for a second."""
        ordered = sorted(posts, key=lambda p: p.id)
        found: list[Assignment] = []
        for start in range(0, len(ordered), ASSIGN_SLICE):
            if start:
                await asyncio.sleep(0)
            found += self.assigner.assign(ordered[start : start + ASSIGN_SLICE])
        return found

    async def _finish(self, now: datetime, error: str) -> None:
        """The window is read to its end (or X refused for GIVE_UP after it): say so."""
        if self.records_finish:
            await self.deps.store.finish_collection(self.occurrence_id, at=now)
        self.done = True  # only now: the runner, done, stops this task, and the recap begins
        if error:
            await alert(
                self.deps.moderators,
                f"{self.chat.hashtag}: X refused every search for {GIVE_UP} after the chat's "
                f"collection window; collection stopped, and the recap uses what was read: "
                f"{error}",
            )
        else:
            log.info("%s: every post made before %s is read", self.chat.slug, self.window_end)

    async def _mirror(self, posts: list[XPost], assignments: list[Assignment]) -> None:
        await self.deps.moderators.mirror_answers(
            occurrence_id=self.occurrence_id, answers=mirrored(posts, assignments)
        )
