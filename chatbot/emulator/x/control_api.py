"""The emulator's control surface (not part of X): Python methods and /_emulator/ routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from chatbot.emulator.x.auth import AccessToken
from chatbot.emulator.x.limits import RateLimiter
from chatbot.emulator.x.payload import TWEET_FIELDS, USER_FIELDS, render_post, render_user
from chatbot.emulator.x.state import State
from chatbot.emulator.x.store import Store, StoredPost, StoredUser
from chatbot.emulator.x.traffic import Faults, InjectedError, RequestLog

if TYPE_CHECKING:
    from chatbot.emulator.x.state import Settings


class ControlMixin:
    """Set up the world, inject faults and read the log of an emulator."""

    state: State
    settings: Settings
    now: Callable[[], datetime]

    def add_user(self, username: str, **kwargs: Any) -> StoredUser:
        """Create an account (name, followers_count, user_id, verified are optional)."""
        return self.state.store.add_user(username, **kwargs)

    def add_post(
        self,
        author: str | int,
        text: str,
        *,
        created_at: datetime | None = None,
        reply_to: int | None = None,
        reply_mentions: bool = True,
        quote_of: int | None = None,
        retweet_of: int | None = None,
        metrics: dict[str, int] | None = None,
    ) -> int:
        """Add a participant's post as X's apps make it (a reply starts with the
        conversation's @mentions); the account is created if unknown. Return its id."""
        store = self.state.store
        if isinstance(author, int):
            author_id = author
        else:
            author_id = (store.user_by_username(author) or store.add_user(author)).id
        post = store.add_post(
            author_id,
            text,
            created_at=created_at,
            reply_to=reply_to,
            reply_mentions=reply_mentions,
            quote_of=quote_of,
            retweet_of=retweet_of,
            metrics=metrics,
        )
        return post.id

    def set_metrics(self, post_id: int, **metrics: int) -> None:
        """Change a post's public metrics (likes, replies, reposts, quotes, impressions)."""
        self.state.store.posts[post_id].metrics.update(metrics)

    def post(self, post_id: int) -> StoredPost:
        """Return a stored post."""
        return self.state.store.posts[post_id]

    def posts(self) -> list[dict[str, Any]]:
        """Return every post, oldest first, with every field and its author."""
        store = self.state.store
        out = []
        for post in sorted(store.posts.values(), key=lambda p: p.id):
            rendered = render_post(post, TWEET_FIELDS)
            rendered["author"] = render_user(store.users[post.author_id], USER_FIELDS)
            out.append(rendered)
        return out

    @property
    def request_log(self) -> RequestLog:
        """The log: entries, counts(), posts_created, posts_returned, billed_reads."""
        return self.state.log

    def request_counts(self) -> dict[str, int]:
        """Return requests per endpoint, e.g. {'GET /2/tweets/search/recent': 3}."""
        return self.state.log.counts()

    def billed_reads(self) -> int:
        """Return posts read as X bills them (each post once per UTC day)."""
        return len(self.state.log.billed_reads)

    def reset(self) -> None:
        """Forget every post, extra user, log entry, fault and rate-limit window."""
        self.state.store = Store(
            self.now, visibility_delay=self.settings.visibility_delay, seed=self.settings.seed
        )
        self.state.log = RequestLog()
        self.state.limiter = RateLimiter(self.now)
        self.state.faults = Faults()
        self.state.credentials.valid = True

    def inject_rate_limit(
        self, count: int = 1, *, reset_in_seconds: float = 60.0, body: str = "problem"
    ) -> None:
        """Answer the next ``count`` requests with 429 and a reset ``reset_in_seconds`` away
        (``body="html"``: the edge proxy's page instead of X's JSON)."""
        self.state.faults.add_rate_limits(count, reset_in_seconds)
        self.state.faults.rate_limit_body = body

    def inject_errors(
        self,
        count: int = 1,
        *,
        status: int = 503,
        after_processing: bool = False,
        after: int = 0,
        body: str = "problem",
    ) -> None:
        """Answer ``count`` requests with ``status`` (optionally after doing the work), once
        ``after`` more requests have been answered normally (a failure part-way through).

        ``body``: "problem" (X's JSON), "html" or "empty" (X's edge proxy), or
        "unknown-auth" (the intermittent 403 "Authenticating with Unknown is forbidden").
        """
        error = InjectedError(status, after_processing, body)
        self.state.faults.add_errors(count, error, after=after)

    def inject_drops(self, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without an answer on the next ``count`` requests."""
        self.state.faults.add_drops(count, after_processing=after_processing)

    def set_latency(self, seconds: float, *, count: int | None = None) -> None:
        """Delay answers by ``seconds`` (the next ``count`` requests, or all when None)."""
        self.state.faults.slow_down(seconds, count)

    def clear_faults(self) -> None:
        """Drop every queued fault and the latency."""
        self.state.faults.clear()

    def set_credits_exhausted(self, exhausted: bool = True) -> None:
        """Answer every request with 402 (pay-per-use credits spent) until set back."""
        self.state.faults.credits_exhausted = exhausted

    def set_rate_limit(self, endpoint: str, *, limit: int, window_seconds: int) -> None:
        """Set a budget such as ('GET /2/tweets/search/recent', limit=5, window_seconds=900)."""
        self.state.limiter.configure(endpoint, limit=limit, window_seconds=window_seconds)

    def set_daily_limit(
        self, endpoint: str, *, user: int | None = None, app: int | None = None
    ) -> None:
        """Set the 24-hour budgets of an endpoint, e.g. ('POST /2/tweets', user=17); None
        keeps X's."""
        self.state.limiter.configure_daily(endpoint, user=user, app=app)

    def set_visibility_delay(self, low: float, high: float) -> None:
        """From now on, recent search shows each new post ``low``..``high`` seconds late."""
        self.state.store.visibility_delay = (low, high)

    def set_credentials_valid(self, valid: bool) -> None:
        """Make every credential invalid (401) or valid again."""
        self.state.credentials.valid = valid

    def add_access_token(
        self, token: str, secret: str, username: str, *, write: bool = True
    ) -> None:
        """Accept an access token of this app for ``username`` (``write=False``: a token
        made while the app could only read)."""
        store = self.state.store
        user = store.user_by_username(username) or store.add_user(username)
        self.state.credentials.tokens[token] = AccessToken(secret, user.id, write)


JsonHandler = Callable[[ControlMixin, dict[str, Any]], Any]


def _route(emulator: ControlMixin, action: JsonHandler) -> Callable[..., Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json() if request.can_read_body else {}
        body |= dict(request.match_info)
        try:
            result = action(emulator, body)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(result if result is not None else {"ok": True})

    return handle


def _add_post(emu: ControlMixin, body: dict[str, Any]) -> dict[str, str]:
    created = body.pop("created_at", None)
    moment = datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None
    author = body.pop("author")
    refs: dict[str, Any] = {
        k: int(body[k]) for k in ("reply_to", "quote_of", "retweet_of") if body.get(k)
    }
    if "reply_mentions" in body:
        refs["reply_mentions"] = bool(body["reply_mentions"])
    post_id = emu.add_post(
        author, body["text"], created_at=moment, metrics=body.get("metrics"), **refs
    )
    return {"id": str(post_id)}


def _add_user(emu: ControlMixin, body: dict[str, Any]) -> dict[str, str]:
    user = emu.add_user(
        body["username"], name=body.get("name"), followers_count=body.get("followers_count", 0)
    )
    return {"id": str(user.id), "username": user.username}


_ACTIONS: dict[tuple[str, str], JsonHandler] = {
    ("POST", "/users"): _add_user,
    ("POST", "/posts"): _add_post,
    ("GET", "/posts"): lambda emu, _: {"data": emu.posts()},
    ("POST", "/posts/{id}/metrics"): lambda emu, b: emu.set_metrics(
        int(b.pop("id")), **{k: int(v) for k, v in b.items()}
    ),
    ("GET", "/log"): lambda emu, _: emu.request_log.summary(),
    ("POST", "/reset"): lambda emu, _: emu.reset(),
    ("POST", "/faults/rate-limit"): lambda emu, b: emu.inject_rate_limit(
        int(b.get("count", 1)),
        reset_in_seconds=float(b.get("reset_in_seconds", 60)),
        body=str(b.get("body", "problem")),
    ),
    ("POST", "/faults/errors"): lambda emu, b: emu.inject_errors(
        int(b.get("count", 1)),
        status=int(b.get("status", 503)),
        after_processing=bool(b.get("after_processing", False)),
        after=int(b.get("after", 0)),
        body=str(b.get("body", "problem")),
    ),
    ("POST", "/faults/drops"): lambda emu, b: emu.inject_drops(
        int(b.get("count", 1)), after_processing=bool(b.get("after_processing", False))
    ),
    ("POST", "/faults/latency"): lambda emu, b: emu.set_latency(
        float(b["seconds"]), count=b.get("count")
    ),
    ("POST", "/faults/credits"): lambda emu, b: emu.set_credits_exhausted(
        bool(b.get("exhausted", True))
    ),
    ("DELETE", "/faults"): lambda emu, _: emu.clear_faults(),
    ("POST", "/rate-limits"): lambda emu, b: emu.set_rate_limit(
        b["endpoint"], limit=int(b["limit"]), window_seconds=int(b["window_seconds"])
    ),
    ("POST", "/daily-limits"): lambda emu, b: emu.set_daily_limit(
        b["endpoint"], user=b.get("user"), app=b.get("app")
    ),
    ("POST", "/search-lag"): lambda emu, b: emu.set_visibility_delay(
        float(b["low"]), float(b["high"])
    ),
    ("POST", "/credentials"): lambda emu, b: emu.set_credentials_valid(bool(b["valid"])),
    ("POST", "/tokens"): lambda emu, b: emu.add_access_token(
        b["token"], b["secret"], b["username"], write=bool(b.get("write", True))
    ),
}


def control_routes(app: web.Application, emulator: ControlMixin) -> None:
    """Mount the control API under /_emulator/."""
    for (method, path), action in _ACTIONS.items():
        app.router.add_route(method, f"/_emulator{path}", _route(emulator, action))
