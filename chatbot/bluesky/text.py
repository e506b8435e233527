"""Bluesky's text rules: the 300-grapheme limit and rich-text facets with UTF-8 byte offsets.

A post's ``text`` may hold at most 300 graphemes and 3000 UTF-8 bytes (the lexicon of
``app.bsky.feed.post``). The PDS counts graphemes with ``Intl.Segmenter``: Unicode
extended grapheme clusters (UAX #29), which ``chatbot.render.graphemes`` counts for every
network, so a family emoji or a flag counts one. Facets (links, hashtags, mentions) point
into the text by UTF-8 byte ranges, never by character index.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import regex
from atproto_client import models
from atproto_client.utils import facet_detection

from chatbot.render.graphemes import grapheme_length
from chatbot.render.length import BLUESKY_RULE

LENGTH_RULE = BLUESKY_RULE
MAX_GRAPHEMES = LENGTH_RULE.limit
MAX_BYTES = 3000
ResolveHandle = Callable[[str], Awaitable[str | None]]


def utf8_length(text: str) -> int:
    """The length of ``text`` in UTF-8 bytes (the unit of facets and of the 3000 cap)."""
    return len(text.encode("utf-8"))


def length_problem(text: str) -> str | None:
    """Why Bluesky would refuse ``text``, or None when it fits."""
    graphemes = grapheme_length(text)
    if graphemes > MAX_GRAPHEMES:
        return f"{graphemes} graphemes, Bluesky allows {MAX_GRAPHEMES}"
    size = utf8_length(text)
    if size > MAX_BYTES:
        return f"{size} bytes, Bluesky allows {MAX_BYTES}"
    return None


async def build_facets(text: str, resolve: ResolveHandle) -> list[models.AppBskyRichtextFacet.Main]:
    """Links, #hashtags, $cashtags and @mentions of ``text``, sorted by byte offset.

    Detection is atproto's port of the official app's (the same rules as bsky.app);
    a mention becomes a facet only when ``resolve`` finds the handle's DID, as the app
    leaves an unknown handle as plain text.
    """
    facets = list(facet_detection.detect_facets(text))
    for mention in facet_detection.detect_mentions(text):
        did = await resolve(mention.handle.lower())
        if did is None:
            continue
        facets.append(
            models.AppBskyRichtextFacet.Main(
                features=[models.AppBskyRichtextFacet.Mention(did=did)],
                index=models.AppBskyRichtextFacet.ByteSlice(
                    byte_start=mention.byte_start, byte_end=mention.byte_end
                ),
            )
        )
    return sorted(facets, key=lambda facet: facet.index.byte_start)


def tags_of(record: dict[str, Any]) -> tuple[str, ...]:
    """The hashtags of a post record (JSON form), without '#', as written, first seen first.

    They come from its tag facets and from its ``tags`` field (tags not shown in the text).
    """
    found: list[str] = []
    for facet in record.get("facets") or []:
        for feature in _features(facet):
            if feature.get("$type") == "app.bsky.richtext.facet#tag":
                found.append(str(feature.get("tag", "")))
    found += [str(tag) for tag in record.get("tags") or []]
    return _unique(tag for tag in found if tag)


def _features(facet: Any) -> list[dict[str, Any]]:
    features = facet.get("features") if isinstance(facet, dict) else None
    return [f for f in features if isinstance(f, dict)] if isinstance(features, list) else []


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def carries_hashtag(record: dict[str, Any], hashtag: str) -> bool:
    """True when a post's tag facets, ``tags`` or text carry ``hashtag`` (with or without '#').

    The text is checked too: a client that sends no facets still writes '#tag'.
    """
    wanted = hashtag.lstrip("#").casefold()
    if any(tag.lstrip("#").casefold() == wanted for tag in tags_of(record)):
        return True
    text = record.get("text")
    if not isinstance(text, str):
        return False
    pattern = regex.compile(rf"(?<![\w#])[#＃]{regex.escape(wanted)}(?!\w)", regex.IGNORECASE)
    return pattern.search(text) is not None
