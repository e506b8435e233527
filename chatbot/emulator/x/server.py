"""XEmulator: a local, stateful X API v2 server for tests and the demo."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from chatbot.emulator.x import api_read, api_write
from chatbot.emulator.x.api_read import STATE
from chatbot.emulator.x.auth import DEFAULT_KEYS, Credentials, Keys
from chatbot.emulator.x.control_api import ControlMixin, control_routes
from chatbot.emulator.x.middleware import x_gate
from chatbot.emulator.x.state import Settings, State

log = logging.getLogger("chatbot.emulator.x")


def _real_now() -> datetime:
    return datetime.now(UTC)


class XEmulator(ControlMixin):
    """An in-memory X API v2 (posts, search, lookup, media) with a control API for tests.

    It is as strict as X by default: it checks OAuth 1.0a signatures against ``keys`` (the
    app's, and the host account's access token), answers 400 to what X refuses, links and
    cuts text as X does and keeps X's rate limits. ``visibility_delay_seconds`` makes
    recent search show each post late, by a seeded random delay in that range.
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        keys: Keys = DEFAULT_KEYS,
        search_lag_seconds: float = 0.0,
        end_time_min_age_seconds: float = 10.0,
        duplicate_window: timedelta = timedelta(hours=24),
        visibility_delay_seconds: tuple[float, float] = (0.0, 0.0),
        seed: int = 0,
    ) -> None:
        self.now = now or _real_now
        self.keys = keys
        self.settings = Settings(
            search_lag=timedelta(seconds=search_lag_seconds),
            end_time_min_age=timedelta(seconds=end_time_min_age_seconds),
            duplicate_window=duplicate_window,
            visibility_delay=visibility_delay_seconds,
            seed=seed,
        )
        self.state = State.fresh(self.now, self.settings, Credentials.of(keys))
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[x_gate], client_max_size=16 * 1024 * 1024)
        app[STATE] = self.state
        app.router.add_post("/2/tweets", api_write.create_post)
        app.router.add_get("/2/tweets", api_read.lookup_many)
        app.router.add_get("/2/tweets/search/recent", api_read.search_recent)
        app.router.add_get("/2/tweets/{id}", api_read.lookup_one)
        app.router.add_delete("/2/tweets/{id}", api_write.delete_post)
        app.router.add_get("/2/users/me", api_read.users_me)
        app.router.add_get("/2/users/{id}/tweets", api_read.users_tweets)
        app.router.add_post("/2/media/upload", api_write.upload_media)
        control_routes(app, self)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); return the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{bound_port}"
        log.info("X emulator listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        """Stop serving and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> XEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()


async def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8787,
    *,
    seed_demo: bool = False,
    keys: Keys = DEFAULT_KEYS,
    visibility_delay_seconds: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Run an emulator until cancelled (the ``chatbot emulator`` command)."""
    emulator = XEmulator(keys=keys, visibility_delay_seconds=visibility_delay_seconds)
    if seed_demo:
        seed_demo_world(emulator)
    base_url = await emulator.start(host, port)
    print(f"X API emulator on {base_url} (control API under {base_url}/_emulator/)")
    if keys == DEFAULT_KEYS:
        print(
            f"It checks signatures: X_API_KEY={keys.consumer_key} "
            f"X_API_SECRET={keys.consumer_secret} X_ACCESS_TOKEN={keys.access_token} "
            f"X_ACCESS_TOKEN_SECRET={keys.access_token_secret} "
            f"X_BEARER_TOKEN={keys.bearer_token}"
        )
    else:
        print("It checks signatures with the X_* keys of your settings.")
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def seed_demo_world(emulator: XEmulator) -> None:
    """Add a few participant accounts so a demo has someone to talk to."""
    for username, followers in (("ana_bakes", 1200), ("bo_builds", 340), ("cleo_codes", 5100)):
        emulator.add_user(username, followers_count=followers)
