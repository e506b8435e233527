"""Posts from Bluesky and Mastodon carried in the core's shape, under stored ids."""

from __future__ import annotations

from datetime import UTC, datetime

from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored, stored_id

AT = datetime(2026, 11, 24, 18, 5, tzinfo=UTC)
PARENT = "at://did:plc:host/app.bsky.feed.post/3lbqaaaaaaa22"
CHILD = "at://did:plc:ana/app.bsky.feed.post/3lbqbbbbbbb22"


def _post(uri: str, *, reply_to: str | None = None) -> NetPost:
    return NetPost(
        ref=PostRef(Network.BLUESKY, uri, url=f"https://bsky.app/{uri[-5:]}"),
        author=Author(Network.BLUESKY, "did:plc:ana", "ana.bsky.social", "Ana"),
        text="A1: local first #SMBchat",
        created_at=AT,
        reply_to=reply_to,
        hashtags=("SMBchat",),
    )


def test_a_reply_points_at_the_stored_id_of_its_parent() -> None:
    parent, child = as_stored(_post(PARENT)), as_stored(_post(CHILD, reply_to=PARENT))
    assert child.in_reply_to_post_id == parent.id == stored_id(Network.BLUESKY, PARENT)
    assert child.network is Network.BLUESKY and child.native_id == CHILD
    assert child.author.username == "ana.bsky.social"
    assert child.author.id == stored_id(Network.BLUESKY, "did:plc:ana") < 0
    assert child.url.startswith("https://bsky.app/")
