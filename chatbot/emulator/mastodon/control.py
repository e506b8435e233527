"""The emulator's control surface (not part of Mastodon): Python methods for tests, and the
same under ``/_emulator/`` for a demo in another process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from chatbot.emulator.mastodon.api import publish_status
from chatbot.emulator.mastodon.entities import status_json
from chatbot.emulator.mastodon.limits import RateLimiter
from chatbot.emulator.mastodon.state import State
from chatbot.emulator.mastodon.store import Account, Status, Store
from chatbot.emulator.x.traffic import Faults, InjectedError, RequestLog


class ControlMixin:
    """Set up the world, inject faults and read the log of a Mastodon emulator."""

    state: State

    def add_account(
        self, acct: str, *, display_name: str | None = None, followers_count: int = 0,
        bot: bool = False,
    ) -> Account:  # fmt: skip
        """Create (or return) an account: ``ana`` is local, ``ana@fosstodon.example`` remote."""
        username, _, domain = acct.lstrip("@").partition("@")
        return self.state.store.add_account(
            username,
            domain=domain or None,
            display_name=display_name,
            followers_count=followers_count,
            bot=bot,
        )

    def add_status(
        self,
        author: str,
        text: str,
        *,
        created_at: datetime | None = None,
        reply_to: str | int | None = None,
        visibility: str = "public",
        spoiler_text: str = "",
        html: str | None = None,
    ) -> str:
        """Post a status as ``author`` (created if unknown; a remote one arrives as if
        federated, with the id of its own ``created_at``) and stream it. Return its id.
        ``html`` is a remote server's content, kept as given (never for a local author)."""
        store = self.state.store
        account = self.add_account(author)
        parent = store.statuses[int(reply_to)] if reply_to is not None else None
        status = store.add_status(
            account,
            text,
            created_at=created_at,
            in_reply_to=parent,
            visibility=visibility,
            spoiler_text=spoiler_text,
            html=html if account.domain else None,
        )
        publish_status(self.state, status)
        return str(status.id)

    def reblog(self, author: str, status_id: str | int) -> str:
        """Boost a status as ``author`` (boosts stay out of hashtag timelines and streams)."""
        store = self.state.store
        original = store.statuses[int(status_id)]
        return str(store.add_status(self.add_account(author), "", reblog_of=original).id)

    def status(self, status_id: str | int) -> Status:
        """A stored status."""
        return self.state.store.statuses[int(status_id)]

    def statuses(self) -> list[dict[str, Any]]:
        """Every status, oldest first, as the API renders it."""
        store = self.state.store
        return [status_json(store.statuses[i], store) for i in sorted(store.statuses)]

    def add_token(self, token: str, acct: str) -> None:
        """Accept ``token`` as an access token of ``acct`` (a local account, made if new)."""
        self.state.tokens[token] = self.add_account(acct).id

    def set_credentials_valid(self, valid: bool) -> None:
        """Refuse every access token (401), or accept them again."""
        self.state.credentials_valid = valid

    def set_max_characters(self, limit: int) -> None:
        """Change the instance's status length limit (``max_characters``)."""
        self.state.max_characters = limit

    @property
    def request_log(self) -> RequestLog:
        """Every REST request and stream connection, with its status."""
        return self.state.log

    def request_counts(self) -> dict[str, int]:
        """Requests per endpoint, e.g. {'POST /api/v1/statuses': 2}."""
        return self.state.log.counts()

    def inject_rate_limit(self, count: int = 1, *, reset_in_seconds: float = 60.0) -> None:
        """Answer the next ``count`` REST requests with 429, resetting that far away."""
        self.state.faults.add_rate_limits(count, reset_in_seconds)

    def inject_errors(
        self, count: int = 1, *, status: int = 503, after_processing: bool = False,
        after: int = 0, body: str = "json",
    ) -> None:  # fmt: skip
        """Answer ``count`` REST requests with ``status`` once ``after`` more were answered;
        ``after_processing``: the work is done, the answer is lost. ``body``: "json"
        (Mastodon's), "html" (nginx's page) or "empty"."""
        error = InjectedError(status, after_processing, body)
        self.state.faults.add_errors(count, error, after=after)

    def inject_drops(self, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without an answer on the next ``count`` REST requests."""
        self.state.faults.add_drops(count, after_processing=after_processing)

    def set_latency(self, seconds: float, *, count: int | None = None) -> None:
        """Delay REST answers by ``seconds`` (the next ``count``, or all when None)."""
        self.state.faults.slow_down(seconds, count)

    def clear_faults(self) -> None:
        """Drop every queued fault, the latency and a streaming outage."""
        self.state.faults.clear()
        self.state.streaming_down = False

    def set_rate_limit(self, endpoint: str | None, *, limit: int, period: int) -> None:
        """Set a budget, e.g. ('POST /api/v1/statuses', limit=3, period=300); None: every
        REST request (Mastodon's 300 per 5 minutes)."""
        self.state.limiter.configure(endpoint, limit=limit, period=period)

    def drop_streams(self, *, graceful: bool = False) -> int:
        """End every open stream (cut, or closed cleanly); return how many there were."""
        return self.state.hub.drop_all(graceful=graceful)

    def set_streaming_down(self, down: bool = True) -> None:
        """Answer new stream connections 502 (the streaming server is down) or serve them."""
        self.state.streaming_down = down

    @property
    def open_streams(self) -> int:
        """How many hashtag streams are connected."""
        return len(self.state.hub.subscribers)

    async def wait_for_streams(self, count: int = 1) -> None:
        """Wait until ``count`` hashtag streams are connected (bound it with
        ``asyncio.timeout``)."""
        hub = self.state.hub
        while len(hub.subscribers) < count:
            hub.changed.clear()
            await hub.changed.wait()

    def reset(self) -> None:
        """Forget every status, extra account, log entry, fault and rate-limit window."""
        state = self.state
        tokens = {t: state.store.accounts[a].acct for t, a in state.tokens.items()}
        state.store = Store(state.now, domain=state.store.domain)
        state.tokens = {token: self.add_account(acct).id for token, acct in tokens.items()}
        state.log, state.faults = RequestLog(), Faults()
        state.limiter = RateLimiter(state.now)
        state.credentials_valid, state.streaming_down = True, False


JsonAction = Callable[[ControlMixin, dict[str, Any]], Any]


def _created_at(body: dict[str, Any]) -> datetime | None:
    raw = body.get("created_at")
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else None


_ACTIONS: dict[tuple[str, str], JsonAction] = {
    ("POST", "/accounts"): lambda emu, b: {
        "id": emu.add_account(
            b["acct"],
            display_name=b.get("display_name"),
            followers_count=int(b.get("followers_count", 0)),
        ).id
    },
    ("POST", "/statuses"): lambda emu, b: {
        "id": emu.add_status(
            b["author"],
            b.get("text", ""),
            created_at=_created_at(b),
            reply_to=b.get("reply_to"),
            visibility=b.get("visibility", "public"),
            spoiler_text=b.get("spoiler_text", ""),
            html=b.get("html"),
        )
    },
    ("GET", "/statuses"): lambda emu, _: emu.statuses(),
    ("POST", "/reblogs"): lambda emu, b: {"id": emu.reblog(b["author"], b["status_id"])},
    ("GET", "/log"): lambda emu, _: emu.request_log.summary(),
    ("POST", "/reset"): lambda emu, _: emu.reset(),
    ("POST", "/tokens"): lambda emu, b: emu.add_token(b["token"], b["acct"]),
    ("POST", "/credentials"): lambda emu, b: emu.set_credentials_valid(bool(b["valid"])),
    ("POST", "/max-characters"): lambda emu, b: emu.set_max_characters(int(b["limit"])),
    ("POST", "/faults/rate-limit"): lambda emu, b: emu.inject_rate_limit(
        int(b.get("count", 1)), reset_in_seconds=float(b.get("reset_in_seconds", 60))
    ),
    ("POST", "/faults/errors"): lambda emu, b: emu.inject_errors(
        int(b.get("count", 1)),
        status=int(b.get("status", 503)),
        after_processing=bool(b.get("after_processing", False)),
        after=int(b.get("after", 0)),
        body=str(b.get("body", "json")),
    ),
    ("POST", "/faults/drops"): lambda emu, b: emu.inject_drops(
        int(b.get("count", 1)), after_processing=bool(b.get("after_processing", False))
    ),
    ("POST", "/faults/latency"): lambda emu, b: emu.set_latency(
        float(b["seconds"]), count=b.get("count")
    ),
    ("DELETE", "/faults"): lambda emu, _: emu.clear_faults(),
    ("POST", "/rate-limits"): lambda emu, b: emu.set_rate_limit(
        b.get("endpoint"), limit=int(b["limit"]), period=int(b["period"])
    ),
    ("POST", "/streams/drop"): lambda emu, b: {
        "dropped": emu.drop_streams(graceful=bool(b.get("graceful", False)))
    },
    ("POST", "/streaming"): lambda emu, b: emu.set_streaming_down(bool(b["down"])),
}


def _route(emulator: ControlMixin, action: JsonAction) -> Callable[..., Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json() if request.can_read_body else {}
        try:
            result = action(emulator, body)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)
        return web.json_response(result if result is not None else {"ok": True})

    return handle


def control_routes(app: web.Application, emulator: ControlMixin) -> None:
    """Mount the control API under /_emulator/."""
    for (method, path), action in _ACTIONS.items():
        app.router.add_route(method, f"/_emulator{path}", _route(emulator, action))
