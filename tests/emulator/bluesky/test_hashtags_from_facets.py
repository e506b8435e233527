"""The AppView indexes a post's hashtags from its tag facets and ``tags``, not its text:
a post whose client sent no tag facet is not found by its hashtag, though Jetstream
carries its record as it was written."""

from __future__ import annotations

from chatbot.emulator.bluesky import BlueskyEmulator
from tests.bluesky.conftest import ANA, Xrpc


async def _found(xrpc: Xrpc, **params: str) -> set[str]:
    status, _, body = await xrpc.call("app.bsky.feed.searchPosts", **params)
    assert status == 200, body
    return {post["uri"] for post in body["posts"]}


async def test_a_hashtag_without_a_tag_facet_is_not_found_by_tag_search(
    emulator: BlueskyEmulator, xrpc: Xrpc
) -> None:
    faceted = emulator.add_post(ANA, "A1: with a facet #SMBchat")
    bare = emulator.add_post(ANA, "A1: no facet #SMBchat", facets=False)
    in_tags = emulator.add_post(ANA, "A1: tag in the record's tags", tags=("SMBchat",))
    assert await _found(xrpc, q="#SMBchat") == {in_tags, faceted}
    assert await _found(xrpc, q="#smbchat") == {in_tags, faceted}
    assert await _found(xrpc, q="answer", tag="SMBchat") == set()
    assert await _found(xrpc, q="A1", tag="SMBchat") == {in_tags, faceted}
    # A word search reads the text: the bare '#SMBchat' is the word "SMBchat" there.
    assert await _found(xrpc, q="SMBchat") == {bare, faceted}
    record = emulator.state.store.events[-2]["commit"]["record"]
    assert record["text"] == "A1: no facet #SMBchat" and "facets" not in record
