"""X API v2 JSON → domain posts and users."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chatbot.domain.posts import Metrics, XPost, XUser
from chatbot.render.safe_text import storable
from chatbot.x.links import mask_links

TWEET_FIELDS = [
    "author_id",
    "created_at",
    "conversation_id",
    "referenced_tweets",
    "in_reply_to_user_id",
    "entities",
    "public_metrics",
    "note_tweet",  # the whole text of a post over 280 characters
]
USER_FIELDS = ["username", "name", "public_metrics"]
EXPANSIONS = ["author_id"]
# What every post read asks for (tweepy's keyword arguments).
FIELDS: dict[str, list[str]] = {
    "tweet_fields": TWEET_FIELDS,
    "user_fields": USER_FIELDS,
    "expansions": EXPANSIONS,
}
_SPACE = re.compile(r"\s+")


def parse_time(value: str) -> datetime:
    """Parse X's ``2026-11-23T09:29:20.432Z`` into an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)  # reads the "Z" as UTC (Python 3.11+)
    return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)


def to_user(data: Mapping[str, Any]) -> XUser:
    """Convert a v2 user object."""
    metrics = data.get("public_metrics") or {}
    return XUser(
        id=int(data["id"]),
        username=data.get("username", ""),
        name=storable(data.get("name", "")),
        followers_count=int(metrics.get("followers_count", 0)),
    )


def users_by_id(body: Mapping[str, Any]) -> dict[int, XUser]:
    """Return the users of a response's ``includes.users``, keyed by id."""
    users = (body.get("includes") or {}).get("users") or []
    return {int(user["id"]): to_user(user) for user in users}


def _references(tweet: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The ids of the post this one replies to and of the one it quotes."""
    replied = quoted = None
    for ref in tweet.get("referenced_tweets") or ():
        kind = ref.get("type")
        if kind == "replied_to" and replied is None:
            replied = int(ref["id"])
        elif kind == "quoted" and quoted is None:
            quoted = int(ref["id"])
    return replied, quoted


def whole_text(tweet: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """A post's whole text and its entities: ``note_tweet`` for a long post (``text`` is cut
    there), else ``text``; X escapes &, < and >, undone here."""
    note = tweet.get("note_tweet")
    if note and note.get("text"):
        return html.unescape(note["text"]), note.get("entities") or tweet.get("entities") or {}
    return html.unescape(tweet.get("text", "")), tweet.get("entities") or {}


# Metrics are immutable: the posts of one response with the same counts (new posts: all
# zero) share one object.
MetricsCache = dict[tuple[int, int, int, int, int], Metrics]


def _metrics(counts: Mapping[str, Any] | None, cache: MetricsCache) -> Metrics:
    if not counts:
        key = (0, 0, 0, 0, 0)
    else:
        get = counts.get
        key = (
            int(get("like_count", 0)),
            int(get("reply_count", 0)),
            int(get("retweet_count", 0)),
            int(get("quote_count", 0)),
            int(get("impression_count", 0)),
        )
    metrics = cache.get(key)
    if metrics is None:
        metrics = cache[key] = Metrics(*key)
    return metrics


def to_post(
    tweet: Mapping[str, Any],
    users: Mapping[int, XUser],
    metrics_cache: MetricsCache | None = None,
) -> XPost:
    """Convert a v2 post object, joining its author from ``includes.users``.

    Straight from X's JSON dicts (tweepy returns them as they are, no model objects); one
    pass over each post, as every post of a 50,000-post chat goes through here.
    """
    get = tweet.get
    author_id = int(get("author_id", 0))
    text, entities = whole_text(tweet)
    created = get("created_at")
    conversation = get("conversation_id")
    replied_user = get("in_reply_to_user_id")
    replied, quoted = _references(tweet)
    hashtags = entities.get("hashtags")
    mentions = entities.get("mentions")
    urls = entities.get("urls")
    author = users.get(author_id)
    return XPost(
        id=int(tweet["id"]),
        author=author if author is not None else XUser(id=author_id, username=""),
        text=storable(text),  # PostgreSQL text cannot hold a NUL
        created_at=parse_time(created) if created else datetime.now(UTC),
        conversation_id=int(conversation) if conversation else None,
        in_reply_to_post_id=replied,
        in_reply_to_user_id=int(replied_user) if replied_user else None,
        quoted_post_id=quoted,
        metrics=_metrics(get("public_metrics"), {} if metrics_cache is None else metrics_cache),
        hashtags=tuple(tag["tag"] for tag in hashtags) if hashtags else (),
        mentions=tuple(m["username"] for m in mentions) if mentions else (),
        urls=tuple(
            u.get("expanded_url") or u["url"]
            for u in urls
            if "media_key" not in u  # the link X adds for media is not the author's
        )
        if urls
        else (),
    )


def posts_of(body: Mapping[str, Any]) -> list[XPost]:
    """Convert every post in a response's ``data`` (a list or a single object)."""
    data = body.get("data") or []
    if isinstance(data, Mapping):
        data = [data]
    users = users_by_id(body)
    metrics: MetricsCache = {}
    return [to_post(tweet, users, metrics) for tweet in data]


def comparable(text: str) -> str:
    """Text as compared for 'is this my post': links masked (X makes them t.co links, bare
    domains too) and spaces collapsed."""
    return _SPACE.sub(" ", mask_links(text)).strip()


def comparable_post(tweet: Mapping[str, Any]) -> str:
    """A post as compared with the text we sent: without the link X appends for media."""
    text, entities = whole_text(tweet)
    for url in entities.get("urls") or []:
        if "media_key" in url:
            text = text.replace(url["url"], "")
    return comparable(text)
