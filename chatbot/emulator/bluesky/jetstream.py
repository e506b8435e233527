"""Jetstream's v1 websocket (``/subscribe``): the repo event stream as JSON, with replay.

Query: ``wantedCollections`` (repeated; ``app.bsky.feed.*`` prefixes work),
``wantedDids`` (repeated), ``cursor`` (Unix microseconds). Events are sent oldest first;
a cursor replays every kept event with ``time_us`` at or after it (so the event at the
cursor comes again), then the live tail. ``identity`` and ``account`` events reach every
subscriber whatever ``wantedCollections`` says (only ``wantedDids`` filters them), as on
the real service. A bad parameter is refused before the upgrade with a plain-text 400.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from chatbot.emulator.bluesky.state import state_of

log = logging.getLogger("chatbot.emulator.bluesky")
MAX_WANTED_COLLECTIONS = 100
MAX_WANTED_DIDS = 10_000
OPEN_SOCKETS = web.AppKey("bluesky_jetstream_sockets", set[web.WebSocketResponse])


@dataclass(frozen=True, slots=True)
class Filter:
    """What one subscriber asked for."""

    collections: tuple[str, ...]  # empty: all
    dids: frozenset[str]  # empty: all

    def wants(self, event: dict[str, Any]) -> bool:
        """True when the event passes the subscriber's filters."""
        if self.dids and event["did"] not in self.dids:
            return False
        if event["kind"] != "commit" or not self.collections:
            return True
        collection = event["commit"]["collection"]
        return any(
            collection.startswith(wanted[:-1]) if wanted.endswith(".*") else collection == wanted
            for wanted in self.collections
        )


def _refuse(message: str) -> web.Response:
    return web.Response(status=400, text=f"{message}\n", content_type="text/plain")


def parse(request: web.Request) -> Filter | web.Response:
    """The subscriber's filter, or the 400 for a bad query."""
    collections = request.query.getall("wantedCollections", [])
    dids = request.query.getall("wantedDids", [])
    if len(set(collections)) > MAX_WANTED_COLLECTIONS:
        return _refuse(f"invalid options: too many wanted collections: > {MAX_WANTED_COLLECTIONS}")
    if len(set(dids)) > MAX_WANTED_DIDS:
        return _refuse(f"invalid options: too many wanted DIDs: {len(dids)} > {MAX_WANTED_DIDS}")
    for did in dids:
        if not did.startswith("did:"):
            return _refuse(f"invalid options: invalid DID: {did}")
    return Filter(tuple(collections), frozenset(dids))


async def subscribe(request: web.Request) -> web.StreamResponse:
    """The ``/subscribe`` websocket."""
    state = state_of(request)
    if not state.stream_open:
        return web.Response(status=503, text="service not ready\n", content_type="text/plain")
    wanted = parse(request)
    if isinstance(wanted, web.Response):
        return wanted
    raw_cursor = request.query.get("cursor")
    if raw_cursor is not None and not raw_cursor.isdigit():
        return _refuse(f'subscribe: invalid cursor: "{raw_cursor}"')
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    state.store.subscribers.add(queue)  # before the replay, so nothing falls in between
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    request.app[OPEN_SOCKETS].add(socket)
    try:
        last = 0
        if raw_cursor is not None:
            for event in [e for e in state.store.events if e["time_us"] >= int(raw_cursor)]:
                last = event["time_us"]
                if wanted.wants(event):
                    await socket.send_str(json.dumps(event, ensure_ascii=False))
        await _tail(socket, queue, wanted, after=last)
    finally:
        state.store.subscribers.discard(queue)
        request.app[OPEN_SOCKETS].discard(socket)
    return socket


async def _tail(
    socket: web.WebSocketResponse,
    queue: asyncio.Queue[dict[str, Any]],
    wanted: Filter,
    *,
    after: int,
) -> None:
    """Send live events until the client goes away (it may send nothing but control)."""
    reader = asyncio.ensure_future(socket.receive())
    getter: asyncio.Future[dict[str, Any]] | None = None
    try:
        while not socket.closed:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            if reader in done:
                getter.cancel()
                message = reader.result()
                if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                    return
                reader = asyncio.ensure_future(socket.receive())  # options updates: ignored
                continue
            event = getter.result()
            if event["time_us"] > after and wanted.wants(event):
                await socket.send_str(json.dumps(event, ensure_ascii=False))
    finally:
        reader.cancel()
        if getter is not None:
            getter.cancel()  # the server stopping mid-wait: no task left pending


async def close_all(app: web.Application) -> int:
    """Close every open Jetstream connection (a network blip); return how many."""
    sockets: list[web.WebSocketResponse] = [*app[OPEN_SOCKETS]]
    for socket in sockets:
        await socket.close(code=1001, message=b"going away")
    return len(sockets)
