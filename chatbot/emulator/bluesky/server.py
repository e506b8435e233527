"""BlueskyEmulator: a local PDS (with the AppView's reads) and Jetstream, for tests and the demo."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from chatbot.emulator.bluesky import jetstream
from chatbot.emulator.bluesky.auth import Sessions
from chatbot.emulator.bluesky.control import ControlMixin, control_routes
from chatbot.emulator.bluesky.gate import xrpc
from chatbot.emulator.bluesky.limits import RateLimiter
from chatbot.emulator.bluesky.state import STATE, State
from chatbot.emulator.bluesky.store import HOST_APP_PASSWORD, HOST_HANDLE, Store
from chatbot.emulator.x.traffic import Faults, RequestLog

log = logging.getLogger("chatbot.emulator.bluesky")


def _real_now() -> datetime:
    return datetime.now(UTC)


class BlueskyEmulator(ControlMixin):
    """An in-memory Bluesky: XRPC under /xrpc/ and Jetstream at /subscribe, one port.

    The bot's account is ``handle`` with the app password ``app_password``; sessions,
    records, errors and rate-limit headers follow the PDS. ``search_lag_seconds`` makes
    search show each new post that much later (Jetstream shows it at once).
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        handle: str = HOST_HANDLE,
        app_password: str = HOST_APP_PASSWORD,
        search_lag_seconds: float = 0.0,
        access_ttl: timedelta = timedelta(hours=2),
    ) -> None:
        self.now = now or _real_now
        store = Store(self.now, search_lag=timedelta(seconds=search_lag_seconds))
        host = store.add_account(handle, display_name="SMB Chat Host", app_password=app_password)
        self.host_did = host.did
        sessions = Sessions(self.now, "did:web:pds.emulator", access_ttl=access_ttl)
        self.state = State(self.now, store, sessions, RateLimiter(self.now), Faults(), RequestLog())
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app[STATE] = self.state
        app[jetstream.OPEN_SOCKETS] = set()
        app.router.add_route("*", "/xrpc/{nsid}", xrpc)
        app.router.add_get("/subscribe", jetstream.subscribe)
        control_routes(app, self)
        app.on_shutdown.append(jetstream.close_all)
        return app

    @property
    def jetstream_url(self) -> str:
        """The Jetstream address (``ws://…``; the same port as the PDS)."""
        return self.base_url.replace("http", "ws", 1)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); return the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_port = self._runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{bound_port}"
        log.info("Bluesky emulator listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        """Stop serving and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BlueskyEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()


async def serve_forever(
    host: str = "127.0.0.1", port: int = 8788, *, seed_demo: bool = False
) -> None:
    """Run an emulator until cancelled (the ``chatbot emulator`` command)."""
    emulator = BlueskyEmulator()
    if seed_demo:
        seed_demo_world(emulator)
    base_url = await emulator.start(host, port)
    print(
        f"Bluesky emulator on {base_url} (Jetstream {emulator.jetstream_url}/subscribe, "
        f"control API under {base_url}/_emulator/): BLUESKY_SERVICE={base_url} "
        f"BLUESKY_JETSTREAM={emulator.jetstream_url} BLUESKY_HANDLE={HOST_HANDLE} "
        f"BLUESKY_APP_PASSWORD={HOST_APP_PASSWORD}"
    )
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def seed_demo_world(emulator: BlueskyEmulator) -> None:
    """Add a few participant accounts so a demo has someone to talk to."""
    for handle, name, followers in (
        ("ana-bakes.bsky.social", "Ana · Sweet Crumbs Bakery", 1200),
        ("bo-builds.bsky.social", "Bo Builds Decks", 340),
        ("cleo-codes.bsky.social", "Cleo Codes Shopify", 5100),
    ):
        emulator.add_account(handle, display_name=name, followers=followers)
