"""Collecting a chat's posts: read each post once, assign it, store it, mirror it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbot.domain.answers import AnswerAssigner, Assignment
from chatbot.domain.chat import ChatSpec
from chatbot.domain.posts import XPost
from chatbot.domain.views import MirroredAnswer
from chatbot.hosting.deps import RunnerDeps
from chatbot.ports import XError
from chatbot.storage.tables import Answer, Occurrence

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
    """Polls recent search for the hashtag with ``since_id``; nothing is read twice."""

    def __init__(
        self, *, chat: ChatSpec, occurrence: Occurrence, assigner: AnswerAssigner, deps: RunnerDeps
    ) -> None:
        self.chat, self.occurrence, self.assigner, self.deps = chat, occurrence, assigner, deps
        self.query = f"{chat.hashtag} -is:retweet"
        self._next_poll: datetime | None = None
        self._backoff = 1
        self._rate: tuple[int | None, datetime | None] = (None, None)
        assert occurrence.id is not None
        # Stored posts newer than since_id: an earlier process stopped part-way through a pass.
        left = deps.store.collected_above(occurrence.id, occurrence.since_id)
        self.backlog = Backlog(until_id=left[0], newest_id=left[1]) if left else None

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
        until = self.occurrence.collect_until
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
        deps, occ = self.deps, self.occurrence
        assert occ.id is not None
        since_id, backlog = occ.since_id, self.backlog
        start_time = None if since_id else occ.scheduled_start - EARLY
        batch = await deps.usage.track(
            occ.id,
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
            for p in deps.store.unseen(batch.posts)
            if p.author.username.lower() not in self.assigner.hidden
        ]
        assignments = self.assigner.assign(posts)
        rows = [
            Answer(
                occurrence_id=occ.id,
                post_id=a.post_id,
                question_number=a.question_number,
                label=a.label,
                method=a.method,
                parent_post_id=a.parent_post_id,
            )
            for a in assignments
        ]
        new = deps.store.record_collection(
            occurrence_id=occ.id,
            posts=posts,
            answers=rows,
            since_id=claimed,
            now=deps.clock.now(),
            host_user_id=deps.host_user.id,
        )
        self._rate = (batch.rate_remaining, batch.rate_reset)
        # The runner may have swapped in a fresh occurrence row while we searched.
        current = self.occurrence
        if claimed and (current.since_id is None or claimed > current.since_id):
            current.since_id = claimed
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
        assert self.occurrence.id is not None
        await self.deps.moderators.mirror_answers(
            occurrence_id=self.occurrence.id, answers=mirrored
        )
