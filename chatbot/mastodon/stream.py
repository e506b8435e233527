"""A hashtag as an endless async iterator of posts: Mastodon's streaming API, reconnected
with backoff when it drops, and after every (re)connection the tag timeline read from the
last post seen, so a post made while the stream was down is still delivered.

A federated status carries the id of its own creation time, so one that arrives late can
sort below a post already seen: each gap fill starts ``lookback`` before the newest post
seen, and posts already delivered are skipped.

Mastodon.py reads a stream by blocking on its socket: each connection runs in a daemon
thread of its own and hands events to the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mastodon.streaming import StreamListener

from chatbot.domain.network import NetPost
from chatbot.mastodon.convert import id_order, to_post

if TYPE_CHECKING:
    from chatbot.mastodon.client import MastodonClient

log = logging.getLogger("chatbot.mastodon")
_OPENED = "opened"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits between reconnections: ``base`` doubling up to ``cap`` seconds."""

    base: float = 1.0
    cap: float = 60.0

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failed connections in a row (at least 1)."""
        return min(self.cap, self.base * 2 ** max(0, failures - 1))


@dataclass(frozen=True, slots=True)
class _Closed:
    error: BaseException | None


class _StopStream(Exception):
    """Raised inside the reading thread to leave Mastodon.py's read loop."""


class _Listener(StreamListener):
    """Hands a connection's events to the event loop; stops at the next event or heartbeat
    once asked to."""

    def __init__(self, emit: Callable[[Any], None]) -> None:
        super().__init__()
        self.emit = emit
        self.stopping = False

    def handle_stream(self, response: Any) -> None:
        self.emit(_OPENED)
        try:
            super().handle_stream(response)
        except Exception as exc:
            self.emit(_Closed(None if self.stopping else exc))
            return
        self.emit(_Closed(None))

    def on_update(self, status: Any) -> None:
        if self.stopping:
            raise _StopStream
        self.emit(status)

    def handle_heartbeat(self) -> None:
        if self.stopping:
            raise _StopStream

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
        """Newer event kinds are none of the chat's business."""


class _Connection:
    """One streaming connection, read by a daemon thread."""

    def __init__(self, client: MastodonClient, tag: str, read_timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self.events: asyncio.Queue[Any] = asyncio.Queue()

        def emit(item: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody listens
                loop.call_soon_threadsafe(self.events.put_nowait, item)

        self.listener = _Listener(emit)

        def read() -> None:
            try:
                client.api.stream_hashtag(tag, self.listener, timeout=read_timeout)
            except Exception as exc:  # could not connect (handle_stream reports the rest)
                emit(_Closed(exc))

        self.thread = threading.Thread(target=read, name=f"mastodon-stream-#{tag}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Ask the thread to leave at its next event or heartbeat."""
        self.listener.stopping = True


class HashtagStream:
    """Every public post with ``tag``, as it is posted, each once; iterate with
    ``async for``; ``close()`` ends it.

    ``since_id`` is the newest post already handled (None: start from now);
    ``reconnects`` counts connections after the first.
    """

    def __init__(
        self,
        client: MastodonClient,
        tag: str,
        *,
        since_id: str | None = None,
        backoff: Backoff | None = None,
        read_timeout: float = 60.0,
        lookback_seconds: float = 300.0,
        remember: int = 10_000,
    ) -> None:
        self.client = client
        self.tag = tag.lstrip("#")
        self.since_id = since_id
        self.backoff = backoff or Backoff()
        self.read_timeout = read_timeout  # a silent stream is dead after this (heartbeats: 15 s)
        self.lookback = int(lookback_seconds * 1000) << 16
        self.reconnects = 0
        self._seen: set[str] = set()
        self._order: deque[str] = deque(maxlen=remember)
        self._connection: _Connection | None = None
        self._closed = False

    def __aiter__(self) -> AsyncIterator[NetPost]:
        return self._posts()

    def close(self) -> None:
        """Stop streaming; the iterator ends at its next wait."""
        self._closed = True
        if self._connection is not None:
            self._connection.stop()
            self._connection.events.put_nowait(_Closed(None))

    def _fresh(self, post: NetPost) -> bool:
        if post.ref.id in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(post.ref.id)
        self._seen.add(post.ref.id)
        if self.since_id is None or id_order(post.ref.id) > id_order(self.since_id):
            self.since_id = post.ref.id
        return True

    async def _open(self) -> _Connection | None:
        """Connect; None (after the backoff wait) when it fails."""
        failures = 0
        while not self._closed:
            connection = _Connection(self.client, self.tag, self.read_timeout)
            self._connection = connection
            first = await connection.events.get()
            if first == _OPENED:
                return connection
            failures += 1
            delay = self.backoff.delay(failures)
            error = first.error if isinstance(first, _Closed) else first
            log.warning("mastodon stream #%s: %s; reconnecting in %.1fs", self.tag, error, delay)
            await self.client.sleep(delay)
        return None

    async def _gap(self) -> list[NetPost]:
        """What the timeline has since the newest post seen; once posts were seen here, from
        ``lookback`` before it (the ones seen are skipped)."""
        if self.since_id is None:
            # The first connection starts from now: later gaps fill from here.
            self.since_id = await self.client.newest_id(self.tag) or "0"
            return []
        start = self.since_id
        if self._seen and start.isdigit():
            start = str(max(0, int(start) - self.lookback))
        return await self.client.timeline(self.tag, since_id=start)

    async def _posts(self) -> AsyncIterator[NetPost]:
        first = True
        while not self._closed:
            connection = await self._open()
            if connection is None:
                return
            if not first:
                self.reconnects += 1
            first = False
            for post in await self._gap():
                if self._fresh(post):
                    yield post
            while True:
                event = await connection.events.get()
                if isinstance(event, _Closed):
                    if event.error is not None:
                        log.warning("mastodon stream #%s dropped: %s", self.tag, event.error)
                    break
                post = to_post(event, self.client.domain)
                if self._fresh(post):
                    yield post
            connection.stop()
            if not self._closed:
                await self.client.sleep(self.backoff.delay(1))
