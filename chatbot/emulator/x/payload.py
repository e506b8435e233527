"""Render stored posts and users as X API v2 JSON, with only the fields asked for."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatbot.emulator.x.store import Store, StoredPost, StoredUser

TWEET_FIELDS = frozenset(
    {
        "article", "attachments", "author_id", "card_uri", "community_id",
        "context_annotations", "conversation_id", "created_at", "display_text_range",
        "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
        "in_reply_to_user_id", "lang", "media_metadata", "non_public_metrics", "note_tweet",
        "organic_metrics", "possibly_sensitive", "promoted_metrics", "public_metrics",
        "referenced_tweets", "reply_settings", "scopes", "source", "text", "withheld",
    }
)  # fmt: skip
USER_FIELDS = frozenset(
    {
        "affiliation", "connection_status", "created_at", "description", "entities", "id",
        "location", "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url",
        "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscription",
        "subscription_type", "url", "username", "verified", "verified_type", "withheld",
    }
)  # fmt: skip
EXPANSIONS = frozenset(
    {
        "article.cover_media", "article.media_entities", "attachments.media_keys",
        "attachments.media_source_tweet", "attachments.poll_ids", "author_id",
        "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
        "in_reply_to_user_id", "entities.note.mentions.username", "referenced_tweets.id",
        "referenced_tweets.id.attachments.media_keys", "referenced_tweets.id.author_id",
    }
)  # fmt: skip


class FieldError(ValueError):
    """A fields or expansions parameter names something X does not know."""

    def __init__(self, parameter: str, value: str, allowed: Iterable[str]) -> None:
        self.parameter = parameter
        self.value = value
        super().__init__(
            f"The `{parameter}` query parameter value [{value}] is not one of "
            f"[{','.join(sorted(allowed))}]"
        )


def iso(moment: datetime) -> str:
    """Format a datetime as X does: UTC, milliseconds, trailing Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class Fields:
    """The tweet.fields, user.fields and expansions of one request."""

    tweet: frozenset[str] = frozenset()
    user: frozenset[str] = frozenset()
    expansions: frozenset[str] = frozenset()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Fields:
        """Read and validate the three parameters; raise FieldError on an unknown name."""
        parsed = []
        for name, allowed in (
            ("tweet.fields", TWEET_FIELDS),
            ("user.fields", USER_FIELDS),
            ("expansions", EXPANSIONS),
        ):
            values = frozenset(v for v in query.get(name, "").split(",") if v)
            for value in values:
                if value not in allowed:
                    raise FieldError(name, value, allowed)
            parsed.append(values)
        return cls(*parsed)


def render_user(user: StoredUser, fields: frozenset[str]) -> dict[str, Any]:
    """Return a user object: id, name, username, plus the requested fields we model."""
    out: dict[str, Any] = {"id": str(user.id), "name": user.name, "username": user.username}
    if "created_at" in fields:
        out["created_at"] = iso(user.created_at)
    if "description" in fields:
        out["description"] = user.description
    if "verified" in fields:
        out["verified"] = user.verified
    if "protected" in fields:
        out["protected"] = False
    if "public_metrics" in fields:
        out["public_metrics"] = {
            "followers_count": user.followers_count,
            "following_count": user.following_count,
            "tweet_count": 0,
            "listed_count": 0,
            "like_count": 0,
            "media_count": 0,
        }
    return out


def referenced(post: StoredPost) -> list[dict[str, str]]:
    """Return the referenced_tweets list of a post (replied_to, quoted, retweeted)."""
    refs = []
    if post.retweet_of is not None:
        refs.append({"type": "retweeted", "id": str(post.retweet_of)})
    if post.quoted_post_id is not None:
        refs.append({"type": "quoted", "id": str(post.quoted_post_id)})
    if post.in_reply_to_post_id is not None:
        refs.append({"type": "replied_to", "id": str(post.in_reply_to_post_id)})
    return refs


def render_post(post: StoredPost, fields: frozenset[str]) -> dict[str, Any]:
    """Return a post object: id, text, edit_history_tweet_ids, plus requested fields."""
    out: dict[str, Any] = {
        "id": str(post.id),
        "text": html.escape(post.text, quote=False),  # X escapes &, < and >
        "edit_history_tweet_ids": [str(post.id)],
    }
    if "author_id" in fields:
        out["author_id"] = str(post.author_id)
    if "created_at" in fields:
        out["created_at"] = iso(post.created_at)
    if "conversation_id" in fields:
        out["conversation_id"] = str(post.conversation_id)
    if "in_reply_to_user_id" in fields and post.in_reply_to_user_id is not None:
        out["in_reply_to_user_id"] = str(post.in_reply_to_user_id)
    if "referenced_tweets" in fields and (refs := referenced(post)):
        out["referenced_tweets"] = refs
    if "entities" in fields and post.shown.entities:
        out["entities"] = post.shown.entities
    if "note_tweet" in fields and post.long:
        note: dict[str, Any] = {"text": html.escape(post.processed.text, quote=False)}
        if post.processed.entities:
            note["entities"] = post.processed.entities
        out["note_tweet"] = note
    if "display_text_range" in fields:
        out["display_text_range"] = [post.display_start, len(post.text)]
    if "public_metrics" in fields:
        out["public_metrics"] = dict(post.metrics)
    if "lang" in fields:
        out["lang"] = post.lang
    if "attachments" in fields and post.media_keys:
        out["attachments"] = {"media_keys": list(post.media_keys)}
    if "possibly_sensitive" in fields:
        out["possibly_sensitive"] = False
    if "reply_settings" in fields:
        out["reply_settings"] = "everyone"
    return out


def render_collection(store: Store, posts: list[StoredPost], fields: Fields) -> dict[str, Any]:
    """Return ``{"data": [...], "includes": {...}}`` for a list of posts (data may be empty)."""
    body: dict[str, Any] = {"data": [render_post(p, fields.tweet) for p in posts]}
    includes = _includes(store, posts, fields)
    if includes:
        body["includes"] = includes
    return body


def _includes(store: Store, posts: list[StoredPost], fields: Fields) -> dict[str, Any]:
    user_ids: list[int] = []
    ref_posts: list[StoredPost] = []
    if "referenced_tweets.id" in fields.expansions or (
        "referenced_tweets.id.author_id" in fields.expansions
    ):
        for post in posts:
            for ref in referenced(post):
                target = store.posts.get(int(ref["id"]))
                if target is not None and target not in ref_posts:
                    ref_posts.append(target)
    if "author_id" in fields.expansions:
        user_ids.extend(post.author_id for post in posts)
    if "in_reply_to_user_id" in fields.expansions:
        user_ids.extend(p.in_reply_to_user_id for p in posts if p.in_reply_to_user_id)
    if "referenced_tweets.id.author_id" in fields.expansions:
        user_ids.extend(post.author_id for post in ref_posts)
    includes: dict[str, Any] = {}
    unique_users = [store.users[uid] for uid in dict.fromkeys(user_ids) if uid in store.users]
    if unique_users:
        includes["users"] = [render_user(user, fields.user) for user in unique_users]
    if ref_posts:
        includes["tweets"] = [render_post(post, fields.tweet) for post in ref_posts]
    return includes
