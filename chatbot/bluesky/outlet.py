"""The Bluesky side of a chat as hosting sees it (``chatbot.ports.Outlet``): the host
account, posts made exactly once under record keys chosen before sending, and the
chat's hashtag read from searchPosts (what was missed) and then Jetstream (live).

A reply on Bluesky names its parent and its thread's root by URI and content hash
(cid). Hosting knows its own posts by URI only; the outlet learns the rest from the
PDS's copy of the record (``getRecord``: no indexing delay), once per post.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from chatbot.bluesky import convert
from chatbot.bluesky.client import BlueskyClient
from chatbot.bluesky.errors import (
    BlueskyAuthError,
    BlueskyError,
    BlueskyRateLimitedError,
    BlueskyRefusedError,
)
from chatbot.bluesky.jetstream import Backoff, JetstreamConsumer
from chatbot.bluesky.tid import new_rkey
from chatbot.domain.network import Author, NetPost, Network, PostRef
from chatbot.ports import (
    NetAuthError,
    NetRateLimitedError,
    NetRefusedError,
    NetUnavailableError,
)

log = logging.getLogger("chatbot.bluesky")
T = TypeVar("T")
OVERLAP = timedelta(seconds=30)  # the live stream starts this far back


async def _translated(call: Callable[[], Awaitable[T]]) -> T:
    """Run an adapter call; its errors as the ones hosting acts on."""
    try:
        return await call()
    except BlueskyAuthError as exc:
        raise NetAuthError(str(exc)) from exc
    except BlueskyRateLimitedError as exc:
        raise NetRateLimitedError(str(exc), reset_at=exc.reset_at) from exc
    except BlueskyRefusedError as exc:
        raise NetRefusedError(str(exc)) from exc
    except BlueskyError as exc:
        raise NetUnavailableError(str(exc)) from exc


class BlueskyOutlet:
    """Implements ``chatbot.ports.Outlet`` on a BlueskyClient and a Jetstream address."""

    network = Network.BLUESKY

    def __init__(
        self,
        client: BlueskyClient,
        *,
        jetstream: str,
        now: Callable[[], datetime],
        backoff: Backoff | None = None,
    ) -> None:
        self.client, self.jetstream, self.now = client, jetstream, now
        self.backoff = backoff or Backoff(base=1.0, cap=30.0)
        self._refs: dict[str, PostRef] = {}  # the bot's posts, by URI: cid and root known
        self._consumers: list[JetstreamConsumer] = []

    async def connect(self) -> Author:
        """Log in with the app password; the host account."""
        return await _translated(self.client.login)

    def planned_id(self, moment: datetime) -> str | None:
        """A fresh record key, as the URI the post will have."""
        return f"at://{self.client.did}/{convert.POST}/{new_rkey(moment)}"

    async def send(
        self, text: str, *, reply_to: PostRef | None, planned_id: str | None, key: str
    ) -> PostRef:
        """Post at the planned record key (a second send finds the first post)."""
        if planned_id is None:
            raise NetRefusedError(f"Bluesky post {key} has no record key")
        rkey = convert.split_uri(planned_id)[2]
        parent = await self._full(reply_to) if reply_to else None
        ref = await _translated(lambda: self.client.create_post(text, reply_to=parent, rkey=rkey))
        self._refs[ref.id] = ref
        return ref

    async def find(self, *, planned_id: str | None, key: str) -> PostRef | None:
        """The post at the planned record key, if the PDS has it."""
        if planned_id is None:
            return None
        rkey = convert.split_uri(planned_id)[2]
        retrier = self.client.retrier
        ref = await _translated(
            lambda: retrier.call("getRecord", lambda: self.client.own_post(rkey))
        )
        if ref is not None:
            self._refs[ref.id] = ref
        return ref

    async def _full(self, ref: PostRef) -> PostRef:
        """``ref`` with its cid and root, read from the PDS when not known here."""
        if ref.cid and ref.root_id:
            return ref
        known = self._refs.get(ref.id)
        if known is None:
            known = await self.find(planned_id=ref.id, key="parent")
        if known is None:
            raise NetRefusedError(f"the post replied to ({ref.id}) is not on Bluesky")
        return known

    async def missed(self, hashtag: str, *, since: datetime) -> list[NetPost]:
        """searchPosts since ``since``, every page, oldest first."""
        tag = hashtag.lstrip("#")
        return await _translated(lambda: self.client.search_all(tag, since=since))

    async def live(self, hashtag: str, *, since: datetime) -> AsyncIterator[NetPost]:
        """Jetstream from a cursor a little before now (it replays from there), reconnecting
        with the last cursor read after any drop."""
        start = max(since, self.now() - OVERLAP)
        consumer = JetstreamConsumer(
            url=self.jetstream,
            hashtag=hashtag.lstrip("#"),
            profiles=self.client,
            cursor=int(start.timestamp() * 1_000_000),
            backoff=self.backoff,
        )
        self._consumers.append(consumer)
        try:
            async for post in consumer.posts():
                yield post
        finally:
            with contextlib.suppress(ValueError):
                self._consumers.remove(consumer)

    async def stop(self) -> None:
        """End the live streams."""
        for consumer in list(self._consumers):
            await consumer.stop()

    async def close(self) -> None:
        """Stop streaming and close the client's connections."""
        await self.stop()
        with contextlib.suppress(Exception):
            await asyncio.shield(self.client.close())
