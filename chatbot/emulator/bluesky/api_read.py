"""app.bsky reads (the AppView, reached through the PDS): search, posts, threads, profiles."""

from __future__ import annotations

from aiohttp import web

from chatbot.emulator.bluesky import search
from chatbot.emulator.bluesky.errors import invalid, json_response
from chatbot.emulator.bluesky.records import parse_at_uri
from chatbot.emulator.bluesky.state import int_param, param, state_of, viewer
from chatbot.emulator.bluesky.views import post_view, profile_detailed, thread_view


async def search_posts(request: web.Request) -> web.Response:
    """app.bsky.feed.searchPosts."""
    viewer(request)
    query = request.query
    limit = int_param(query, "limit", default=25, low=1, high=100)
    parsed = search.parse_query(
        param(query, "q", required=True) or "",
        tags=query.getall("tag", []),
        since=query.get("since"),
        until=query.get("until"),
        sort=query.get("sort"),
    )
    offset = search.decode_cursor(query.get("cursor"))
    state = state_of(request)
    found = search.run(state.store, parsed, visible_by=state.now())
    page = found[offset : offset + limit]
    body: dict[str, object] = {
        "posts": [post_view(post, state.store) for post in page],
        "hitsTotal": len(found),
    }
    if offset + limit < len(found):
        body["cursor"] = search.encode_cursor(offset + limit)
    return json_response(body)


async def get_posts(request: web.Request) -> web.Response:
    """app.bsky.feed.getPosts: up to 25 URIs; unknown ones are left out."""
    viewer(request)
    uris = request.query.getall("uris", [])
    if not uris:
        raise invalid('Params must have the property "uris"')
    if len(uris) > 25:
        raise invalid("uris must not have more than 25 elements")
    for uri in uris:
        if parse_at_uri(uri) is None:
            raise invalid(f"uris/{uris.index(uri)} must be a valid at-uri")
    store = state_of(request).store
    posts = [post for post in map(store.post_at, uris) if post is not None]
    return json_response({"posts": [post_view(post, store) for post in posts]})


async def get_post_thread(request: web.Request) -> web.Response:
    """app.bsky.feed.getPostThread."""
    viewer(request)
    query = request.query
    uri = param(query, "uri", required=True) or ""
    depth = int_param(query, "depth", default=6, low=0, high=1000)
    height = int_param(query, "parentHeight", default=80, low=0, high=1000)
    store = state_of(request).store
    post = store.post_at(uri)
    if post is None:
        raise invalid(f"Post not found: {uri}", "NotFound")
    thread = thread_view(post, store, depth=depth, parent_height=height)
    return json_response({"thread": thread})


async def get_profile(request: web.Request) -> web.Response:
    """app.bsky.actor.getProfile, by handle or DID."""
    viewer(request)
    actor = param(request.query, "actor", required=True) or ""
    store = state_of(request).store
    account = store.account(actor)
    if account is None:
        raise invalid("Profile not found")
    return json_response(profile_detailed(account, store))
