"""A Jetstream consumer: posts carrying a hashtag, live, resuming from a saved cursor.

Jetstream's v1 websocket (``/subscribe``) sends every repo event as JSON with the
author's DID and ``time_us``. The consumer asks only for ``app.bsky.feed.post``, keeps
the posts whose tag facets, ``tags`` or text carry the hashtag, names their authors
through ``getProfile`` (cached) and remembers the position of the last event it read as
``cursor``: its ``time_us`` (the legacy server) or its ``cursor`` sequence number (the
current server adds one; ``time_us`` there is a display time, not always in order). It
reconnects with that cursor after any disconnect, with doubling delays; Jetstream
replays from the cursor inclusively, and the event already read there is skipped.
Delivery is at least once across a restart (a saved cursor replays its own event):
consumers dedupe by ``ref.id``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import aiohttp

from chatbot.bluesky import convert
from chatbot.bluesky.errors import BlueskyUnavailableError
from chatbot.bluesky.text import carries_hashtag
from chatbot.domain.network import Author, NetPost

log = logging.getLogger("chatbot.bluesky")
Sleep = Callable[[float], Awaitable[None]]


class Profiles(Protocol):
    """Where the consumer learns who a DID is (BlueskyClient)."""

    async def author(self, actor: str) -> Author:
        """The profile of a DID."""
        ...

    def forget_author(self, did: str) -> None:
        """Drop a cached profile."""
        ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between reconnections: ``base`` seconds, doubling up to ``cap``.
    ``max_failures`` connections in a row that fail raise BlueskyUnavailableError
    (None: keep trying for ever)."""

    base: float = 1.0
    cap: float = 60.0
    max_failures: int | None = None

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row."""
        return min(self.cap, self.base * 2 ** max(0, failures - 1))


def subscribe_url(base: str, *, wanted_dids: Sequence[str] = (), cursor: int | None = None) -> str:
    """The /subscribe URL of a Jetstream (given as ``wss://host`` or ``…/subscribe``)."""
    query: list[tuple[str, str]] = [("wantedCollections", convert.POST)]
    query += [("wantedDids", did) for did in wanted_dids]
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    root = base.rstrip("/")
    root = root if root.endswith("/subscribe") else f"{root}/subscribe"
    return f"{root}?{urlencode(query)}"


class JetstreamConsumer:
    """Posts carrying ``hashtag`` from the Jetstream at ``url``, oldest first."""

    def __init__(
        self,
        *,
        url: str,
        hashtag: str,
        profiles: Profiles,
        cursor: int | None = None,
        wanted_dids: Sequence[str] = (),
        backoff: Backoff | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.url = url
        self.hashtag = hashtag.lstrip("#")
        self.profiles = profiles
        self.cursor = cursor  # position of the last event read: save it to resume
        self.wanted_dids = tuple(wanted_dids)
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.connections = 0  # websocket connections opened, for logs and tests
        self.connected = asyncio.Event()  # set while a connection is open
        self._read_at_cursor: set[tuple[str, str]] = set()
        self._stopped = False
        self._failures = 0  # connections in a row that ended without an event
        self._socket: aiohttp.ClientWebSocketResponse | None = None

    async def posts(self) -> AsyncIterator[NetPost]:
        """Yield matching posts until ``stop()``; reconnect after any disconnect."""
        async with aiohttp.ClientSession() as session:
            while not self._stopped:
                try:
                    async for post in self._connection(session):
                        yield post
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    log.warning("Jetstream connection failed: %s", exc)
                if self._stopped:
                    break
                self._failures += 1  # a connection that delivered events reset it to 0
                limit = self.backoff.max_failures
                if limit is not None and self._failures >= limit:
                    raise BlueskyUnavailableError(
                        f"Jetstream at {self.url} failed {self._failures} times in a row"
                    )
                await self.sleep(self.backoff.delay(self._failures))

    async def stop(self) -> None:
        """End ``posts()`` (closes the open connection)."""
        self._stopped = True
        if self._socket is not None:
            await self._socket.close()

    async def _connection(self, session: aiohttp.ClientSession) -> AsyncIterator[NetPost]:
        """One websocket connection's matching posts."""
        url = subscribe_url(self.url, wanted_dids=self.wanted_dids, cursor=self.cursor)
        async with session.ws_connect(url, heartbeat=30) as socket:
            self._socket = socket
            self.connections += 1
            self.connected.set()
            log.info("Jetstream connected (cursor %s)", self.cursor)
            try:
                async for message in socket:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    self._failures = 0
                    post = await self._read(json.loads(message.data))
                    if post is not None:
                        yield post
            finally:
                self.connected.clear()
                self._socket = None

    async def _read(self, event: dict[str, Any]) -> NetPost | None:
        """Advance the cursor past ``event``; return it as a NetPost if it is a match."""
        time_us = int(event.get("time_us", 0))
        # Jetstream v2's v1 wire numbers events ("cursor", a sequence); the legacy server
        # only stamps them (time_us). Both are accepted as ?cursor= and replay inclusively.
        position = event["cursor"] if isinstance(event.get("cursor"), int) else time_us
        did = str(event.get("did", ""))
        commit = event.get("commit") or {}
        key = (did, str(commit.get("rkey") or event.get("kind")))
        if position == self.cursor and key in self._read_at_cursor:
            return None  # the event at the resume cursor, read before the reconnect
        if position != self.cursor:
            self._read_at_cursor.clear()
        self.cursor = position
        self._read_at_cursor.add(key)
        if event.get("kind") == "identity":
            self.profiles.forget_author(did)
            return None
        record = commit.get("record")
        if (
            event.get("kind") != "commit"
            or commit.get("operation") != "create"
            or commit.get("collection") != convert.POST
            or not isinstance(record, dict)
            or not carries_hashtag(record, self.hashtag)
        ):
            return None
        return convert.net_post(
            uri=f"at://{did}/{convert.POST}/{commit['rkey']}",
            cid=str(commit.get("cid", "")),
            author=await self.profiles.author(did),
            record=record,
            seen_at=convert.from_time_us(time_us),
        )
