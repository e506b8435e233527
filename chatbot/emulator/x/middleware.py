"""The X API gate: latency, dropped connections, auth, injected faults, rate limits, log."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import unquote

from aiohttp import web

from chatbot.emulator.x.api_read import AUTH, STATE
from chatbot.emulator.x.errors import InvalidRequest, problem
from chatbot.emulator.x.payload import FieldError
from chatbot.emulator.x.state import Auth, State
from chatbot.emulator.x.traffic import LoggedRequest, RateLimiter, Window

log = logging.getLogger("chatbot.emulator.x")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')


def endpoint_of(request: web.Request) -> str:
    """Return 'METHOD /path/:id' for the route a request matched."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    return f"{request.method} {canonical.replace('{id}', ':id')}"


def authenticate(state: State, header: str) -> Auth | None:
    """Return who is calling, or None when X would answer 401."""
    if not state.settings.credentials_valid:
        return None
    if header.startswith("OAuth "):
        params = {k: unquote(v) for k, v in _OAUTH_PARAM.findall(header)}
        needed = ("oauth_consumer_key", "oauth_token", "oauth_signature", "oauth_nonce")
        if not all(params.get(name) for name in needed):
            return None
        user_id = state.settings.tokens.get(params["oauth_token"])
        if user_id is None:
            if state.settings.strict_tokens:
                return None
            user_id = state.store.host_id
        return Auth("oauth1", user_id)
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        if not token or token == "None":
            return None
        user_id = state.settings.tokens.get(token)
        if user_id is None and state.settings.strict_tokens:
            return None
        return Auth("bearer", user_id)
    return None


def _drop(request: web.Request) -> web.Response:
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=499)


@web.middleware
async def x_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply faults, auth and rate limits to /2/ routes, and log them."""
    if not request.path.startswith("/2/"):
        return await handler(request)
    state = request.app[STATE]
    faults = state.faults
    endpoint = endpoint_of(request)
    entry = LoggedRequest(endpoint, request.method, request.path_qs, 0, state.now())
    state.log.entries.append(entry)
    returned_before = state.log.posts_returned
    if delay := faults.take_latency():
        await asyncio.sleep(delay)
    drop_after = faults.drops.pop(0) if faults.drops else None
    if drop_after is False:
        log.info("dropping connection before %s", endpoint)
        return _drop(request)
    response = await _answer(request, handler, state, endpoint)
    entry.status = response.status
    entry.posts_returned = state.log.posts_returned - returned_before
    if drop_after:
        log.info("dropping connection after %s", endpoint)
        return _drop(request)
    return response


async def _answer(
    request: web.Request, handler: Handler, state: State, endpoint: str
) -> web.StreamResponse:
    faults = state.faults
    auth = authenticate(state, request.headers.get("Authorization", ""))
    if auth is None:
        return problem(401)
    request[AUTH] = auth
    if faults.rate_limited > 0:
        faults.rate_limited -= 1
        resets = state.now() + timedelta(seconds=faults.rate_limit_reset_seconds)
        window = Window(0, int(faults.rate_limit_reset_seconds), 0, resets)
        limited = problem(429)
        limited.headers.update(RateLimiter.headers(window))
        return limited
    error = faults.errors.pop(0) if faults.errors else None
    if error is not None and not error[1]:
        return problem(error[0])
    allowed, headers = state.limiter.take(endpoint)
    if not allowed:
        exhausted = problem(429)
        exhausted.headers.update(headers)
        return exhausted
    response: web.StreamResponse
    try:
        response = await handler(request)
    except InvalidRequest as exc:
        response = exc.response()
    except FieldError as exc:
        response = InvalidRequest(str(exc), exc.parameter, exc.value).response()
    except web.HTTPException as exc:
        response = problem(exc.status)
    except Exception:
        log.exception("emulator bug while answering %s", endpoint)
        response = problem(500)
    if error is not None:
        log.info("answering %s with %s after processing it", endpoint, error[0])
        return problem(error[0])
    response.headers.update(headers)
    return response
