"""The XRPC front door: method dispatch, latency, drops, faults, rate limits and the log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from chatbot.emulator.bluesky import api_read, api_repo
from chatbot.emulator.bluesky.auth import ACCESS_SCOPE, bearer
from chatbot.emulator.bluesky.errors import XrpcError, failure
from chatbot.emulator.bluesky.state import State, state_of
from chatbot.emulator.x.traffic import LoggedRequest

log = logging.getLogger("chatbot.emulator.bluesky")
Handler = Callable[[web.Request], Awaitable[web.Response]]

METHODS: dict[str, tuple[str, Handler]] = {
    "com.atproto.server.createSession": ("POST", api_repo.create_session),
    "com.atproto.server.refreshSession": ("POST", api_repo.refresh_session),
    "com.atproto.identity.resolveHandle": ("GET", api_repo.resolve_handle),
    "com.atproto.repo.createRecord": ("POST", api_repo.create_record),
    "com.atproto.repo.deleteRecord": ("POST", api_repo.delete_record),
    "com.atproto.repo.getRecord": ("GET", api_repo.get_record),
    "app.bsky.feed.searchPosts": ("GET", api_read.search_posts),
    "app.bsky.feed.getPosts": ("GET", api_read.get_posts),
    "app.bsky.feed.getPostThread": ("GET", api_read.get_post_thread),
    "app.bsky.actor.getProfile": ("GET", api_read.get_profile),
}


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)


async def xrpc(request: web.Request) -> web.Response:
    """Answer one XRPC call, with the faults and limits queued for it."""
    nsid = request.match_info["nsid"]
    state = state_of(request)
    entry = LoggedRequest(nsid, request.method, request.path_qs, 0, state.now())
    state.log.entries.append(entry)
    faults = state.faults
    if delay := faults.take_latency():
        await asyncio.sleep(delay)
    drop_after = faults.drops.pop(0) if faults.drops else None
    if drop_after is False:
        log.info("dropping connection before %s", nsid)
        return _drop(request)
    response = await _answer(request, state, nsid)
    entry.status = response.status
    if drop_after:
        log.info("dropping connection after %s", nsid)
        return _drop(request)
    return response


async def _answer(request: web.Request, state: State, nsid: str) -> web.Response:
    method = METHODS.get(nsid)
    if method is None:
        return XrpcError(501, "Method Not Implemented", "MethodNotImplemented").response()
    if request.method != method[0]:
        return XrpcError(
            400, f"Incorrect HTTP method ({request.method}) expected {method[0]}"
        ).response()
    faults = state.faults
    if faults.rate_limited > 0:
        faults.rate_limited -= 1
        headers = state.limiter.spent_headers(faults.rate_limit_reset_seconds)
        return XrpcError(429).response(headers)
    error = faults.errors.pop(0) if faults.errors else None
    if error is not None and not error.after_processing:
        return failure(error.status, error.body)
    allowed, headers = state.limiter.take(
        nsid, ip=request.remote or "", did=_caller(request, state)
    )
    if not allowed:
        wait = int(headers["RateLimit-Reset"]) - int(state.now().timestamp())
        return XrpcError(429).response(headers | {"Retry-After": str(max(0, wait))})
    try:
        response = await method[1](request)
    except XrpcError as exc:
        response = exc.response()
    except Exception:
        log.exception("emulator bug while answering %s", nsid)
        response = XrpcError(500).response()
    if error is not None:
        log.info("answering %s with %s after processing it", nsid, error.status)
        return failure(error.status, error.body)
    response.headers.update(headers)
    return response


def _caller(request: web.Request, state: State) -> str | None:
    """The DID a write is charged to (None when the token is absent or bad: the handler
    then answers the auth error)."""
    try:
        token = bearer(request)
        return str(state.sessions.verify(token, ACCESS_SCOPE)["sub"]) if token else None
    except XrpcError:
        return None
