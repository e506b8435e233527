"""The streaming API's hashtag streams as server-sent events, as Mastodon's streaming server
writes them: ``:)`` on connect, a ``:thump`` heartbeat, ``event: update`` with the status
JSON as ``data``, ``event: delete`` with its id.

Mastodon.py reads this HTTP transport by default (its WebSocket transport needs an extra
package), so the emulator serves it; ``/api/v1/streaming/hashtag/local`` keeps only local
statuses.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

log = logging.getLogger("chatbot.emulator.mastodon")
_CLOSE = ("", "")


@dataclass(eq=False, slots=True)
class Subscriber:
    """One open hashtag stream."""

    tag: str  # lower case
    local_only: bool
    account_id: str
    request: web.Request
    queue: asyncio.Queue[tuple[str, str]] = field(default_factory=asyncio.Queue)


class Hub:
    """The open streams, and the events each should be sent."""

    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.changed = asyncio.Event()

    def add(self, subscriber: Subscriber) -> None:
        """Start sending events to ``subscriber``."""
        self.subscribers.add(subscriber)
        self.changed.set()

    def remove(self, subscriber: Subscriber) -> None:
        """Stop sending to ``subscriber``."""
        self.subscribers.discard(subscriber)
        self.changed.set()

    def publish(
        self, tags: tuple[str, ...], *, local: bool, event: str, payload: Callable[[str], str]
    ) -> int:
        """Queue ``event`` for every stream of one of ``tags``; ``payload`` renders it for
        the stream's account. Return how many streams got it."""
        sent = 0
        for subscriber in list(self.subscribers):
            if subscriber.tag in tags and (local or not subscriber.local_only):
                subscriber.queue.put_nowait((event, payload(subscriber.account_id)))
                sent += 1
        return sent

    def drop_all(self, *, graceful: bool) -> int:
        """End every open stream: cleanly (the response ends) or by cutting the connection."""
        dropped = 0
        for subscriber in list(self.subscribers):
            if not graceful and subscriber.request.transport is not None:
                subscriber.request.transport.abort()
            subscriber.queue.put_nowait(_CLOSE)
            self.subscribers.discard(subscriber)
            dropped += 1
        self.changed.set()
        return dropped


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def serve_stream(
    request: web.Request,
    *,
    hub: Hub,
    account_for: Callable[[str], str | None],
    heartbeat_seconds: float,
) -> web.StreamResponse:
    """GET /api/v1/streaming/hashtag[/local]?tag=…: events until the client goes away."""
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() or request.query.get("access_token", "")
    if not token:
        return _error(401, "Missing access token")
    account_id = account_for(token)
    if account_id is None:
        return _error(401, "Invalid access token")
    tag = request.query.get("tag", "").strip().lstrip("#")
    if not tag:
        return _error(400, "No tag for stream provided")
    subscriber = Subscriber(tag.casefold(), request.path.endswith("/local"), account_id, request)
    response = web.StreamResponse(headers={"Cache-Control": "no-store"})
    response.content_type = "text/event-stream"
    response.enable_chunked_encoding()
    hub.add(subscriber)  # before the headers go out: nothing posted after them is missed
    try:
        await response.prepare(request)
        await response.write(b":)\n")
        while True:
            try:
                event, payload = await asyncio.wait_for(
                    subscriber.queue.get(), timeout=heartbeat_seconds
                )
            except TimeoutError:
                await response.write(b":thump\n")
                continue
            if (event, payload) == _CLOSE:
                break
            await response.write(f"event: {event}\ndata: {payload}\n\n".encode())
        await response.write_eof()
    except (ConnectionError, RuntimeError) as exc:  # the client went away
        log.info("hashtag stream for #%s ended: %s", tag, exc)
    finally:
        hub.remove(subscriber)
    return response


def status_payload(render: Callable[[str | None], dict[str, Any]]) -> Callable[[str], str]:
    """An ``update`` payload: the status JSON as the stream's account sees it."""
    return lambda account_id: json.dumps(render(account_id), ensure_ascii=False)
