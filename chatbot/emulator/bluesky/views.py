"""The AppView's hydrated views: profiles, posts and threads (app.bsky.*.defs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatbot.emulator.bluesky.store import Account, Store, StoredPost

THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND = "app.bsky.feed.defs#notFoundPost"


def stamp(moment: datetime) -> str:
    """A datetime as the AppView writes it: UTC, milliseconds, 'Z'."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def profile_basic(account: Account) -> dict[str, Any]:
    """app.bsky.actor.defs#profileViewBasic."""
    view: dict[str, Any] = {
        "did": account.did,
        "handle": account.handle,
        "associated": {"activitySubscription": {"allowSubscriptions": "followers"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": stamp(account.created_at),
    }
    if account.display_name:
        view["displayName"] = account.display_name
    return view


def profile_detailed(account: Account, store: Store) -> dict[str, Any]:
    """app.bsky.actor.defs#profileViewDetailed (getProfile)."""
    view = profile_basic(account) | {
        "description": account.description,
        "followersCount": account.followers,
        "followsCount": account.follows,
        "postsCount": len(store.posts_by(account.did)),
        "indexedAt": stamp(account.created_at),
    }
    view["associated"] = {
        "lists": 0,
        "feedgens": 0,
        "starterPacks": 0,
        "labeler": False,
        "activitySubscription": {"allowSubscriptions": "followers"},
    }
    return view


def post_view(post: StoredPost, store: Store) -> dict[str, Any]:
    """app.bsky.feed.defs#postView."""
    return {
        "uri": post.uri,
        "cid": post.cid,
        "author": profile_basic(store.accounts[post.did]),
        "record": post.record,
        "bookmarkCount": 0,
        "replyCount": post.counts["reply"],
        "repostCount": post.counts["repost"],
        "likeCount": post.counts["like"],
        "quoteCount": post.counts["quote"],
        "indexedAt": stamp(post.indexed_at),
        "viewer": {"bookmarked": False, "threadMuted": False, "embeddingDisabled": False},
        "labels": [],
    }


def thread_view(
    post: StoredPost, store: Store, *, depth: int, parent_height: int
) -> dict[str, Any]:
    """app.bsky.feed.defs#threadViewPost: the post, its parents up to ``parent_height``
    and its replies ``depth`` levels down (oldest first)."""
    view: dict[str, Any] = {"$type": THREAD_VIEW, "post": post_view(post, store)}
    parent_uri = post.reply_ref("parent")
    if parent_uri and parent_height > 0:
        parent = store.post_at(parent_uri)
        view["parent"] = (
            thread_view(parent, store, depth=0, parent_height=parent_height - 1)
            if parent is not None
            else {"$type": NOT_FOUND, "uri": parent_uri, "notFound": True}
        )
    if depth > 0:
        view["replies"] = [
            thread_view(reply, store, depth=depth - 1, parent_height=0)
            for reply in store.posts.values()
            if reply.reply_ref("parent") == post.uri
        ]
    view["threadContext"] = {}
    return view
