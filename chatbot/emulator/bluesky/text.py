"""What the PDS and the AppView read of a post record, from the lexicons.

``app.bsky.feed.post``: ``text`` is at most 300 graphemes (Unicode extended grapheme
clusters, counted here with the ``regex`` package's ``\\X``) and 3000 UTF-8 bytes; ``tags``
holds extra hashtags not shown in the text. ``app.bsky.richtext.facet``: a ``#tag``
feature is a hashtag. The AppView indexes hashtags from the tag facets and ``tags``,
never by reading the text again: a '#tag' written without a facet is plain text to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import regex

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
TAG_FEATURE = "app.bsky.richtext.facet#tag"
_GRAPHEME = regex.compile(r"\X")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def grapheme_length(text: str) -> int:
    """The number of extended grapheme clusters in ``text`` (a flag or a family is one)."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


def utf8_length(text: str) -> int:
    """The length of ``text`` in UTF-8 bytes."""
    return len(text.encode("utf-8"))


def tags_of(record: dict[str, Any]) -> tuple[str, ...]:
    """A post record's hashtags, without '#': its tag facets, then ``tags``; each once
    (case-insensitively), as first written."""
    found: dict[str, str] = {}
    for facet in record.get("facets") or []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE:
                tag = str(feature.get("tag") or "")
                if tag:
                    found.setdefault(tag.casefold(), tag)
    for tag in record.get("tags") or []:
        if tag:
            found.setdefault(str(tag).casefold(), str(tag))
    return tuple(found.values())


def quoted_uri(record: dict[str, Any]) -> str | None:
    """The URI a post quotes: ``embed.record.uri`` (app.bsky.embed.record) or
    ``embed.record.record.uri`` (app.bsky.embed.recordWithMedia)."""
    embed = record.get("embed")
    inner = embed.get("record") if isinstance(embed, dict) else None
    if isinstance(inner, dict) and isinstance(inner.get("record"), dict):
        inner = inner["record"]
    uri = inner.get("uri") if isinstance(inner, dict) else None
    return uri if isinstance(uri, str) else None


def to_time_us(moment: datetime) -> int:
    """Jetstream's time: microseconds since the UNIX epoch."""
    return (moment - _UNIX_EPOCH) // _MICROSECOND


def from_time_us(time_us: int) -> datetime:
    """The moment of a Jetstream ``time_us``."""
    return _UNIX_EPOCH + time_us * _MICROSECOND
