"""A server on 127.0.0.1 that answers with the recorded X responses of ``fixtures/``.

Each fixture holds one answer as X's documentation shows it: ``status``, ``headers`` and a
JSON ``body`` (or a raw ``text``), the ``request`` it answers and its ``source``. A header
value ``RESET+N`` becomes the Unix time N seconds from now.
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


def fixture_names() -> list[str]:
    """Every fixture in the folder."""
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def _matches(pattern: str, method: str, path: str) -> bool:
    want_method, want_path = pattern.split(" ", 1)
    regex = "^" + re.escape(want_path).replace(":id", r"\d+") + "$"
    return method == want_method and re.match(regex, path) is not None


def response_of(fixture: dict[str, Any]) -> web.Response:
    """The HTTP answer a fixture describes."""
    headers = dict(fixture["headers"])
    content_type = headers.pop("content-type")
    for name, value in headers.items():
        if match := _RESET.match(value):
            headers[name] = str(int(time.time()) + int(match.group(1)))
    text = fixture["text"] if "text" in fixture else json.dumps(fixture["body"])
    response = web.Response(status=fixture["status"], text=text, headers=headers)
    response.headers["Content-Type"] = content_type
    return response


class FixtureX:
    """Answers each request with the next queued fixture; records what was asked."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.requests: list[str] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def serve(self, *names: str) -> None:
        """Queue fixtures to answer the next requests, in order."""
        self.queue.extend(names)

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append(f"{request.method} {request.path}")
        if not self.queue:
            return web.Response(status=599, text=f"no fixture queued for {request.path}")
        fixture = load(self.queue.pop(0))
        if not _matches(fixture["request"], request.method, request.path):
            return web.Response(
                status=599, text=f"{request.method} {request.path} is not {fixture['request']}"
            )
        return response_of(fixture)

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; return the base URL."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
