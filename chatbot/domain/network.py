"""Posts on any network (X, Bluesky, Mastodon) as the chat core sees them.

Every network names posts and people its own way: X by numeric ids, Bluesky by
``at://`` URIs and DIDs, Mastodon by status ids on one instance. These values carry
each network's own identifiers as text, tagged with the network, so one chat can
collect from several networks and one recap can name everyone in their own syntax.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.domain.posts import Metrics, Network, XPost, XUser

__all__ = ["Author", "LengthRule", "NetPost", "Network", "PostRef", "as_stored", "stored_id"]


@dataclass(frozen=True, slots=True)
class PostRef:
    """Where one post lives, enough to reply to it or quote it.

    ``id`` is the network's own id as text (an X snowflake, a Bluesky ``at://`` URI, a
    Mastodon status id). Bluesky replies also need the content hash (``cid``) of the
    post and of its thread's root; other networks leave those empty.
    """

    network: Network
    id: str
    url: str = ""
    cid: str = ""
    root_id: str = ""
    root_cid: str = ""


@dataclass(frozen=True, slots=True)
class Author:
    """A participant as their network knows them.

    ``handle`` is what a person would type to mention them, without the leading "@":
    ``ana`` on X, ``ana.bsky.social`` on Bluesky, ``ana@mastodon.social`` on Mastodon.
    ``id`` never changes when the handle does (X user id, DID, account URI).
    """

    network: Network
    id: str
    handle: str
    name: str = ""
    followers: int = 0


@dataclass(frozen=True, slots=True)
class NetPost:
    """One post read from a network: the text as written, with its reply links."""

    ref: PostRef
    author: Author
    text: str
    created_at: datetime
    reply_to: str | None = None  # the parent's id on the same network
    quote_of: str | None = None
    hashtags: tuple[str, ...] = ()  # without "#", as written
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def network(self) -> Network:
        """The network the post was made on."""
        return self.ref.network


@dataclass(frozen=True, slots=True)
class LengthRule:
    """How long a post may be on a network and how its length is counted."""

    limit: int
    unit: str  # "weighted" (X), "graphemes" (Bluesky), "characters" (Mastodon)
    url_length: int | None = None  # a link counts this many, whatever its length


def stored_id(network: Network, native_id: str) -> int:
    """The 64-bit number a post or person of any network is stored under.

    X's own ids are positive numbers and stay as they are. Bluesky URIs and DIDs and
    Mastodon ids become a stable negative number derived from the network and the id,
    so they never clash with X's, and a reply's parent (known only by the network's id)
    maps to the same number as the parent itself: reply chains join in the database the
    same way on every network. Two ids meet on one number with odds near 1 in 10^19.
    """
    if network is Network.X:
        return int(native_id)
    digest = hashlib.blake2b(f"{network}:{native_id}".encode(), digest_size=8).digest()
    return -(int.from_bytes(digest, "big") >> 1) - 1


def as_stored(post: NetPost) -> XPost:
    """A Bluesky or Mastodon post in the shape the chat core collects and assigns, under
    stored ids (its reply parent's too, so reply chains join as on X)."""
    network = post.network
    return XPost(
        id=stored_id(network, post.ref.id),
        author=XUser(
            id=stored_id(network, post.author.id),
            username=post.author.handle,
            name=post.author.name,
            followers_count=post.author.followers,
        ),
        text=post.text,
        created_at=post.created_at,
        in_reply_to_post_id=stored_id(network, post.reply_to) if post.reply_to else None,
        quoted_post_id=stored_id(network, post.quote_of) if post.quote_of else None,
        metrics=post.metrics,
        hashtags=post.hashtags,
        network=network,
        native_id=post.ref.id,
        url=post.ref.url,
    )
