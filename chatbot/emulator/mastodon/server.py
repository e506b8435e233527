"""MastodonEmulator: a local, stateful Mastodon instance (REST and streaming) for tests and
the demo, which the real Mastodon.py client talks to."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from chatbot.emulator.mastodon import api
from chatbot.emulator.mastodon.control import ControlMixin, control_routes
from chatbot.emulator.mastodon.gate import failure, mastodon_gate
from chatbot.emulator.mastodon.state import DEFAULT_TOKEN, STATE, State
from chatbot.emulator.mastodon.store import Store
from chatbot.emulator.mastodon.streaming import serve_stream
from chatbot.emulator.mastodon.textrules import DEFAULT_MAX_CHARACTERS
from chatbot.emulator.x.traffic import LoggedRequest

log = logging.getLogger("chatbot.emulator.mastodon")
DEFAULT_DOMAIN = "mastodon.example"


def _real_now() -> datetime:
    return datetime.now(UTC)


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="OK")


class MastodonEmulator(ControlMixin):
    """An in-memory Mastodon instance named ``domain`` with one local account, the host
    (``smbchat``, whose access token is ``token``), and a control API for tests.

    Statuses are validated, formatted and paged as Mastodon does; ``heartbeat_seconds`` is
    how often an idle stream gets a ``:thump`` (15 s on Mastodon).
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        domain: str = DEFAULT_DOMAIN,
        token: str = DEFAULT_TOKEN,
        max_characters: int = DEFAULT_MAX_CHARACTERS,
        heartbeat_seconds: float = 15.0,
    ) -> None:
        self.now = now or _real_now
        store = Store(self.now, domain=domain)
        self.state = State(self.now, store, max_characters, heartbeat_seconds)
        self.state.tokens[token] = store.host.id
        self.token = token
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    @property
    def domain(self) -> str:
        """The instance's domain, as in local accounts' handles."""
        return self.state.store.domain

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[mastodon_gate])
        app[STATE] = self.state
        routes = [
            ("GET", "/api/v2/instance", api.instance_v2),
            ("GET", "/api/v1/instance", api.instance_v1),
            ("GET", "/api/v1/accounts/verify_credentials", api.verify_credentials),
            ("GET", "/api/v1/accounts/{id}", api.get_account),
            ("POST", "/api/v1/statuses", api.create_status),
            ("GET", "/api/v1/statuses/{id}", api.get_status),
            ("DELETE", "/api/v1/statuses/{id}", api.delete_status),
            ("GET", "/api/v1/timelines/tag/{hashtag}", api.tag_timeline),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, handler)
            app.router.add_route(method, path + "/", handler)  # Rails takes a trailing slash
        app.router.add_get("/api/v1/streaming/hashtag", self._stream)
        app.router.add_get("/api/v1/streaming/hashtag/local", self._stream)
        app.router.add_get("/api/v1/streaming/health", _health)
        control_routes(app, self)
        return app

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        entry = LoggedRequest(f"GET {request.path}", "GET", request.path_qs, 200, state.now())
        state.log.entries.append(entry)
        if state.streaming_down:
            entry.status = 502
            return failure(502, "html")
        response = await serve_stream(
            request,
            hub=state.hub,
            account_for=state.account_for,
            heartbeat_seconds=state.heartbeat_seconds,
        )
        entry.status = response.status
        return response

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); return the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_port = self._runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{bound_port}"
        log.info("Mastodon emulator listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        """End open streams, stop serving and close connections."""
        self.drop_streams(graceful=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> MastodonEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()


async def serve_forever(host: str = "127.0.0.1", port: int = 8789) -> None:
    """Run an emulator until cancelled (the ``chatbot emulator`` command)."""
    emulator = MastodonEmulator()
    base_url = await emulator.start(host, port)
    print(
        f"Mastodon emulator on {base_url} (control API under {base_url}/_emulator/): "
        f"MASTODON_BASE_URL={base_url} MASTODON_ACCESS_TOKEN={emulator.token}"
    )
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
