"""A server on 127.0.0.1 that answers with the recorded Bluesky answers of ``fixtures/``.

Each XRPC fixture holds one answer as the lexicons and the PDS's code describe it:
``status``, ``headers``, JSON ``body``, the ``request`` it answers ("POST nsid") and its
``source``. A header value ``RESET+N`` becomes the Unix time N seconds from now, and
``BASE_URL`` in a body this server's address (a session's DID document names its PDS).
A Jetstream fixture holds one websocket ``event``; ``/subscribe`` sends the queued ones.
"""

from __future__ import annotations

import json
import re
import time
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
        text = json.dumps(fixture["body"], ensure_ascii=False).replace("BASE_URL", self.base_url)
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
