"""Read routes: recent search, post lookup, user timeline, users/me."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from chatbot.emulator.x.auth import Auth
from chatbot.emulator.x.errors import (
    InvalidRequest,
    check_parameters,
    format_param_time,
    json_response,
    not_found_error,
    parse_id,
    parse_max_results,
    parse_time,
    problem,
)
from chatbot.emulator.x.payload import Fields, render_collection, render_user
from chatbot.emulator.x.query import QueryError, parse_query
from chatbot.emulator.x.snowflake import snowflake_at
from chatbot.emulator.x.state import State
from chatbot.emulator.x.store import SEARCH_WINDOW, StoredPost

TIMELINE_START = datetime(2010, 11, 6, 0, 0, 1, tzinfo=UTC)  # X's documented minimum

STATE: web.AppKey[State] = web.AppKey("state", State)
AUTH: web.RequestKey[Auth] = web.RequestKey("auth", Auth)
APP_ONLY_FORBIDDEN = (
    "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
    "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
)


_FIELDS = ("tweet.fields", "expansions", "media.fields", "poll.fields", "user.fields",
           "place.fields")  # fmt: skip
# The query parameters each route takes (X API v2 OpenAPI); any other is a 400.
SEARCH_PARAMETERS = (
    "query", "start_time", "end_time", "since_id", "until_id", "max_results", "next_token",
    "pagination_token", "sort_order", *_FIELDS,
)  # fmt: skip
TIMELINE_PARAMETERS = (
    "since_id", "until_id", "max_results", "pagination_token", "exclude", "start_time",
    "end_time", *_FIELDS,
)  # fmt: skip
LOOKUP_PARAMETERS = ("ids", *_FIELDS)
ME_PARAMETERS = ("user.fields", "expansions", "tweet.fields")


def unsupported_auth() -> web.Response:
    """Answer a user-context endpoint called with an app-only bearer token."""
    return problem(
        403,
        APP_ONLY_FORBIDDEN,
        title="Unsupported Authentication",
        type_="https://api.twitter.com/2/problems/unsupported-authentication",
    )


def encode_token(older_than: int) -> str:
    """Return an opaque pagination token meaning 'posts older than this id'."""
    return base64.b32encode(f"p{older_than}".encode()).decode().rstrip("=").lower()


def decode_token(token: str, name: str) -> int:
    """Read back a pagination token; raise InvalidRequest when it is not ours."""
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
        if raw.startswith("p") and raw[1:].isdigit():
            return int(raw[1:])
    except ValueError:
        pass
    raise InvalidRequest(f"The `{name}` query parameter value [{token}] is not valid", name, token)


def _page_body(
    state: State,
    posts: list[StoredPost],
    size: int,
    fields: Fields,
    token_name: str,
    *,
    relevancy: bool = False,
    search: bool = False,
) -> dict[str, Any]:
    """One page of ``posts`` (newest first); ``relevancy`` orders the page by engagement;
    ``search``: recent search's page (the log counts those reads apart)."""
    page = posts[:size]
    if not page:
        return {"meta": {"result_count": 0}}
    oldest = page[-1].id
    if relevancy:
        page = sorted(page, key=lambda post: (sum(post.metrics.values()), post.id), reverse=True)
    body = render_collection(state.store, page, fields)
    meta: dict[str, Any] = {
        "newest_id": str(max(post.id for post in page)),
        "oldest_id": str(oldest),
        "result_count": len(page),
    }
    if len(posts) > size:
        meta[token_name] = encode_token(oldest)
    body["meta"] = meta
    state.log.record_read((p.id for p in page), state.now(), search=search)
    return body


def _window(
    state: State, query: dict[str, str], *, lag: bool
) -> tuple[datetime, datetime, int | None, int | None]:
    now = state.now()
    oldest = now - SEARCH_WINDOW
    start = parse_time(query, "start_time")
    end = parse_time(query, "end_time")
    since_id = parse_id(query, "since_id")
    until_id = parse_id(query, "until_id")
    if lag and (since_id or until_id) and (start or end):
        raise InvalidRequest(
            "Invalid use of 'since_id' or 'until_id' in conjunction with "
            "'start_time' or 'end_time'."
        )
    # Recent search serves 7 days; a user's timeline goes back to X's first days.
    if lag and start is not None and start < oldest:
        raise InvalidRequest(
            f"Invalid 'start_time':'{query['start_time']}'. 'start_time' must be on or "
            f"after {format_param_time(oldest)}",
            "start_time",
            query["start_time"],
        )
    if end is not None and lag and end > now - state.settings.end_time_min_age:
        raise InvalidRequest(
            f"Invalid 'end_time':'{query['end_time']}'. 'end_time' must be a minimum of "
            f"{int(state.settings.end_time_min_age.total_seconds())} seconds prior to the "
            "request time.",
            "end_time",
            query["end_time"],
        )
    if start is not None and end is not None and start >= end:
        raise InvalidRequest(
            f"Invalid 'start_time':'{query['start_time']}'. 'start_time' must be before "
            f"'end_time':'{query['end_time']}'",
            "start_time",
            query["start_time"],
        )
    if lag and since_id is not None and since_id < snowflake_at(oldest):
        raise InvalidRequest(
            f"Invalid 'since_id':'{since_id}'. 'since_id' must be a tweet id created after "
            f"{format_param_time(oldest)}. Please use a 'since_id' that is larger than "
            f"{snowflake_at(oldest)}",
            "since_id",
            str(since_id),
        )
    default_end = now - state.settings.search_lag if lag else now
    default_start = oldest if lag else TIMELINE_START
    return start or default_start, end or default_end, since_id, until_id


async def search_recent(request: web.Request) -> web.Response:
    """GET /2/tweets/search/recent (newest first; ``sort_order=relevancy`` by engagement)."""
    state = request.app[STATE]
    query = dict(request.query)
    check_parameters(query, SEARCH_PARAMETERS)
    if not query.get("query"):
        raise InvalidRequest("The `query` query parameter can not be empty", "query", "")
    try:
        tree = parse_query(query["query"])
    except QueryError as exc:
        raise InvalidRequest(str(exc), "query", query["query"]) from exc
    size = parse_max_results(query, low=10, high=100, default=10)
    order = query.get("sort_order", "recency")
    if order not in ("recency", "relevancy"):
        raise InvalidRequest(
            f"The `sort_order` query parameter value [{order}] is not one of [recency,relevancy]",
            "sort_order",
            order,
        )
    fields = Fields.from_query(query)
    start, end, since_id, until_id = _window(state, query, lag=True)
    older_than = until_id
    for name in ("next_token", "pagination_token"):  # X takes either on recent search
        if name in query:
            token_id = decode_token(query[name], name)
            older_than = token_id if older_than is None else min(older_than, token_id)
    # One more than a page tells _page_body whether a next_token is needed.
    found = state.store.search(
        tree,
        newer_than=since_id,
        older_than=older_than,
        start=start,
        end=end,
        visible_by=state.now(),
        limit=size + 1,
    )
    body = _page_body(
        state, found, size, fields, "next_token", relevancy=order == "relevancy", search=True
    )
    return json_response(body)


async def users_tweets(request: web.Request) -> web.Response:
    """GET /2/users/:id/tweets (a user's timeline, newest first, real time)."""
    state = request.app[STATE]
    query = dict(request.query)
    check_parameters(query, TIMELINE_PARAMETERS)
    user_id = parse_id(dict(request.match_info), "id")
    if user_id not in state.store.users:
        return json_response({"errors": [not_found_error(request.match_info["id"], "id", "user")]})
    size = parse_max_results(query, low=5, high=100, default=10)
    fields = Fields.from_query(query)
    start, end, since_id, until_id = _window(state, query, lag=False)
    exclude = set(query.get("exclude", "").split(","))
    if "pagination_token" in query:
        token_id = decode_token(query["pagination_token"], "pagination_token")
        until_id = token_id if until_id is None else min(until_id, token_id)
    posts = [
        post
        for post in state.store.timeline(user_id)
        if start <= post.created_at <= end
        and (since_id is None or post.id > since_id)
        and (until_id is None or post.id < until_id)
        and not ("retweets" in exclude and post.retweet_of is not None)
        and not ("replies" in exclude and post.in_reply_to_post_id is not None)
    ]
    return json_response(_page_body(state, posts, size, fields, "next_token"))


async def lookup_many(request: web.Request) -> web.Response:
    """GET /2/tweets?ids=… (up to 100; missing ids become partial errors)."""
    state = request.app[STATE]
    check_parameters(request.query, LOOKUP_PARAMETERS)
    raw = request.query.get("ids", "")
    ids = [part for part in raw.split(",") if part]
    if not 1 <= len(ids) <= 100 or not all(part.isdigit() for part in ids):
        raise InvalidRequest(
            f"The `ids` query parameter value [{raw}] is not valid: 1 to 100 numeric ids",
            "ids",
            raw,
        )
    fields = Fields.from_query(dict(request.query))
    found = [state.store.posts[int(i)] for i in ids if int(i) in state.store.posts]
    body: dict[str, Any] = render_collection(state.store, found, fields) if found else {}
    missing = [i for i in ids if int(i) not in state.store.posts]
    if missing:
        body["errors"] = [not_found_error(i, "ids") for i in missing]
    state.log.record_read((p.id for p in found), state.now())
    return json_response(body)


async def lookup_one(request: web.Request) -> web.Response:
    """GET /2/tweets/:id."""
    state = request.app[STATE]
    check_parameters(request.query, LOOKUP_PARAMETERS[1:])
    raw = request.match_info["id"]
    post = state.store.posts.get(parse_id({"id": raw}, "id") or 0)
    if post is None:
        return json_response({"errors": [not_found_error(raw, "id")]})
    body = render_collection(state.store, [post], Fields.from_query(dict(request.query)))
    body["data"] = body["data"][0]
    state.log.record_read([post.id], state.now())
    return json_response(body)


async def users_me(request: web.Request) -> web.Response:
    """GET /2/users/me."""
    state = request.app[STATE]
    auth = request[AUTH]
    if auth.user_id is None:
        return unsupported_auth()
    check_parameters(request.query, ME_PARAMETERS)
    fields = Fields.from_query(dict(request.query))
    return json_response({"data": render_user(state.store.users[auth.user_id], fields.user)})
