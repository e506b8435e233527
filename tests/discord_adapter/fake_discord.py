"""A local Discord for tests: REST API and gateway websocket on 127.0.0.1, recording the wire."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import zstandard
from aiohttp import WSMsgType, web

from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.fake_interactions import InteractionsMixin

JSON = {"Content-Type": "application/json"}  # exactly: discord.py compares the header


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Answer with a JSON body."""
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={**JSON, **(headers or {})}
    )


def rate_limited(retry_after: float) -> web.Response:
    """Answer 429 as Discord does (discord.py treats a 429 without Via as a Cloudflare ban)."""
    headers = {
        "Via": "1.1 google",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": str(retry_after),
        "X-RateLimit-Bucket": "fake-bucket",
        "X-RateLimit-Scope": "user",
    }
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    return reply(body, status=429, headers=headers)


@dataclass
class Recorded:
    """One REST request as it reached the fake."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)


class _ZlibStream:
    """Discord's ``zlib-stream``: one deflate context per connection, each message flushed."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj()

    def compress(self, data: bytes) -> bytes:
        return self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)


class _ZstdStream:
    """Discord's ``zstd-stream``: one zstd stream per connection, each message a flushed block."""

    def __init__(self) -> None:
        self._stream = zstandard.ZstdCompressor().compressobj()

    def compress(self, data: bytes) -> bytes:
        return self._stream.compress(data) + self._stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


_STREAMS: dict[str, Callable[[], _ZlibStream | _ZstdStream]] = {
    "zlib-stream": _ZlibStream,
    "zstd-stream": _ZstdStream,
}


@dataclass
class _Connection:
    """One gateway websocket, compressing as the client asked (``compress`` query)."""

    ws: web.WebSocketResponse
    compression: _ZlibStream | _ZstdStream | None
    sequence: int = 0

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if self.compression is not None:
            await self.ws.send_bytes(self.compression.compress(text.encode()))
        else:
            await self.ws.send_str(text)

    async def dispatch(self, event: str, data: Any) -> None:
        self.sequence += 1
        await self.send({"op": 0, "t": event, "s": self.sequence, "d": data})


class FakeDiscord(InteractionsMixin):
    """Fake Discord; stop() and start() again on the same port simulate an outage."""

    def __init__(self) -> None:
        self.port = 0
        self.requests: list[Recorded] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.commands: list[dict[str, Any]] | None = None
        self.threads: dict[str, dict[str, Any]] = {}
        self.rate_limit_next = 0  # answer this many channel posts with 429 first
        self._connections: list[_Connection] = []
        self._sessions: set[str] = set()
        self._runner: web.AppRunner | None = None
        super().__init__()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def ops(self, op: int) -> list[dict[str, Any]]:
        """Return the gateway payloads the bot sent with opcode ``op``."""
        return [payload for payload in self.gateway_received if payload.get("op") == op]

    def posts(self, channel_id: int | str | None = None) -> list[Recorded]:
        """Return the create-message requests, optionally for one channel or thread."""
        return [
            r
            for r in self.requests
            if r.method == "POST"
            and r.path.endswith("/messages")
            and (channel_id is None or r.path == f"/channels/{channel_id}/messages")
        ]

    async def start(self) -> None:
        """Listen on 127.0.0.1 (a free port the first time, then the same one)."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Drop every connection and stop listening."""
        for connection in list(self._connections):
            await connection.ws.close(code=1001, message=b"going away")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a dispatch event to the bot over its newest gateway connection."""
        if not self._connections:
            raise RuntimeError("the bot is not connected to the fake gateway")
        await self._connections[-1].dispatch(event, data)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        self.gateway_queries.append(dict(request.query))
        ws = web.WebSocketResponse(timeout=0.5)  # close handshake: do not linger on stop()
        await ws.prepare(request)
        stream = _STREAMS.get(request.query.get("compress", ""))
        connection = _Connection(ws, stream() if stream else None)
        self._connections.append(connection)
        try:
            await connection.send({"op": 10, "d": {"heartbeat_interval": 41250}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                await self._on_gateway(connection, payload)
        finally:
            self._connections.remove(connection)
        return ws

    async def _on_gateway(self, connection: _Connection, payload: dict[str, Any]) -> None:
        op = payload["op"]
        if op == 1:
            await connection.send({"op": 11})
        elif op == 2:
            session = p.next_id()
            self._sessions.add(session)
            await connection.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": p.BOT_USER,
                    "guilds": [{"id": str(p.GUILD_ID), "unavailable": True}],
                    "session_id": session,
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(p.BOT_ID), "flags": 0},
                },
            )
            await connection.dispatch("GUILD_CREATE", p.guild())
        elif op == 6:
            if payload["d"]["session_id"] in self._sessions:
                connection.sequence = payload["d"]["seq"] or 0
                await connection.dispatch("RESUMED", {})
            else:
                await connection.send({"op": 9, "d": False})

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        record = Recorded(request.method, path, dict(request.query), body)
        self.requests.append(record)
        parts = path.strip("/").split("/")
        match request.method, parts:
            case "GET", ["users", "@me"]:
                return reply(p.BOT_USER)
            case "GET", ["oauth2", "applications", "@me"]:
                return reply(self._application())
            case "GET", ["gateway"] | ["gateway", "bot"]:
                return reply({"url": self.gateway_url, "shards": 1})
            case "PUT", ["applications", _, "guilds", guild_id, "commands"]:
                self.commands = body
                return reply([self._registered(command, guild_id) for command in body])
            case "POST", ["channels", channel_id, "messages"]:
                if self.rate_limit_next > 0:
                    self.rate_limit_next -= 1
                    return rate_limited(0.3)
                return reply(p.message(channel_id, body, author=p.BOT_USER))
            case "POST", ["channels", channel_id, "threads"]:
                return reply(self._thread(channel_id, body, from_message=False))
            case "POST", ["channels", channel_id, "messages", _, "threads"]:
                return reply(self._thread(channel_id, body, from_message=True))
            case "GET", ["channels", channel_id]:
                if channel_id in self.threads:
                    return reply(self.threads[channel_id])
                return reply(p.text_channel(int(channel_id), "moderators"))
            case _:
                return self._interaction_rest(request.method, parts, body)

    def _thread(self, channel_id: str, body: dict[str, Any], *, from_message: bool) -> dict:
        thread_type = 11 if from_message else body.get("type", 12)
        minutes = body.get("auto_archive_duration", 1440)
        data = p.thread(
            p.next_id(),
            parent_id=int(channel_id),
            name=body["name"],
            thread_type=thread_type,
            minutes=minutes,
        )
        self.threads[data["id"]] = data
        return data

    @staticmethod
    def _application() -> dict[str, Any]:
        return {
            "id": str(p.BOT_ID),
            "name": "chatbot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": p.ADMIN,
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
        }

    @staticmethod
    def _registered(command: dict[str, Any], guild_id: str) -> dict[str, Any]:
        return {
            "id": p.next_id(),
            "application_id": str(p.BOT_ID),
            "guild_id": guild_id,
            "version": p.next_id(),
            "type": 1,
            "default_member_permissions": None,
            **command,
        }
