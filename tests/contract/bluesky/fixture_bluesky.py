"""A server on 127.0.0.1 that answers with the recorded Bluesky answers of ``fixtures/``.

Each XRPC fixture holds one answer as the lexicons and the PDS's code describe it:
``status``, ``headers``, JSON ``body``, the ``request`` it answers ("POST nsid") and its
``source``. A header value ``RESET+N`` becomes the Unix time N seconds from now,
``BASE_URL`` in a body this server's address (a session's DID document names its PDS),
and ``ACCESS_JWT`` / ``REFRESH_JWT`` a session token minted now with the PDS's claims
(2 hours and 90 days to live): a recorded token would expire and, as the atproto client
compares ``exp`` with the wall clock, turn every test into a refresh on a later date.
A Jetstream fixture holds one websocket ``event``; ``/subscribe`` sends the queued ones.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures"
_RESET = re.compile(r"^RESET\+(\d+)$")


def load(name: str) -> dict[str, Any]:
    """Read one fixture by name (without .json)."""
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return fixture


def fixture_names(kind: str) -> list[str]:
    """Every XRPC ("xrpc") or Jetstream ("jetstream") fixture."""
    names = sorted(path.stem for path in FIXTURES.glob("*.json"))
    return [n for n in names if n.startswith("jetstream_") == (kind == "jetstream")]


def headers_of(fixture: dict[str, Any]) -> dict[str, str]:
    """The fixture's headers, reset times made absolute."""
    headers = dict(fixture["headers"])
    for name, value in headers.items():
        if match := _RESET.match(value):
            headers[name] = str(int(time.time()) + int(match.group(1)))
    return headers


ACCESS_TTL = 2 * 3600
REFRESH_TTL = 90 * 24 * 3600


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint_token(kind: str, *, did: str, now: int) -> str:
    """A session JWT as the PDS issues it (HS256; the client reads, never checks, it)."""
    if kind == "ACCESS_JWT":
        header = {"typ": "at+jwt", "alg": "HS256"}
        claims = {"scope": "com.atproto.appPass", "exp": now + ACCESS_TTL}
    else:
        header = {"typ": "refresh+jwt", "alg": "HS256"}
        claims = {"scope": "com.atproto.refresh", "jti": uuid.uuid4().hex}
        claims["exp"] = now + REFRESH_TTL
    claims |= {"aud": "did:web:pds.example", "sub": did, "iat": now}
    return f"{_b64(header)}.{_b64(claims)}.c2lnbmF0dXJl"


def body_of(fixture: dict[str, Any], base_url: str) -> str:
    """The fixture's JSON body with its placeholders filled in for this moment."""
    body = fixture["body"]
    if isinstance(body, dict):
        now = int(time.time())
        body = {
            key: mint_token(value, did=body["did"], now=now)
            if value in ("ACCESS_JWT", "REFRESH_JWT")
            else value
            for key, value in body.items()
        }
    return json.dumps(body, ensure_ascii=False).replace("BASE_URL", base_url)


class FixtureBluesky:
    """Answers each XRPC call with the next queued fixture; streams queued events."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.events: list[str] = []
        self.requests: list[str] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def serve(self, *names: str) -> None:
        """Queue fixtures to answer the next calls, in order."""
        self.queue.extend(names)

    async def _answer(self, request: web.Request) -> web.Response:
        nsid = request.match_info["nsid"]
        self.requests.append(f"{request.method} {nsid}")
        if not self.queue:
            return web.Response(status=599, text=f"no fixture queued for {nsid}")
        fixture = load(self.queue.pop(0))
        if fixture["request"] != f"{request.method} {nsid}":
            return web.Response(status=599, text=f"{nsid} is not {fixture['request']}")
        headers = headers_of(fixture)
        content_type = headers.pop("content-type")
        text = body_of(fixture, self.base_url)
        response = web.Response(status=fixture["status"], text=text, headers=headers)
        response.headers["Content-Type"] = content_type
        return response

    async def _subscribe(self, request: web.Request) -> web.WebSocketResponse:
        self.requests.append(f"WS {request.path_qs}")
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        for name in self.events:
            await socket.send_str(json.dumps(load(name)["event"], ensure_ascii=False))
        await socket.receive()  # hold the connection until the client leaves
        return socket

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; return the base URL."""
        app = web.Application()
        app.router.add_route("*", "/xrpc/{nsid}", self._answer)
        app.router.add_get("/subscribe", self._subscribe)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
