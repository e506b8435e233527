"""Everything one emulator holds, shared by its handlers, and the request helpers they use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from chatbot.emulator.bluesky.auth import Sessions, authenticated_did
from chatbot.emulator.bluesky.errors import invalid
from chatbot.emulator.bluesky.limits import RateLimiter
from chatbot.emulator.bluesky.store import Store
from chatbot.emulator.x.traffic import Faults, RequestLog


@dataclass(slots=True)
class State:
    """The emulator's world, sessions, limits, faults and log."""

    now: Callable[[], datetime]
    store: Store
    sessions: Sessions
    limiter: RateLimiter
    faults: Faults
    log: RequestLog
    stream_open: bool = True  # False: Jetstream refuses connections (503)


STATE = web.AppKey("bluesky_state", State)


def state_of(request: web.Request) -> State:
    """The emulator state behind a request."""
    return request.app[STATE]


def viewer(request: web.Request, *, required: bool = False) -> str | None:
    """The DID of the caller's access token (a present token must be valid)."""
    return authenticated_did(request, state_of(request).sessions, required=required)


def param(query: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    """A query parameter; 400 when a required one is missing."""
    value = query.get(name)
    if value is None and required:
        raise invalid(f'Params must have the property "{name}"')
    return value


def int_param(query: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high], as the lexicon bounds it."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer") from None
    if value < low:
        raise invalid(f"{name} can not be less than {low}")
    if value > high:
        raise invalid(f"{name} can not be greater than {high}")
    return value


async def input_body(request: web.Request, *required: str) -> dict[str, Any]:
    """A procedure's JSON input, with its required properties."""
    try:
        body = await request.json()
    except ValueError:
        raise invalid("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("Input must be an object")
    for name in required:
        if name not in body:
            raise invalid(f'Input must have the property "{name}"')
    return body
