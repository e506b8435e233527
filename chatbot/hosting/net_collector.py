"""Collecting a chat's posts on a network other than X (Bluesky, Mastodon).

Reading there is free and live: the outlet streams every new post as it is made, and
beside the stream reads what was missed before it began (a search or the tag timeline:
after a restart, or after the stream failed). The window is read to its end only once
that catch-up is done, however late (an hour after the end at most). Posts
gather in a buffer and are stored every ``flush_seconds`` through the same path as X's:
converted to stored ids (``as_stored``), the unseen ones assigned to their question and
stored with their answers in one transaction, then mirrored to Discord.

The chat's window is by each post's ``created_at`` (these networks have no ``since_id``
worth keeping): from a little before the start to the end of the grace period after the
closing. Which question is live when a post is made is decided by time too
(``TimedWindows``): stored ids are hashes, not snowflakes.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from chatbot.domain.answers import AnswerAssigner, Assignment
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Author, NetPost, as_stored, stored_id
from chatbot.domain.occurrence import Occurrence, PostState
from chatbot.domain.posts import XPost
from chatbot.domain.windows import QuestionWindows
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.mirror import mirrored
from chatbot.hosting.notices import alert
from chatbot.ports import Outlet

log = logging.getLogger("chatbot.collector")
EARLY = timedelta(minutes=15)  # as on X: people say hello before the start
SETTLE = timedelta(seconds=10)  # a post made just before the window's end reaches us by then
RESTART_WAIT = 5.0  # seconds before reading again after the outlet's stream failed
GIVE_UP = timedelta(hours=1)  # after the window's end, if the network still cannot be read
ENDS_WINDOW = ("last_call", "closing")


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


class TimedWindows(QuestionWindows):
    """QuestionWindows keyed by when each post was made instead of by its id."""

    def __init__(self) -> None:
        super().__init__({})
        self.times: dict[int, datetime] = {}

    def _at(self, post_id: int) -> int:
        moment = self.times.get(post_id)
        return _micros(moment) if moment is not None else 0

    def open(self, post_id: int, number: int) -> None:
        super().open(self._at(post_id), number)

    def close(self, post_id: int) -> None:
        super().close(self._at(post_id))

    def live(self, post_id: int) -> int | None:
        return super().live(self._at(post_id))

    def asked_before(self, number: int, post_id: int) -> bool:
        return super().asked_before(number, self._at(post_id))


class NetCollector:
    """Reads one network's posts of an occurrence's window, stores each once."""

    def __init__(
        self,
        *,
        chat: ChatSpec,
        occurrence: Occurrence,
        outlet: Outlet,
        host: Author,
        assigner: AnswerAssigner,
        windows: TimedWindows,
        deps: RunnerDeps,
        flush_seconds: float = 2.0,
    ) -> None:
        self.chat, self.outlet, self.deps = chat, outlet, deps
        self.network = outlet.network
        self.occurrence_id = occurrence.id
        self.start = occurrence.scheduled_start
        self.window_end = occurrence.collect_until
        self.done = occurrence.collected_at is not None
        self.host_id = stored_id(self.network, host.id)
        self.assigner, self.windows = assigner, windows
        self.flush_seconds = flush_seconds
        self.buffer: list[NetPost] = []
        self._reader: asyncio.Task[None] | None = None
        self.caught_up = False  # every post made before the live stream began is read
        self.collected = 0  # posts stored by this process

    @classmethod
    async def open(
        cls,
        *,
        chat: ChatSpec,
        occurrence: Occurrence,
        outlet: Outlet,
        host: Author,
        deps: RunnerDeps,
    ) -> NetCollector:
        """A collector knowing the questions and answers earlier processes stored."""
        store = deps.store
        windows = TimedWindows()
        assigner = AnswerAssigner(
            question_posts={},
            host_user_id=stored_id(outlet.network, host.id),
            hidden=await store.hidden_usernames(chat.slug),
            known=await store.answers(occurrence.id),
        )
        assigner.windows = windows
        collector = cls(
            chat=chat,
            occurrence=occurrence,
            outlet=outlet,
            host=host,
            assigner=assigner,
            windows=windows,
            deps=deps,
        )
        for post in await store.bot_posts(occurrence.id, outlet.network):
            if post.state != PostState.SENT or not post.x_post_id:
                continue
            at = post.sent_at or post.intended_at
            if post.key.startswith("q") and post.key[1:].isdigit():
                collector.add_question_post(post.x_post_id, int(post.key[1:]), at)
            elif post.key in ENDS_WINDOW:
                windows.times[post.x_post_id] = at
                windows.close(post.x_post_id)
        return collector

    def add_question_post(self, post_id: int, number: int, at: datetime) -> None:
        """A question went out on this network (or was found made): its window opens."""
        self.windows.times[post_id] = at
        self.assigner.add_question_post(post_id, number)

    def end_window(self, post_id: int | None, at: datetime) -> None:
        """The last call or closing went out here: no question is live after ``at``."""
        if post_id is not None:
            self.windows.times[post_id] = at
            self.windows.close(post_id)

    def hide(self, username: str) -> None:
        """Leave a hidden user's posts out from now on."""
        self.assigner.hide(username)

    def show(self, username: str) -> None:
        """Collect a user's posts again."""
        self.assigner.hidden.discard(username.lower())

    # -- reading ----------------------------------------------------------------------
    def ensure_reading(self) -> None:
        """Start reading the network in the background, once."""
        if self.done or (self._reader is not None and not self._reader.done()):
            return
        self._reader = asyncio.create_task(
            self._read(), name=f"collect-{self.network}-{self.chat.slug}"
        )

    async def _read(self) -> None:
        """The live stream, and beside it what was missed before it began (again after the
        stream failed): ``caught_up`` once everything before the stream is read."""
        since = self.start - EARLY
        while not self.done:
            stream = asyncio.create_task(self._stream(since))
            try:
                self.buffer += await self.outlet.missed(self.chat.hashtag, since=since)
                self.caught_up = True
                await stream  # until it fails
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "%s: reading %s failed, again in %.0f s: %s",
                    self.chat.slug,
                    self.network,
                    RESTART_WAIT,
                    exc,
                )
            finally:
                stream.cancel()
                await asyncio.gather(stream, return_exceptions=True)
            self.caught_up = False
            await self.deps.clock.sleep(RESTART_WAIT)

    async def _stream(self, since: datetime) -> None:
        async for post in self.outlet.live(self.chat.hashtag, since=since):
            self.buffer.append(post)

    async def close(self) -> None:
        """Stop reading (what was stored stays; a restart reads the window again)."""
        if self._reader is not None:
            self._reader.cancel()
            await self.outlet.stop()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None

    def seconds_to_next_flush(self) -> float:
        """How long the loop may wait before storing what was read."""
        return self.flush_seconds

    def in_window(self, post: NetPost) -> bool:
        """True when ``post`` was made within the chat's collection window."""
        if post.created_at < self.start - EARLY:
            return False
        return self.window_end is None or post.created_at <= self.window_end

    async def collect_if_due(self) -> list[XPost]:
        """Store what was read; finish once the window's end has settled."""
        if self.done:
            return []
        self.ensure_reading()
        now = self.deps.clock.now()
        new = await self.flush()
        if self.window_end is None or now < self.window_end + SETTLE:
            return new
        if self.caught_up:
            log.info("%s: every %s post of the window is read", self.chat.slug, self.network)
        elif now > self.window_end + GIVE_UP:
            await alert(
                self.deps.moderators,
                f"{self.chat.hashtag}: {self.network} could not be read for {GIVE_UP} after "
                "the chat's collection window; the recap uses what was read there.",
            )
        else:
            return new  # what was missed is still being read
        new += await self.flush()
        self.done = True
        await self.close()
        return new

    async def flush(self) -> list[XPost]:
        """Store the posts read since the last flush, with their answers."""
        read, self.buffer = self.buffer, []
        if not read:
            return []
        deps = self.deps
        kept = {post.ref.id: post for post in read if self.in_window(post)}
        posts = [as_stored(post) for post in kept.values()]
        unseen = await deps.store.unseen(posts)
        hidden = self.assigner.hidden
        unseen = [p for p in unseen if p.author.username.lower() not in hidden]
        if not unseen:
            return []
        unseen.sort(key=lambda p: (p.created_at, p.native_id))
        assignments: list[Assignment] = []
        for post in unseen:  # one at a time, oldest first: a reply after its parent
            self.windows.times[post.id] = post.created_at
            assignments += self.assigner.assign([post])
        new = await deps.store.record_collection(
            occurrence_id=self.occurrence_id,
            posts=unseen,
            answers=assignments,
            since_id=None,
            now=deps.clock.now(),
            host_user_id=self.host_id,
        )
        self.collected += len(new)
        if assignments:
            await deps.moderators.mirror_answers(
                occurrence_id=self.occurrence_id, answers=mirrored(unseen, assignments)
            )
        return new
