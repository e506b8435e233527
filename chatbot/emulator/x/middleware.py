"""The X API gate: latency, dropped connections, auth, injected faults, rate limits, log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web

from chatbot.emulator.x.api_read import AUTH, STATE
from chatbot.emulator.x.auth import authenticate
from chatbot.emulator.x.errors import (
    InvalidRequest,
    credits_depleted,
    failure,
    no_write_permission,
    problem,
)
from chatbot.emulator.x.limits import RateLimiter
from chatbot.emulator.x.payload import FieldError
from chatbot.emulator.x.state import State
from chatbot.emulator.x.traffic import LoggedRequest

log = logging.getLogger("chatbot.emulator.x")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def endpoint_of(request: web.Request) -> str:
    """Return 'METHOD /path/:id' for the route a request matched."""
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    return f"{request.method} {canonical.replace('{id}', ':id')}"


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
    auth = await authenticate(state.credentials, request)
    if auth is None:
        return problem(401)
    request[AUTH] = auth
    if faults.credits_exhausted:
        return credits_depleted()
    if request.method != "GET" and auth.kind == "oauth1" and not auth.write:
        return no_write_permission()
    if faults.rate_limited > 0:
        faults.rate_limited -= 1
        limit = state.limiter.limits.get(endpoint)
        resets = state.now() + timedelta(seconds=faults.rate_limit_reset_seconds)
        limited = failure(429, faults.rate_limit_body)
        limited.headers.update(RateLimiter.exhausted_headers(limit, resets))
        return limited
    error = faults.errors.pop(0) if faults.errors else None
    if error is not None and not error.after_processing:
        return failure(error.status, error.body)
    allowed, headers = state.limiter.take(endpoint, auth)
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
        log.info("answering %s with %s after processing it", endpoint, error.status)
        return failure(error.status, error.body)
    response.headers.update(headers)
    # X reports the token's permission ('read' for the app-only bearer token).
    response.headers["x-access-level"] = "read-write" if auth.write else "read"
    return response
