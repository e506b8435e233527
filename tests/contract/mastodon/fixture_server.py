"""A server on 127.0.0.1 that answers with the Mastodon responses of ``fixtures/``.

Each fixture holds one answer as Mastodon's documentation shows it: ``status``, ``headers``
and a JSON ``body`` (or a raw ``text``, for the event stream), the ``request`` it answers
(``:id`` and ``:hashtag`` stand for a path segment) and its ``source``. ``FIXTURE_HOST``
stands for this server's address. A header value
``RESET+N`` becomes the time N seconds from now, as Mastodon writes X-RateLimit-Reset.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from chatbot.emulator.mastodon.limits import reset_header
from tests.contract.x.fixture_x import FixtureX

FIXTURES = Path(__file__).parent / "fixtures"
_RESET = re.compile(r"^RESET\+(\d+)$")


def load(name: str) -> dict[str, Any]:
    """One fixture by name (without .json)."""
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return fixture


def fixture_names() -> list[str]:
    """Every fixture in the folder."""
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def matches(pattern: str, method: str, path: str) -> bool:
    """Whether ``METHOD /path`` is the request a fixture answers."""
    want_method, want_path = pattern.split(" ", 1)
    regex = re.sub(r":\w+", "[^/]+", re.escape(want_path).replace(r"\:", ":"))
    return method == want_method and re.fullmatch(regex + "/?", path) is not None


def response_of(fixture: dict[str, Any], host: str) -> web.Response:
    """The HTTP answer a fixture describes; ``FIXTURE_HOST`` in it becomes ``host``."""
    headers = dict(fixture["headers"])
    content_type = headers.pop("content-type")
    for name, value in headers.items():
        if match := _RESET.match(value):
            headers[name] = reset_header(datetime.now(UTC) + timedelta(seconds=int(match[1])))
    text = fixture["text"] if "text" in fixture else json.dumps(fixture["body"])
    text = text.replace("FIXTURE_HOST", host)
    response = web.Response(status=fixture["status"], text=text, headers=headers)
    response.headers["Content-Type"] = content_type
    return response


class FixtureMastodon(FixtureX):
    """Answers each request with the next queued Mastodon fixture; records what was asked."""

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append(f"{request.method} {request.path}")
        if not self.queue:
            return web.Response(status=599, text=f"no fixture queued for {request.path}")
        fixture = load(self.queue.pop(0))
        if not matches(fixture["request"], request.method, request.path):
            return web.Response(
                status=599, text=f"{request.method} {request.path} is not {fixture['request']}"
            )
        return response_of(fixture, request.host)
