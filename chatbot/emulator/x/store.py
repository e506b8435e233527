"""The emulator's in-memory world: accounts, posts and uploaded media."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chatbot.emulator.x.entities import ProcessedText, process_text
from chatbot.emulator.x.query import Node, PostFacts, words_of
from chatbot.x.snowflake import SnowflakeGenerator, snowflake_at

HOST_USER_ID = 1500000000000000001
HOST_USERNAME = "SMBchatHost"
SEARCH_WINDOW = timedelta(days=7)


@dataclass(slots=True)
class StoredUser:
    """An account the emulator knows."""

    id: int
    username: str
    name: str
    created_at: datetime
    followers_count: int = 0
    following_count: int = 0
    verified: bool = False
    description: str = ""


@dataclass(slots=True)
class StoredPost:
    """A post as the emulator keeps it; ``text`` is what X shows (t.co links)."""

    id: int
    author_id: int
    text: str
    created_at: datetime
    conversation_id: int
    processed: ProcessedText
    in_reply_to_post_id: int | None = None
    in_reply_to_user_id: int | None = None
    quoted_post_id: int | None = None
    retweet_of: int | None = None
    media_keys: tuple[str, ...] = ()
    metrics: dict[str, int] = field(default_factory=dict)
    lang: str = "en"
    submitted_text: str = ""


METRIC_NAMES = ("retweet_count", "reply_count", "like_count", "quote_count", "impression_count")


class Store:
    """Users, posts and media, with id generation on the emulator's clock."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.ids = SnowflakeGenerator()
        self.users: dict[int, StoredUser] = {}
        self.posts: dict[int, StoredPost] = {}
        self.media: dict[int, dict[str, Any]] = {}
        # Indexes, so a post or a search costs what it returns, not the size of the world.
        self._ids_by_name: dict[str, int] = {}
        self._post_ids: list[int] = []  # every post id ever added, ascending
        self.host_id = HOST_USER_ID
        self.add_user(HOST_USERNAME, name="SMB Chat Host", user_id=HOST_USER_ID)

    def add_user(
        self,
        username: str,
        *,
        name: str | None = None,
        followers_count: int = 0,
        user_id: int | None = None,
        verified: bool = False,
    ) -> StoredUser:
        """Create (or return the existing) account with this username."""
        existing = self.user_by_username(username)
        if existing is not None:
            return existing
        uid = user_id if user_id is not None else self.ids.next_id(self.now())
        user = StoredUser(
            id=uid,
            username=username,
            name=name or username,
            created_at=self.now(),
            followers_count=followers_count,
            verified=verified,
        )
        self.users[uid] = user
        self._ids_by_name[username.lower()] = uid
        return user

    def user_by_username(self, username: str) -> StoredUser | None:
        """Return the account with this username, ignoring case."""
        uid = self._ids_by_name.get(username.lstrip("@").lower())
        return self.users.get(uid) if uid is not None else None

    def add_post(
        self,
        author_id: int,
        text: str,
        *,
        created_at: datetime | None = None,
        reply_to: int | None = None,
        quote_of: int | None = None,
        retweet_of: int | None = None,
        media_keys: Iterable[str] = (),
        metrics: dict[str, int] | None = None,
    ) -> StoredPost:
        """Store a post as given (validation is the API handler's job)."""
        moment = created_at or self.now()
        post_id = self.ids.next_id(moment)
        parent = self.posts.get(reply_to) if reply_to is not None else None
        if retweet_of is not None and retweet_of in self.posts:
            original = self.posts[retweet_of]
            text = f"RT @{self.users[original.author_id].username}: {original.text}"
        post = StoredPost(
            id=post_id,
            author_id=author_id,
            text="",
            created_at=moment,
            conversation_id=parent.conversation_id if parent else post_id,
            processed=process_text(text, self._ids_by_name),
            in_reply_to_post_id=reply_to,
            in_reply_to_user_id=parent.author_id if parent else None,
            quoted_post_id=quote_of,
            retweet_of=retweet_of,
            media_keys=tuple(media_keys),
            metrics={name: 0 for name in METRIC_NAMES} | (metrics or {}),
            submitted_text=text,
        )
        post.text = post.processed.text
        self.posts[post_id] = post
        if not self._post_ids or post_id > self._post_ids[-1]:
            self._post_ids.append(post_id)
        else:
            bisect.insort(self._post_ids, post_id)
        if parent is not None:
            parent.metrics["reply_count"] += 1
        if quote_of in self.posts:
            self.posts[quote_of].metrics["quote_count"] += 1
        if retweet_of in self.posts:
            self.posts[retweet_of].metrics["retweet_count"] += 1
        return post

    def facts(self, post: StoredPost) -> PostFacts:
        """Return what the query matcher needs to know about ``post``."""
        author = self.users[post.author_id]
        replied = self.users.get(post.in_reply_to_user_id or 0)
        return PostFacts(
            words=words_of(post.text),
            hashtags=post.processed.hashtags,
            mentions=post.processed.mentions,
            author_username=author.username.lower(),
            author_id=author.id,
            reply_to_username=replied.username.lower() if replied else None,
            conversation_id=post.conversation_id,
            is_reply=post.in_reply_to_post_id is not None,
            is_retweet=post.retweet_of is not None,
            is_quote=post.quoted_post_id is not None,
            urls=post.processed.expanded_urls,
            has_media=bool(post.media_keys),
            lang=post.lang,
            author_verified=author.verified,
        )

    def search(
        self,
        tree: Node,
        *,
        newer_than: int | None,
        older_than: int | None,
        start: datetime,
        end: datetime,
        limit: int | None = None,
    ) -> list[StoredPost]:
        """Return matching posts, newest first (at most ``limit``); never retweets (X, 2026).

        Walks the ids in the window newest first and stops at ``limit``: a post's id
        encodes its creation millisecond, so the window's ids lie between
        ``snowflake_at(start)`` and ``snowflake_at(end + 1 ms)``.
        """
        low = snowflake_at(start)
        if newer_than is not None:
            low = max(low, newer_than + 1)
        high = snowflake_at(end + timedelta(milliseconds=1))
        if older_than is not None:
            high = min(high, older_than)
        ids = self._post_ids
        found: list[StoredPost] = []
        for index in range(bisect.bisect_left(ids, high) - 1, bisect.bisect_left(ids, low) - 1, -1):
            post = self.posts.get(ids[index])
            if (
                post is not None  # deleted
                and post.retweet_of is None
                and start <= post.created_at < end
                and tree.matches(self.facts(post))
            ):
                found.append(post)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def timeline(self, user_id: int) -> list[StoredPost]:
        """Return a user's posts, newest first."""
        mine = [post for post in self.posts.values() if post.author_id == user_id]
        mine.sort(key=lambda post: post.id, reverse=True)
        return mine
