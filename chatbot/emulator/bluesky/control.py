"""The emulator's control surface (not part of Bluesky): Python methods and /_emulator/ routes."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from chatbot.emulator.bluesky import jetstream
from chatbot.emulator.bluesky.app_text import app_record
from chatbot.emulator.bluesky.records import POST
from chatbot.emulator.bluesky.state import State
from chatbot.emulator.bluesky.store import Account, Store, StoredPost
from chatbot.emulator.bluesky.tid import new_rkey
from chatbot.emulator.bluesky.views import post_view
from chatbot.emulator.x.traffic import Faults, InjectedError, RequestLog


class ControlMixin:
    """Set up the world, inject faults and read the log of a Bluesky emulator."""

    state: State
    app: web.Application
    now: Callable[[], datetime]
    host_did: str

    def add_account(self, handle: str, **kwargs: Any) -> Account:
        """Create an account (display_name, followers, app_password are optional)."""
        return self.state.store.add_account(handle, **kwargs)

    def add_post(
        self,
        author: str,
        text: str,
        *,
        reply_to: str | None = None,
        created_at: datetime | None = None,
        facets: bool = True,
        tags: tuple[str, ...] = (),
    ) -> str:
        """Post as a participant does from the Bluesky app (facets for links, tags and
        known handles; a reply's root and parent); the account is made if unknown.
        ``facets=False`` posts bare text, as some third-party clients do. Return the URI."""
        store = self.state.store
        account = store.account(author) or store.add_account(author)
        parent = store.post_at(reply_to) if reply_to else None
        if reply_to and parent is None:
            raise KeyError(f"no post {reply_to} to reply to")
        moment = created_at or self.now()
        record = app_record(text, store, moment, facets=facets, tags=tags, parent=parent)
        # Simulated people post many at one instant: the app never reuses a key of its own.
        rkey = new_rkey(moment)
        while store.post_at(f"at://{account.did}/{POST}/{rkey}") is not None:
            rkey = new_rkey(moment)
        return store.create_post(account.did, rkey, record).uri

    def set_counts(self, uri: str, **counts: int) -> None:
        """Change a post's like, repost, reply or quote count."""
        post = self.post(uri)
        for name, value in counts.items():
            if name not in post.counts:
                raise KeyError(f"no count {name!r}; known: {sorted(post.counts)}")
            post.counts[name] = value

    def post(self, uri: str) -> StoredPost:
        """A stored post by URI."""
        post = self.state.store.post_at(uri)
        if post is None:
            raise KeyError(f"no post {uri}")
        return post

    def posts(self) -> list[dict[str, Any]]:
        """Every post as a postView, oldest first."""
        store = self.state.store
        return [post_view(post, store) for post in store.posts.values()]

    @property
    def request_log(self) -> RequestLog:
        """Every XRPC call answered, with its status."""
        return self.state.log

    def request_counts(self) -> dict[str, int]:
        """Calls per method, e.g. {'com.atproto.repo.createRecord': 2}."""
        return self.state.log.counts()

    def reset(self) -> None:
        """Forget every post and participant, log entry, fault and rate-limit window
        (the host account and its sessions stay)."""
        old = self.state.store
        self.state.store = Store(self.now, search_lag=old.search_lag)
        host = old.accounts[self.host_did]
        self.state.store.add_account(
            host.handle, display_name=host.display_name, app_password=next(iter(host.app_passwords))
        )
        self.state.log = RequestLog()
        self.state.limiter.windows.clear()
        self.state.faults = Faults()
        self.state.stream_open = True

    def inject_rate_limit(self, count: int = 1, *, reset_in_seconds: float = 60.0) -> None:
        """Answer the next ``count`` calls 429, the limit resetting ``reset_in_seconds`` away."""
        self.state.faults.add_rate_limits(count, reset_in_seconds)

    def inject_errors(
        self,
        count: int = 1,
        *,
        status: int = 502,
        after_processing: bool = False,
        after: int = 0,
        body: str = "xrpc",
    ) -> None:
        """Answer ``count`` calls with ``status`` (optionally after doing the work), once
        ``after`` more calls have been answered normally. ``body``: "xrpc", "html", "empty"."""
        error = InjectedError(status, after_processing, body)
        self.state.faults.add_errors(count, error, after=after)

    def inject_drops(self, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without an answer on the next ``count`` calls."""
        self.state.faults.add_drops(count, after_processing=after_processing)

    def set_latency(self, seconds: float, *, count: int | None = None) -> None:
        """Delay answers by ``seconds`` (the next ``count`` calls, or all when None)."""
        self.state.faults.slow_down(seconds, count)

    def clear_faults(self) -> None:
        """Drop every queued fault and the latency."""
        self.state.faults.clear()

    def set_rate_limit(self, bucket: str, *, points: int, window_seconds: int) -> None:
        """Set a bucket's budget, e.g. ('repo-write-hour', points=6, window_seconds=3600)."""
        self.state.limiter.configure(bucket, points=points, window_seconds=window_seconds)

    def set_search_lag(self, seconds: float) -> None:
        """From now on, search shows each new post ``seconds`` late."""
        self.state.store.search_lag = timedelta(seconds=seconds)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers 400 ExpiredToken from now on."""
        self.state.sessions.expire_access()

    def expire_refresh_tokens(self) -> None:
        """Revoke every refresh token issued so far (a refresh answers ExpiredToken)."""
        self.state.sessions.expire_refresh()

    def set_stream_open(self, open_: bool) -> None:
        """Let Jetstream accept connections, or refuse them with 503."""
        self.state.stream_open = open_

    async def drop_stream_connections(self) -> int:
        """Close every open Jetstream connection; return how many were open."""
        return await jetstream.close_all(self.app)


JsonAction = Callable[[ControlMixin, dict[str, Any]], Any]


def _time(body: dict[str, Any]) -> datetime | None:
    raw = body.get("created_at")
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None


def _expire(emu: ControlMixin, *, refresh: bool) -> None:
    emu.expire_access_tokens()
    if refresh:
        emu.expire_refresh_tokens()


_ACTIONS: dict[tuple[str, str], JsonAction] = {
    ("POST", "/accounts"): lambda emu, b: {
        "did": emu.add_account(
            b["handle"],
            display_name=b.get("display_name", ""),
            followers=int(b.get("followers", 0)),
            app_password=b.get("app_password"),
        ).did
    },
    ("POST", "/posts"): lambda emu, b: {
        "uri": emu.add_post(
            b["author"],
            b["text"],
            reply_to=b.get("reply_to"),
            created_at=_time(b),
            facets=bool(b.get("facets", True)),
            tags=tuple(b.get("tags", ())),
        )
    },
    ("GET", "/posts"): lambda emu, _: {"posts": emu.posts()},
    ("GET", "/log"): lambda emu, _: emu.request_log.summary(),
    ("POST", "/reset"): lambda emu, _: emu.reset(),
    ("POST", "/faults/rate-limit"): lambda emu, b: emu.inject_rate_limit(
        int(b.get("count", 1)), reset_in_seconds=float(b.get("reset_in_seconds", 60))
    ),
    ("POST", "/faults/errors"): lambda emu, b: emu.inject_errors(
        int(b.get("count", 1)),
        status=int(b.get("status", 502)),
        after_processing=bool(b.get("after_processing", False)),
        after=int(b.get("after", 0)),
        body=str(b.get("body", "xrpc")),
    ),
    ("POST", "/faults/drops"): lambda emu, b: emu.inject_drops(
        int(b.get("count", 1)), after_processing=bool(b.get("after_processing", False))
    ),
    ("POST", "/faults/latency"): lambda emu, b: emu.set_latency(
        float(b["seconds"]), count=b.get("count")
    ),
    ("DELETE", "/faults"): lambda emu, _: emu.clear_faults(),
    ("POST", "/rate-limits"): lambda emu, b: emu.set_rate_limit(
        b["bucket"], points=int(b["points"]), window_seconds=int(b["window_seconds"])
    ),
    ("POST", "/search-lag"): lambda emu, b: emu.set_search_lag(float(b["seconds"])),
    ("POST", "/sessions/expire"): lambda emu, b: _expire(emu, refresh=bool(b.get("refresh"))),
    ("POST", "/jetstream/open"): lambda emu, b: emu.set_stream_open(bool(b["open"])),
    ("POST", "/jetstream/drop"): lambda emu, _: emu.drop_stream_connections(),
}


def _route(emulator: ControlMixin, action: JsonAction) -> Callable[..., Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json() if request.can_read_body else {}
        try:
            result = action(emulator, body)
            if inspect.isawaitable(result):
                result = {"closed": await result}
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(result if result is not None else {"ok": True})

    return handle


def control_routes(app: web.Application, emulator: ControlMixin) -> None:
    """Mount the control API under /_emulator/."""
    for (method, path), action in _ACTIONS.items():
        app.router.add_route(method, f"/_emulator{path}", _route(emulator, action))
