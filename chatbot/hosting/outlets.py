"""Posting a chat's steps on the networks other than X (Bluesky, Mastodon), exactly once.

The flow is one: when it posts a step on X, the same step goes out on every other
network the chat names, at the same moment, each network's posts threaded under that
network's own earlier post. Each network has its own queue, worked in order in the
background, so a network that is down delays nothing on X or on the others: its post
is tried again (15 s, 30 s, 1 min… at most 5 min apart; a rate limit until its reset)
and sent when the network is back if the step's moment has not passed by the flow's
rule (``Flow.late_at``, as on X); otherwise it is dropped. Every such decision is
logged and told to the moderators.

Exactly once, as on X: each post is recorded as intended (per occurrence, network and
key) before it is sent. On Bluesky the intent holds the post's URI, its record key
chosen before sending, so a retry (after a crash too) finds the post instead of making
another; on Mastodon the Idempotency-Key is derived from the stored intent, so a retry
within Mastodon's hour returns the first status.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbot.domain.network import Network, PostRef, stored_id
from chatbot.domain.occurrence import BotPost, PostState
from chatbot.hosting.notices import alert
from chatbot.ports import (
    ChatStore,
    Clock,
    ModeratorChannel,
    NetAuthError,
    NetError,
    NetRateLimitedError,
    NetRefusedError,
    Outlet,
)

log = logging.getLogger("chatbot.outlets")
RETRY_FIRST = timedelta(seconds=15)
RETRY_MAX = timedelta(minutes=5)
AUTH_RETRY = timedelta(seconds=30)
NAMES = {Network.X: "X", Network.BLUESKY: "Bluesky", Network.MASTODON: "Mastodon"}
QuestionHook = Callable[[int, int, datetime], None]  # (stored id, question number, sent at)
EndHook = Callable[[int | None, datetime], None]  # (stored id, sent at) of a last call, closing
ENDS_WINDOW = ("last_call", "closing")


@dataclass(frozen=True)
class OutletPost:
    """One of the bot's posts for one network: ``parents`` are the keys it may reply to,
    nearest first (the first one made on this network is its parent; none: a new
    thread); past ``late_at`` it is dropped instead of sent (None: never late)."""

    key: str
    text: str
    parents: tuple[str, ...] = ()
    late_at: datetime | None = None
    question: int = 0  # the question it asks (0: none)


def idempotency_key(intent: BotPost, occurrence_id: int) -> str:
    """Mastodon's Idempotency-Key of an intent: the same for every try of it, in any process."""
    # Whole seconds: the moment reads back the same from any database.
    moment = int(intent.intended_at.timestamp())
    seed = f"{occurrence_id}:{intent.network}:{intent.key}:{moment}"
    return "chatbot-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


class NetPoster:
    """Posts one occurrence's posts on one network, in order, each once; retries in the
    background while a post's moment lasts."""

    def __init__(
        self,
        *,
        outlet: Outlet,
        store: ChatStore,
        clock: Clock,
        moderators: ModeratorChannel,
        occurrence_id: int,
        hashtag: str,
        on_question: QuestionHook | None = None,
        on_end: EndHook | None = None,
    ) -> None:
        self.outlet, self.store, self.clock = outlet, store, clock
        self.moderators, self.occurrence_id, self.hashtag = moderators, occurrence_id, hashtag
        self.network = outlet.network
        self.name = NAMES[self.network]
        self.on_question, self.on_end = on_question, on_end
        self._queue: asyncio.Queue[OutletPost] = asyncio.Queue()
        self._submitted: set[str] = set()
        self._worker: asyncio.Task[None] | None = None
        self._tried_here: set[str] = set()
        self.failing = False  # the network refused the last try (moderators were told)

    # -- the queue --------------------------------------------------------------------
    def submit(self, post: OutletPost) -> None:
        """Queue a post (once per key) and make sure the worker runs."""
        if post.key in self._submitted:
            return
        self._submitted.add(post.key)
        self._queue.put_nowait(post)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(
                self._work(), name=f"post-{self.network}-{self.occurrence_id}"
            )

    @property
    def idle(self) -> bool:
        """True when nothing is queued or being sent."""
        return self._queue.empty() and (self._worker is None or self._worker.done())

    async def close(self) -> None:
        """Stop the worker (what it was sending is in the database: a restart resumes)."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _work(self) -> None:
        while not self._queue.empty():
            post = self._queue.get_nowait()
            try:
                await self.deliver(post)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database failing: the next restart picks it up
                log.exception("%s: %s post %s failed", self.hashtag, self.name, post.key)

    # -- one post ---------------------------------------------------------------------
    async def deliver(self, post: OutletPost) -> BotPost | None:
        """Send ``post`` (or find it made), retrying while its moment lasts; return it as
        stored when it is on the network, None when it was dropped or refused."""
        failures = 0
        while True:
            now = self.clock.now()
            try:
                made = await self.attempt(post, now)
            except NetRefusedError as exc:
                await self.store.mark_failed(
                    self.occurrence_id, post.key, error=str(exc), network=self.network
                )
                await alert(
                    self.moderators,
                    f"{self.hashtag}: {self.name} refused {post.key} for good ({exc}); it is "
                    "dropped there, and the chat goes on everywhere.",
                )
                return None
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the network failing (or the database): try again
                if not isinstance(exc, NetError):
                    log.exception("%s: %s post %s failed", self.hashtag, self.name, post.key)
                failures += 1
                wait = self._wait(exc, failures, now)
                late = post.late_at is not None and now + wait > post.late_at
                if late:
                    await self.store.mark_failed(
                        self.occurrence_id,
                        post.key,
                        error=f"{self.name} was down until its moment passed: {exc}",
                        network=self.network,
                    )
                    await alert(
                        self.moderators,
                        f"{self.hashtag}: {self.name} still fails ({exc}); {post.key} is "
                        "dropped there, its moment has passed. The chat goes on.",
                    )
                    self.failing = True
                    return None
                if failures == 1:
                    until = f"until {post.late_at:%H:%M} UTC" if post.late_at else "until it works"
                    await alert(
                        self.moderators,
                        f"{self.hashtag}: {self.name} did not take {post.key} ({exc}). X and "
                        f"the other networks go on; {self.name} is tried again in the "
                        f"background {until}.",
                    )
                    self.failing = True
                log.warning(
                    "%s: %s post %s failed (%d), again in %.0f s: %s",
                    self.hashtag,
                    self.name,
                    post.key,
                    failures,
                    wait.total_seconds(),
                    exc,
                )
                await self.clock.sleep(wait.total_seconds())
                continue
            if self.failing and made is not None:
                self.failing = False
                await self.moderators.notify(f"{self.hashtag}: {self.name} takes our posts again.")
            return made

    def _wait(self, exc: Exception, failures: int, now: datetime) -> timedelta:
        if isinstance(exc, NetRateLimitedError) and exc.reset_at is not None:
            return max(exc.reset_at - now, timedelta(seconds=1))
        if isinstance(exc, NetAuthError):
            return AUTH_RETRY
        return min(RETRY_FIRST * 2 ** (failures - 1), RETRY_MAX)

    async def attempt(self, post: OutletPost, now: datetime) -> BotPost | None:
        """One try: record the intent, find the post if an earlier try may have made it,
        send it if not and its moment lasts. NetError when the network fails."""
        parent = await self._parent(post)
        intent, created = await self.store.intend_post(
            occurrence_id=self.occurrence_id,
            key=post.key,
            text=post.text,
            now=now,
            reply_to_post_id=stored_id(self.network, parent.id) if parent else None,
            network=self.network,
            native_id=self.outlet.planned_id(now),
        )
        if intent.state == PostState.SENT:
            return intent
        if intent.state == PostState.FAILED:
            return None
        key = idempotency_key(intent, self.occurrence_id)
        ref: PostRef | None = None
        if not created or post.key in self._tried_here:
            ref = await self.outlet.find(planned_id=intent.native_id, key=key)
        late = post.late_at is not None and now > post.late_at
        if ref is None and late:
            await self.store.mark_failed(
                self.occurrence_id, post.key, error="its moment had passed", network=self.network
            )
            await self.moderators.notify(
                f"{self.hashtag}: too late for {post.key} on {self.name}; dropped it there."
            )
            return None
        if ref is None:
            self._tried_here.add(post.key)
            ref = await self.outlet.send(
                intent.text, reply_to=parent, planned_id=intent.native_id, key=key
            )
        post_id = stored_id(self.network, ref.id)
        await self.store.mark_sent(
            self.occurrence_id,
            post.key,
            x_post_id=post_id,
            now=now,
            network=self.network,
            native_id=ref.id,
            url=ref.url,
        )
        log.info("%s: %s on %s: %s", self.hashtag, post.key, self.name, ref.url or ref.id)
        if post.question and self.on_question is not None:
            self.on_question(post_id, post.question, now)
        if post.question:
            await self.moderators.question_posted(
                occurrence_id=self.occurrence_id,
                number=post.question,
                text=intent.text,
                url=ref.url,
                network=self.network,
            )
        if post.key in ENDS_WINDOW and self.on_end is not None:
            self.on_end(post_id, now)
        return await self.store.bot_post(self.occurrence_id, post.key, self.network)

    async def _parent(self, post: OutletPost) -> PostRef | None:
        """The nearest of ``post.parents`` made on this network."""
        for key in post.parents:
            found = await self.store.bot_post(self.occurrence_id, key, self.network)
            if found is not None and found.state == PostState.SENT and found.native_id:
                return PostRef(self.network, found.native_id, found.url or "")
        return None


def parents_of(
    keys_posted: Sequence[str], *, reply_to_welcome: bool, thread: bool
) -> tuple[str, ...]:
    """The keys a step may reply to, nearest first, by the flow's threading rule: the rules
    under the welcome; with ``thread`` every step under the one posted before it."""
    if reply_to_welcome:
        return ("welcome",)
    if thread:
        return tuple(reversed(keys_posted))
    return ()
