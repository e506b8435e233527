"""Write routes: create and delete posts, upload media."""

from __future__ import annotations

import base64
import binascii
import html
import json
from typing import Any

from aiohttp import BodyPartReader, web

from chatbot.emulator.x.api_read import AUTH, STATE, unsupported_auth
from chatbot.emulator.x.errors import (
    DUPLICATE_DETAIL,
    InvalidRequest,
    json_response,
    parse_id,
    problem,
)
from chatbot.emulator.x.state import State
from chatbot.emulator.x.store import StoredPost
from chatbot.emulator.x.weighted import MAX_WEIGHTED_LENGTH, weighted_length

REPLY_NOT_VISIBLE = "You attempted to reply to a Tweet that is deleted or not visible to you."
TOO_LONG = (
    "Your Tweet text is too long. For more information on how X determines text length "
    "see https://github.com/twitter/twitter-text."
)


def _is_duplicate(state: State, author_id: int, text: str) -> bool:
    since = state.now() - state.settings.duplicate_window
    wanted = text.strip()
    return any(
        post.author_id == author_id
        and post.created_at >= since
        and post.retweet_of is None
        and post.submitted_text.strip() == wanted
        for post in state.store.posts.values()
    )


def _read_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise InvalidRequest("Request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    return body


# The request body's schema (X API v2 OpenAPI, TweetCreateRequest, and paid_partnership).
BODY_FIELDS = frozenset(
    {
        "card_uri", "community_id", "direct_message_deep_link", "edit_options",
        "for_super_followers_only", "geo", "media", "nullcast", "paid_partnership", "poll",
        "quote_tweet_id", "reply", "reply_settings", "share_with_followers", "text",
    }
)  # fmt: skip


async def create_post(request: web.Request) -> web.Response:
    """POST /2/tweets."""
    state = request.app[STATE]
    auth = request[AUTH]
    if auth.user_id is None:
        return unsupported_auth()
    body = _read_body(await request.read())
    for name in body:
        if name not in BODY_FIELDS:
            raise InvalidRequest(
                f"$.{name}: is not defined in the schema and the schema does not allow "
                "additional properties"
            )
    text = body.get("text")
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
    if not media_ids and (not isinstance(text, str) or not text.strip()):
        raise InvalidRequest("$.text: a post needs text or media", "text", str(text or ""))
    text = text if isinstance(text, str) else ""
    if weighted_length(text) > MAX_WEIGHTED_LENGTH:
        raise InvalidRequest(TOO_LONG, "text", text)
    media_keys = []
    for media_id in media_ids:
        media = state.store.media.get(_ref_id(media_id, "media.media_ids") or 0)
        if media is None or media["owner"] != auth.user_id:
            raise InvalidRequest("Your media IDs are invalid.", "media.media_ids", media_id)
        media_keys.append(media["media_key"])
    reply = body.get("reply") or {}
    reply_to = _ref_id(reply.get("in_reply_to_tweet_id"), "reply.in_reply_to_tweet_id")
    if reply_to is not None and reply_to not in state.store.posts:
        return problem(403, REPLY_NOT_VISIBLE)
    quote_of = _ref_id(body.get("quote_tweet_id"), "quote_tweet_id")
    if quote_of is not None and quote_of not in state.store.posts:
        raise InvalidRequest("The quoted Tweet does not exist.", "quote_tweet_id", str(quote_of))
    if text and _is_duplicate(state, auth.user_id, text):
        return problem(403, DUPLICATE_DETAIL)
    post = state.store.add_post(
        auth.user_id,
        text,
        reply_to=reply_to,
        reply_mentions=bool(reply.get("auto_populate_reply_metadata")),
        quote_of=quote_of,
        media_keys=media_keys,
    )
    state.log.posts_created += 1
    if post.processed.expanded_urls:  # a link in the text; the media link is not one
        state.log.posts_created_with_url += 1
    return json_response({"data": created_payload(post)}, status=201)


def created_payload(post: StoredPost) -> dict[str, Any]:
    """Return the ``data`` X answers a create with."""
    return {
        "id": str(post.id),
        "text": html.escape(post.text, quote=False),
        "edit_history_tweet_ids": [str(post.id)],
    }


def _ref_id(value: Any, name: str) -> int | None:
    if value is None:
        return None
    return parse_id({name: str(value)}, name)


async def delete_post(request: web.Request) -> web.Response:
    """DELETE /2/tweets/:id."""
    state = request.app[STATE]
    auth = request[AUTH]
    if auth.user_id is None:
        return unsupported_auth()
    post = state.store.posts.get(parse_id(dict(request.match_info), "id") or 0)
    if post is None:
        return json_response({"data": {"deleted": False}})
    if post.author_id != auth.user_id:
        return problem(403, "You are not allowed to delete a Tweet you did not author.")
    del state.store.posts[post.id]
    return json_response({"data": {"deleted": True}})


async def upload_media(request: web.Request) -> web.Response:
    """POST /2/media/upload (simple upload: multipart ``media`` or JSON base64 ``media``)."""
    state = request.app[STATE]
    auth = request[AUTH]
    if auth.user_id is None:
        return unsupported_auth()
    data, category, mime = await _read_media(request)
    if not data:
        raise InvalidRequest("media must be provided", "media", "")
    media_id = state.store.ids.next_id(state.now())
    media = {
        "id": str(media_id),
        "media_key": f"3_{media_id}",
        "size": len(data),
        "expires_after_secs": 86400,
        "image": {"image_type": mime, "w": 0, "h": 0},
    }
    state.store.media[media_id] = media | {"owner": auth.user_id, "category": category}
    return json_response({"data": media})


async def _read_media(request: web.Request) -> tuple[bytes, str, str]:
    if request.content_type.startswith("multipart/"):
        data, category, mime = b"", "tweet_image", "image/png"
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "media":
                data = await part.read()
                mime = part.headers.get("Content-Type", mime)
            elif part.name == "media_category":
                category = (await part.text()).strip()
        return data, category, mime
    body = _read_body(await request.read())
    try:
        data = base64.b64decode(body.get("media", ""), validate=True)
    except (binascii.Error, TypeError) as exc:
        raise InvalidRequest("media must be base64", "media", "") from exc
    return data, body.get("media_category", "tweet_image"), body.get("media_type", "image/png")
