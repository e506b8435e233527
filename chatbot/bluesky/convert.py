"""Bluesky's JSON (post views, Jetstream commits, profiles) to the network-neutral values.

A post's ``id`` is its ``at://`` URI, its ``url`` the bsky.app page. Its time is when the
network saw it (the AppView's ``indexedAt``, Jetstream's ``time_us``), not the record's
``createdAt``: that one is written by the poster's client and can say anything.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chatbot.bluesky.text import tags_of
from chatbot.domain.network import Author, NetPost, Network, PostRef
from chatbot.domain.posts import Metrics

POST = "app.bsky.feed.post"
_AT_URI = re.compile(r"^at://([^/]+)/([^/]+)/([^/]+)$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def split_uri(uri: str) -> tuple[str, str, str]:
    """(repo, collection, rkey) of an at:// URI; ValueError for anything else."""
    match = _AT_URI.match(uri)
    if match is None:
        raise ValueError(f"not an at:// record URI: {uri!r}")
    return match.group(1), match.group(2), match.group(3)


def post_url(handle: str, uri: str) -> str:
    """The post's page on bsky.app."""
    return f"https://bsky.app/profile/{handle}/post/{split_uri(uri)[2]}"


def post_ref(uri: str, cid: str, handle: str, record: dict[str, Any]) -> PostRef:
    """Where a post lives, with its thread's root (itself, for a post that replies to none)."""
    root = (record.get("reply") or {}).get("root") or {"uri": uri, "cid": cid}
    return PostRef(
        network=Network.BLUESKY,
        id=uri,
        url=post_url(handle, uri),
        cid=cid,
        root_id=str(root.get("uri", uri)),
        root_cid=str(root.get("cid", cid)),
    )


def author_of(profile: dict[str, Any]) -> Author:
    """An Author from a profile view (basic or detailed)."""
    return Author(
        network=Network.BLUESKY,
        id=str(profile["did"]),
        handle=str(profile["handle"]),
        name=str(profile.get("displayName") or ""),
        followers=int(profile.get("followersCount") or 0),
    )


def parse_time(value: str) -> datetime:
    """An AT Protocol datetime (always with a zone) as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def to_time_us(moment: datetime) -> int:
    """An aware datetime as Jetstream's microseconds since the epoch."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_time_us(time_us: int) -> datetime:
    """Jetstream's microseconds since the epoch as an aware datetime."""
    return _EPOCH + timedelta(microseconds=time_us)


def net_post(
    *,
    uri: str,
    cid: str,
    author: Author,
    record: dict[str, Any],
    seen_at: datetime,
    counts: dict[str, Any] | None = None,
) -> NetPost:
    """A NetPost from a post record and what is known around it."""
    reply = record.get("reply") or {}
    counts = counts or {}
    return NetPost(
        ref=post_ref(uri, cid, author.handle, record),
        author=author,
        text=str(record.get("text", "")),
        created_at=seen_at,
        reply_to=(reply.get("parent") or {}).get("uri"),
        quote_of=quoted_uri(record),
        hashtags=tags_of(record),
        metrics=Metrics(
            like_count=int(counts.get("likeCount") or 0),
            reply_count=int(counts.get("replyCount") or 0),
            retweet_count=int(counts.get("repostCount") or 0),
            quote_count=int(counts.get("quoteCount") or 0),
        ),
    )


def from_post_view(view: dict[str, Any]) -> NetPost:
    """A NetPost from an app.bsky.feed.defs#postView (search, getPosts)."""
    return net_post(
        uri=str(view["uri"]),
        cid=str(view["cid"]),
        author=author_of(view["author"]),
        record=view["record"],
        seen_at=parse_time(str(view["indexedAt"])),
        counts=view,
    )


def quoted_uri(record: dict[str, Any]) -> str | None:
    """The URI of the post a record quotes (an embed record, with or without media)."""
    embed = record.get("embed") or {}
    inner = embed.get("record") if isinstance(embed, dict) else None
    if isinstance(inner, dict) and isinstance(inner.get("record"), dict):
        inner = inner["record"]  # a quote with media
    if isinstance(inner, dict) and isinstance(inner.get("uri"), str):
        return str(inner["uri"])
    return None
