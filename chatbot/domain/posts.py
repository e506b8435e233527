"""Posts and users as the chat core sees them, free of any client library.

They are shaped after X's (numeric ids); a post from Bluesky or Mastodon is carried in
the same shape under its stored id (``domain.network.stored_id``), with its network and
its own id and address beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Network(StrEnum):
    """A network a chat can be hosted on."""

    X = "x"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"


@dataclass(frozen=True, slots=True)
class XUser:
    """An X account as the bot needs it."""

    id: int
    username: str
    name: str = ""
    followers_count: int = 0


@dataclass(frozen=True, slots=True)
class Metrics:
    """Public engagement counts of one post."""

    like_count: int = 0
    reply_count: int = 0
    retweet_count: int = 0
    quote_count: int = 0
    impression_count: int = 0

    @property
    def engagement(self) -> int:
        """Likes, replies, reposts and quotes together."""
        return self.like_count + self.reply_count + self.retweet_count + self.quote_count


@dataclass(frozen=True, slots=True)
class XPost:
    """One post read from X (a participant's answer, a reply, the host's own post)."""

    id: int
    author: XUser
    text: str
    created_at: datetime
    conversation_id: int | None = None
    in_reply_to_post_id: int | None = None
    in_reply_to_user_id: int | None = None
    quoted_post_id: int | None = None
    metrics: Metrics = field(default_factory=Metrics)
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    network: Network = Network.X
    native_id: str = ""  # another network's own id (a Bluesky at:// URI, a Mastodon id)
    url: str = ""  # where another network shows the post (X's is built from the id)


@dataclass(frozen=True, slots=True)
class SearchBatch:
    """What one collection pass returned: new posts oldest first, and the newest id seen.

    A pass that stopped early (X failed part-way, or the page cap was reached) read
    every matching post from the newest down to ``resume_below``; the older ones, down
    to ``since_id``, are still to be read with ``until_id=resume_below``. ``error``
    says why it stopped, if it failed.
    """

    posts: list[XPost]
    newest_id: int | None
    requests: int
    rate_remaining: int | None = None  # searches left in X's current rate-limit window
    rate_reset: datetime | None = None  # when that window resets
    resume_below: int | None = None
    error: str = ""

    @property
    def complete(self) -> bool:
        """True when the pass read everything down to ``since_id``."""
        return self.resume_below is None
