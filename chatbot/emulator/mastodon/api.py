"""The REST routes: instance, accounts, statuses (with Idempotency-Key) and the tag timeline."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from yarl import URL

from chatbot.emulator.mastodon.entities import (
    account_json,
    credential_account_json,
    instance_v1_json,
    instance_v2_json,
    status_json,
)
from chatbot.emulator.mastodon.state import STATE, State
from chatbot.emulator.mastodon.store import VISIBILITIES, Account, Status
from chatbot.emulator.mastodon.streaming import status_payload
from chatbot.emulator.mastodon.textrules import status_length

ACCOUNT = web.RequestKey("mastodon_account", str)  # the token's account id, when valid
NOT_FOUND = "Record not found"
REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."


class ApiError(Exception):
    """A refusal Mastodon answers with ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> web.Response:
        """The JSON answer."""
        return web.json_response({"error": self.message}, status=self.status)


def _viewer(request: web.Request) -> str | None:
    return request.get(ACCOUNT)


def _require_account(request: web.Request) -> Account:
    account_id = request.get(ACCOUNT)
    if account_id is None:
        raise ApiError(401, "This method requires an authenticated user")
    return request.app[STATE].store.accounts[account_id]


def _streaming_url(request: web.Request) -> str:
    return f"{'wss' if request.secure else 'ws'}://{request.host}"


async def instance_v2(request: web.Request) -> web.Response:
    """GET /api/v2/instance."""
    state = request.app[STATE]
    return web.json_response(
        instance_v2_json(
            state.store, max_characters=state.max_characters, streaming=_streaming_url(request)
        )
    )


async def instance_v1(request: web.Request) -> web.Response:
    """GET /api/v1/instance (deprecated since 4.0, still served)."""
    state = request.app[STATE]
    body = instance_v1_json(
        state.store, max_characters=state.max_characters, streaming=_streaming_url(request)
    )
    return web.json_response(body)


async def verify_credentials(request: web.Request) -> web.Response:
    """GET /api/v1/accounts/verify_credentials."""
    store = request.app[STATE].store
    return web.json_response(credential_account_json(_require_account(request), store))


async def get_account(request: web.Request) -> web.Response:
    """GET /api/v1/accounts/:id."""
    store = request.app[STATE].store
    account = store.accounts.get(request.match_info["id"])
    if account is None:
        raise ApiError(404, NOT_FOUND)
    return web.json_response(account_json(account, store))


def _status(state: State, raw: str) -> Status:
    status = state.store.statuses.get(int(raw)) if raw.isdigit() else None
    if status is None:
        raise ApiError(404, NOT_FOUND)
    return status


async def get_status(request: web.Request) -> web.Response:
    """GET /api/v1/statuses/:id (public and unlisted statuses; others are not found)."""
    state = request.app[STATE]
    status = _status(state, request.match_info["id"])
    viewer = _viewer(request)
    if status.visibility not in ("public", "unlisted") and viewer != status.account_id:
        raise ApiError(404, NOT_FOUND)
    return web.json_response(status_json(status, state.store, viewer=viewer))


async def delete_status(request: web.Request) -> web.Response:
    """DELETE /api/v1/statuses/:id: one's own status; the answer carries its source text."""
    state = request.app[STATE]
    account = _require_account(request)
    status = _status(state, request.match_info["id"])
    if status.account_id != account.id:
        raise ApiError(404, NOT_FOUND)
    body = status_json(status, state.store, viewer=account.id) | {"text": status.text}
    state.store.delete_status(status)
    state.hub.publish(status.tags, local=True, event="delete", payload=lambda _: str(status.id))
    return web.json_response(body)


async def _form(request: web.Request) -> dict[str, Any]:
    """The parameters of a POST, from a form (as Mastodon.py sends them) or JSON."""
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError as exc:
            raise ApiError(400, "Error occurred while parsing request parameters") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Error occurred while parsing request parameters")
        return body
    form = await request.post()
    params: dict[str, Any] = {key: value for key, value in form.items() if isinstance(value, str)}
    params["media_ids"] = [str(value) for value in form.getall("media_ids[]", [])]
    return params


def publish_status(state: State, status: Status) -> None:
    """Send a new public status to the hashtag streams that follow one of its tags."""
    if status.visibility != "public" or status.reblog_of is not None:
        return
    author = state.store.accounts[status.account_id]
    state.hub.publish(
        status.tags,
        local=author.domain is None,
        event="update",
        payload=status_payload(lambda viewer: status_json(status, state.store, viewer=viewer)),
    )


async def create_status(request: web.Request) -> web.Response:
    """POST /api/v1/statuses, honouring Idempotency-Key as Mastodon does: within an hour the
    same key (per account) answers with the first status, whatever the parameters."""
    state = request.app[STATE]
    account = _require_account(request)
    key = request.headers.get("Idempotency-Key", "")
    if key and (first := state.store.recall_key(account.id, key)) is not None:
        status = state.store.statuses.get(first)
        if status is None:
            raise ApiError(404, NOT_FOUND)
        return web.json_response(status_json(status, state.store, viewer=account.id))
    params = await _form(request)
    text = str(params.get("status") or "")
    spoiler = str(params.get("spoiler_text") or "")
    media_ids = tuple(str(m) for m in params.get("media_ids") or ())
    if not text.strip() and not media_ids:
        raise ApiError(422, "Validation failed: Text can't be blank")
    if media_ids:  # the emulator keeps no media: every id is unknown
        raise ApiError(422, f"Media {', '.join(media_ids)} not found")
    visibility = str(params.get("visibility") or "public")
    if visibility not in VISIBILITIES:
        raise ApiError(422, "Validation failed: Visibility is not included in the list")
    limit = state.max_characters
    if status_length(text, spoiler_text=spoiler) > limit:
        raise ApiError(422, f"Validation failed: Text character limit of {limit} exceeded")
    parent = None
    if reply_id := str(params.get("in_reply_to_id") or ""):
        parent = state.store.statuses.get(int(reply_id)) if reply_id.isdigit() else None
        if parent is None:
            raise ApiError(404, REPLY_NOT_FOUND)
    status = state.store.add_status(
        account, text, in_reply_to=parent, visibility=visibility, spoiler_text=spoiler
    )
    if key:
        state.store.remember_key(account.id, key, status)
    state.log.posts_created += 1
    publish_status(state, status)
    return web.json_response(status_json(status, state.store, viewer=account.id))


def _limit(query: Mapping[str, str]) -> int:
    raw = query.get("limit", "20")
    try:
        return min(max(int(raw), 1), 40)
    except ValueError:
        return 20


def _id(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name, "")
    return int(raw) if raw.isdigit() else None


def page_of(
    statuses: list[Status], *, max_id: int | None, since_id: int | None, min_id: int | None,
    limit: int,
) -> list[Status]:  # fmt: skip
    """One page, newest first, as Mastodon's ``paginate_by_id`` cuts it from statuses given
    newest first: ``min_id`` takes the ``limit`` oldest above it, ``since_id`` the newest."""
    below = [s for s in statuses if max_id is None or s.id < max_id]
    if min_id is not None:
        return list(reversed([s for s in reversed(below) if s.id > min_id][:limit]))
    return [s for s in below if since_id is None or s.id > since_id][:limit]


def link_header(request: web.Request, page: list[Status]) -> str:
    """The ``Link`` header Mastodon writes: ``next`` below the page, ``prev`` above it, each
    keeping only ``limit``, ``local`` and ``only_media``, keys sorted as Rails writes them."""
    kept = {k: v for k, v in request.query.items() if k in ("limit", "local", "only_media")}
    base = URL(f"{request.scheme}://{request.host}{request.path}")

    def url(**cursor: str) -> str:
        return str(base.with_query(sorted((kept | cursor).items())))

    return (
        f'<{url(max_id=str(page[-1].id))}>; rel="next", <{url(min_id=str(page[0].id))}>; rel="prev"'
    )


async def tag_timeline(request: web.Request) -> web.Response:
    """GET /api/v1/timelines/tag/:hashtag (``max_id``, ``since_id``, ``min_id``, ``limit``,
    ``local``), with ``Link`` pagination; an unknown tag is an empty page."""
    state = request.app[STATE]
    query = request.query
    local_only = query.get("local", "").lower() in ("1", "true")
    tagged = list(state.store.tagged(request.match_info["hashtag"], local_only=local_only))
    page = page_of(
        tagged,
        max_id=_id(query, "max_id"),
        since_id=_id(query, "since_id"),
        min_id=_id(query, "min_id"),
        limit=_limit(query),
    )
    viewer = _viewer(request)
    body = [status_json(status, state.store, viewer=viewer) for status in page]
    state.log.record_read((status.id for status in page), at=state.now())
    response = web.json_response(body)
    if page:
        response.headers["Link"] = link_header(request, page)
    return response
