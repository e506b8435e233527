"""The emulator's in-memory world: accounts, posts and uploaded media."""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chatbot.emulator.x.entities import MediaLink, ProcessedText, cut_long, is_long, process_text
from chatbot.emulator.x.query import Node, PostFacts, words_of
from chatbot.emulator.x.snowflake import SnowflakeGenerator, snowflake_at
from chatbot.emulator.x.weighted import MAX_WEIGHTED_LENGTH

HOST_USER_ID = 1500000000000000001
HOST_USERNAME = "SMBchatHost"
SEARCH_WINDOW = timedelta(days=7)
_LEADING_MENTIONS = re.compile(r"^(?:@(\w{1,15})\s+)+")


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
    """A post as the emulator keeps it.

    ``processed`` is the whole text as X stores it (reply mentions, t.co links, the media
    link); ``shown`` is what the ``text`` field carries: the same, or for a long post its
    first part, '…' and a link (the whole text is then in ``note_tweet``).
    """

    id: int
    author_id: int
    created_at: datetime
    conversation_id: int
    processed: ProcessedText
    shown: ProcessedText
    visible_at: datetime  # when recent search starts returning it
    display_start: int = 0  # where the text after the reply mentions begins
    in_reply_to_post_id: int | None = None
    in_reply_to_user_id: int | None = None
    quoted_post_id: int | None = None
    retweet_of: int | None = None
    media_keys: tuple[str, ...] = ()
    metrics: dict[str, int] = field(default_factory=dict)
    lang: str = "en"
    submitted_text: str = ""

    @property
    def text(self) -> str:
        """The post's ``text`` field, as X returns it."""
        return self.shown.text

    @property
    def long(self) -> bool:
        """True for a post over 280 weighted characters (X returns it as a note tweet)."""
        return self.shown is not self.processed


def _may_be_long(processed: ProcessedText) -> bool:
    """False when the text is surely within 280 weighted characters, without counting.

    X weighs a character 1 (most of Latin, Greek, Cyrillic and ASCII punctuation: all of
    ASCII) or 2, an emoji sequence 2 and a link 23. Once processed, every link is a t.co
    link of 23 characters (weighing what it is long), so an ASCII text weighs at most
    its length and any text at most twice its length. Only texts over those bounds are
    counted with twitter-text (``is_long``), which is slow: most posts are short.
    """
    if any(u["end"] - u["start"] < 23 for u in processed.entities.get("urls", ())):
        return True  # a link shorter than it weighs: count
    text = processed.text
    bound = len(text) if text.isascii() else 2 * len(text)
    return bound > MAX_WEIGHTED_LENGTH


METRIC_NAMES = (
    "retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count",
    "impression_count",
)  # fmt: skip


class Store:
    """Users, posts and media, with id generation on the emulator's clock."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        visibility_delay: tuple[float, float] = (0.0, 0.0),
        seed: int = 0,
    ) -> None:
        self.now = now
        self.ids = SnowflakeGenerator()
        self.users: dict[int, StoredUser] = {}
        self.posts: dict[int, StoredPost] = {}
        self.media: dict[int, dict[str, Any]] = {}
        self.visibility_delay = visibility_delay
        self._rng = random.Random(seed)
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
        reply_mentions: bool = True,
        quote_of: int | None = None,
        retweet_of: int | None = None,
        media_keys: Iterable[str] = (),
        metrics: dict[str, int] | None = None,
    ) -> StoredPost:
        """Store a post as X would (validation is the API handler's job).

        A reply starts with the @mentions of its conversation, as X's apps write it
        (``reply_mentions=False`` for an API call that does not ask for them).
        """
        moment = created_at or self.now()
        post_id = self.ids.next_id(moment)
        parent = self.posts.get(reply_to) if reply_to is not None else None
        author = self.users[author_id]
        if retweet_of is not None and retweet_of in self.posts:
            original = self.posts[retweet_of]
            text = f"RT @{self.users[original.author_id].username}: {original.processed.text}"
        prefix = self._reply_prefix(parent, author, text) if parent and reply_mentions else ""
        media_keys = tuple(media_keys)
        media = None
        if media_keys:
            photo = f"https://x.com/{author.username}/status/{post_id}/photo/1"
            media = MediaLink(photo, media_keys[0])
        processed = process_text(f"{prefix} {text}", self._ids_by_name, media=media)
        shown = processed
        if _may_be_long(processed) and is_long(processed):
            shown = cut_long(processed, f"https://x.com/i/web/status/{post_id}")
        low, high = self.visibility_delay
        post = StoredPost(
            id=post_id,
            author_id=author_id,
            created_at=moment,
            conversation_id=parent.conversation_id if parent else post_id,
            processed=processed,
            shown=shown,
            visible_at=moment + timedelta(seconds=self._rng.uniform(low, high) if high else 0),
            display_start=len(prefix) + 1 if prefix else 0,
            in_reply_to_post_id=reply_to,
            in_reply_to_user_id=parent.author_id if parent else None,
            quoted_post_id=quote_of,
            retweet_of=retweet_of,
            media_keys=media_keys,
            metrics={name: 0 for name in METRIC_NAMES} | (metrics or {}),
            submitted_text=text,
        )
        self._index(post)
        if parent is not None:
            parent.metrics["reply_count"] += 1
        if quote_of in self.posts:
            self.posts[quote_of].metrics["quote_count"] += 1
        if retweet_of in self.posts:
            self.posts[retweet_of].metrics["retweet_count"] += 1
        return post

    def _reply_prefix(self, parent: StoredPost, author: StoredUser, text: str) -> str:
        """The @mentions X puts before a reply: the parent's author, then its mentions."""
        written = _LEADING_MENTIONS.match(text.strip())
        skip = {author.username.lower()}
        if written:
            skip |= {name.lower() for name in re.findall(r"@(\w+)", written.group(0))}
        names = [self.users[parent.author_id].username]
        names += [m["username"] for m in parent.processed.entities.get("mentions", [])]
        prefix: list[str] = []
        for name in names:
            if name.lower() not in skip:
                skip.add(name.lower())
                prefix.append(f"@{name}")
        return " ".join(prefix)

    def _index(self, post: StoredPost) -> None:
        self.posts[post.id] = post
        if not self._post_ids or post.id > self._post_ids[-1]:
            self._post_ids.append(post.id)
        else:
            bisect.insort(self._post_ids, post.id)

    def facts(self, post: StoredPost) -> PostFacts:
        """Return what the query matcher needs to know about ``post``."""
        author = self.users[post.author_id]
        replied = self.users.get(post.in_reply_to_user_id or 0)
        original = self.posts.get(post.retweet_of or 0)
        return PostFacts(
            words=words_of(post.processed.text),
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
            replied_post_id=post.in_reply_to_post_id,
            quoted_post_id=post.quoted_post_id,
            retweeted_post_id=post.retweet_of,
            retweeted_username=(
                self.users[original.author_id].username.lower() if original else None
            ),
        )

    def search(
        self,
        tree: Node,
        *,
        newer_than: int | None,
        older_than: int | None,
        start: datetime,
        end: datetime,
        visible_by: datetime,
        limit: int | None = None,
    ) -> list[StoredPost]:
        """Return matching posts, newest first (at most ``limit``), retweets included.

        Only posts search already shows at ``visible_by`` count. Walks the ids in the
        window newest first and stops at ``limit``: a post's id encodes its creation
        millisecond, so the window's ids lie between ``snowflake_at(start)`` and
        ``snowflake_at(end + 1 ms)``.
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
                and start <= post.created_at < end
                and post.visible_at <= visible_by
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
