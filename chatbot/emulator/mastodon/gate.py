"""The REST API gate: latency, dropped connections, tokens, injected faults, rate limits and
the request log, in front of every ``/api/`` route except the streaming ones."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from email.utils import format_datetime

from aiohttp import web

from chatbot.emulator.mastodon.api import ACCOUNT, ApiError
from chatbot.emulator.mastodon.limits import limited_headers
from chatbot.emulator.mastodon.state import STATE, State
from chatbot.emulator.x.traffic import LoggedRequest

log = logging.getLogger("chatbot.emulator.mastodon")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOO_MANY = "Too many requests"
_MESSAGES = {
    500: "We're sorry, but something went wrong on our end.",
    502: "Bad Gateway",
    503: "The server is temporarily unavailable",
    504: "Gateway Timeout",
}


def endpoint_of(request: web.Request) -> str:
    """'METHOD /path/:id' for the route a request matched."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    canonical = canonical.rstrip("/") or "/"
    return f"{request.method} {canonical.replace('{id}', ':id').replace('{hashtag}', ':hashtag')}"


def failure(status: int, body: str = "json") -> web.Response:
    """An injected failure: Mastodon's JSON error, or what a proxy in front of it sends
    ("html": nginx's error page, "empty": nothing)."""
    if body == "empty":
        return web.Response(status=status, body=b"")
    message = _MESSAGES.get(status, "Error")
    if body == "html":
        page = f"<html><head><title>{status} {message}</title></head><body>"
        page += f"<center><h1>{status} {message}</h1></center><hr><center>nginx</center>"
        return web.Response(status=status, text=page + "</body></html>", content_type="text/html")
    return web.json_response({"error": message}, status=status)


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)


def _authenticate(request: web.Request, state: State) -> web.Response | None:
    """Note the token's account; a token that is given but invalid is refused everywhere."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    account_id = state.account_for(header.removeprefix("Bearer ").strip())
    if account_id is None or not header.startswith("Bearer "):
        return web.json_response({"error": "The access token is invalid"}, status=401)
    request[ACCOUNT] = account_id
    return None


@web.middleware
async def mastodon_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply faults, tokens and rate limits to the REST API, and log every request."""
    if not request.path.startswith("/api/") or request.path.startswith("/api/v1/streaming"):
        return await handler(request)
    state = request.app[STATE]
    endpoint = endpoint_of(request)
    entry = LoggedRequest(endpoint, request.method, request.path_qs, 0, state.now())
    state.log.entries.append(entry)
    if delay := state.faults.take_latency():
        await asyncio.sleep(delay)
    drop_after = state.faults.drops.pop(0) if state.faults.drops else None
    if drop_after is False:
        log.info("dropping connection before %s", endpoint)
        return _drop(request)
    response = await _answer(request, handler, state, endpoint)
    entry.status = response.status
    response.headers["Date"] = format_datetime(state.now().astimezone(UTC), usegmt=True)
    if drop_after:
        log.info("dropping connection after %s", endpoint)
        return _drop(request)
    return response


async def _answer(
    request: web.Request, handler: Handler, state: State, endpoint: str
) -> web.StreamResponse:
    refused = _authenticate(request, state)
    if refused is not None:
        return refused
    faults = state.faults
    if faults.rate_limited > 0:
        faults.rate_limited -= 1
        reset = state.now() + timedelta(seconds=faults.rate_limit_reset_seconds)
        limited = web.json_response({"error": TOO_MANY}, status=429)
        limited.headers.update(limited_headers(state.limiter.api.limit, reset))
        return limited
    error = faults.errors.pop(0) if faults.errors else None
    if error is not None and not error.after_processing:
        return failure(error.status, error.body)
    identity = request.get(ACCOUNT) or f"ip:{request.remote}"
    allowed, headers = state.limiter.take(endpoint, identity)
    if not allowed:
        exhausted = web.json_response({"error": TOO_MANY}, status=429)
        exhausted.headers.update(headers)
        return exhausted
    response: web.StreamResponse
    try:
        response = await handler(request)
    except ApiError as exc:
        response = exc.response()
    except web.HTTPException as exc:
        message = "Record not found" if exc.status == 404 else exc.reason
        response = web.json_response({"error": message}, status=exc.status)
    except Exception:
        log.exception("emulator bug while answering %s", endpoint)
        response = failure(500)
    if error is not None:
        log.info("answering %s with %s after processing it", endpoint, error.status)
        return failure(error.status, error.body)
    response.headers.update(headers)
    return response
