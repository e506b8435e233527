"""Collecting a chat's posts: read each post once, assign it, store it, mirror it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbot.domain.answers import AnswerAssigner, Assignment
from chatbot.domain.chat import ChatSpec
from chatbot.domain.occurrence import Occurrence
from chatbot.domain.posts import XPost
from chatbot.domain.views import MirroredAnswer
from chatbot.hosting.deps import RunnerDeps
from chatbot.ports import XError

log = logging.getLogger("chatbot.collector")
EARLY = timedelta(minutes=15)  # people say hello before the start
MAX_BACKOFF = 8  # times the poll interval, when X keeps refusing


@dataclass(frozen=True)
class Backlog:
    """Posts still to read after a pass stopped early: those between the stored
    ``since_id`` and ``until_id``. ``since_id`` moves to ``newest_id`` once they are in."""

    until_id: int
    newest_id: int


class Collector:
    """Polls recent search for the hashtag with ``since_id``; nothing is read twice.

    It owns the occurrence's ``since_id`` (the store moves that column only, with each
    pass); the runner tells it when the window ends (``window_end``).
    """

    def __init__(
        self,
        *,
        chat: ChatSpec,
        occurrence: Occurrence,
        assigner: AnswerAssigner,
        backlog: Backlog | None,
        deps: RunnerDeps,
    ) -> None:
        self.chat, self.assigner, self.backlog, self.deps = chat, assigner, backlog, deps
        self.occurrence_id = occurrence.id
        self.start = occurrence.scheduled_start
        self.since_id = occurrence.since_id
        self.window_end = occurrence.collect_until  # None until the chat has closed
        self.query = f"{chat.hashtag} -is:retweet"
        self._next_poll: datetime | None = None
        self._backoff = 1
        self._rate: tuple[int | None, datetime | None] = (None, None)

    @classmethod
    async def open(cls, *, chat: ChatSpec, occurrence: Occurrence, deps: RunnerDeps) -> Collector:
        """A collector for ``occurrence``, knowing what earlier processes stored."""
        store = deps.store
        questions = {
            p.x_post_id: int(p.key[1:])
            for p in await store.bot_posts(occurrence.id)
            if p.key.startswith("q") and p.key[1:].isdigit() and p.x_post_id
        }
        assigner = AnswerAssigner(
            question_posts=questions,
            host_user_id=deps.host_user.id,
            hidden=await store.hidden_usernames(chat.slug),
            known=await store.answers(occurrence.id),  # moderators' corrections included
        )
        # Stored posts newer than since_id: an earlier process stopped part-way through a pass.
        left = await store.collected_above(occurrence.id, occurrence.since_id)
        backlog = Backlog(until_id=left[0], newest_id=left[1]) if left else None
        return cls(chat=chat, occurrence=occurrence, assigner=assigner, backlog=backlog, deps=deps)

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

    def collecting(self, now: datetime) -> bool:
        """True from the chat's start until its grace period ends and nothing is left unread."""
        until = self.window_end
        return until is None or now < until or self.backlog is not None

    async def collect_if_due(self) -> list[XPost]:
        """Search when the poll interval has passed; return the new posts."""
        now = self.deps.clock.now()
        if self._next_poll is not None and now < self._next_poll:
            return []
        if not self.collecting(now):
            return []
        try:
            new, error = await self.collect()  # an error part-way: what was read is kept
        except XError as exc:
            new, error = [], str(exc)
        if error:
            self._backoff = min(MAX_BACKOFF, self._backoff * 2)
            log.warning(
                "%s: collection failed, polling %dx slower: %s",
                self.chat.slug,
                self._backoff,
                error,
            )
        else:
            self._backoff = 1
        now = self.deps.clock.now()
        self._next_poll = now + self.interval(now)
        return new

    def interval(self, now: datetime) -> timedelta:
        """The wait before the next search: the poll interval, longer after failures, and
        stretched so the searches left in X's rate-limit window last until it resets."""
        interval = timedelta(seconds=self.deps.poll_seconds * self._backoff)
        remaining, reset = self._rate
        if remaining is None or reset is None or reset <= now:
            return interval
        left = reset - now
        spread = left if remaining <= 0 else left / (remaining + 1)
        if spread > interval:
            log.info(
                "%s: %s searches left until %s; polling every %.0f s",
                self.chat.slug,
                remaining,
                reset.isoformat(timespec="seconds"),
                spread.total_seconds(),
            )
            return spread
        return interval

    async def collect(self) -> tuple[list[XPost], str]:
        """One collection pass: read new posts, assign, store with since_id, mirror.
        Returns the new posts, and X's error when the pass failed part-way.

        A pass that stops early (X failed part-way, or too many pages) keeps what it
        read and leaves ``since_id`` where it was; the next pass reads on below its
        oldest post (the backlog) before ``since_id`` moves up to the newest post.
        """
        deps, occurrence_id = self.deps, self.occurrence_id
        since_id, backlog = self.since_id, self.backlog
        start_time = None if since_id else self.start - EARLY
        batch = await deps.usage.track(
            occurrence_id,
            deps.x.search_recent(
                self.query,
                since_id=since_id,
                start_time=start_time,
                until_id=backlog.until_id if backlog else None,
            ),
        )
        top = backlog.newest_id if backlog else batch.newest_id
        if batch.resume_below is not None and top is not None:
            self.backlog = Backlog(until_id=batch.resume_below, newest_id=top)
            claimed = None
            log.warning(
                "%s: %d posts read; older ones are still to read (below %d)",
                self.chat.slug,
                len(batch.posts),
                batch.resume_below,
            )
        else:
            self.backlog, claimed = None, top
        posts = [
            p
            for p in await deps.store.unseen(batch.posts)
            if p.author.username.lower() not in self.assigner.hidden
        ]
        assignments = self.assigner.assign(posts)
        new = await deps.store.record_collection(
            occurrence_id=occurrence_id,
            posts=posts,
            answers=assignments,
            since_id=claimed,
            now=deps.clock.now(),
            host_user_id=deps.host_user.id,
        )
        self._rate = (batch.rate_remaining, batch.rate_reset)
        if claimed and (self.since_id is None or claimed > self.since_id):
            self.since_id = claimed
        if assignments:
            await self._mirror(new, assignments)
        return new, batch.error

    async def _mirror(self, posts: list[XPost], assignments: list[Assignment]) -> None:
        by_id = {p.id: p for p in posts}
        mirrored = []
        for a in assignments:
            post = by_id.get(a.post_id)
            if post is None:
                continue
            mirrored.append(
                MirroredAnswer(
                    post_id=post.id,
                    question_number=a.question_number or None,
                    author_username=post.author.username,
                    author_name=post.author.name,
                    text=post.text,
                    url=f"https://x.com/{post.author.username}/status/{post.id}",
                    parent_post_id=a.parent_post_id,
                )
            )
        await self.deps.moderators.mirror_answers(
            occurrence_id=self.occurrence_id, answers=mirrored
        )
