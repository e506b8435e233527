"""What X does to a post's text on the way in: t.co links and the entities it extracts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&])[#＃](\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})\b")
_TRAILING_PUNCT = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class ProcessedText:
    """A post's text as X stores it, with the entities object of the v2 payload."""

    text: str
    entities: dict[str, list[dict[str, Any]]]
    hashtags: frozenset[str]
    mentions: frozenset[str]
    expanded_urls: tuple[str, ...]


def _tco(url: str) -> str:
    digest = hashlib.sha256(url.encode()).hexdigest()
    token = "".join(ch for ch in digest if ch.isalnum())[:10]
    return f"https://t.co/{token}"


def _shorten_urls(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Replace each URL by a 23-character t.co link as X does; return (text, [(tco, url)])."""
    pairs: list[tuple[str, str]] = []
    pieces: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        pieces.append(text[last : match.start()])
        short = _tco(url)
        pairs.append((short, url))
        pieces.append(short)
        last = match.start() + len(url)
    pieces.append(text[last:])
    return "".join(pieces), pairs


def process_text(raw: str, user_ids: dict[str, int] | None = None) -> ProcessedText:
    """Trim, shorten URLs and extract hashtags, mentions and urls with code-point offsets."""
    text, pairs = _shorten_urls(raw.strip())
    entities: dict[str, list[dict[str, Any]]] = {}
    search_from = 0
    urls: list[dict[str, Any]] = []
    for short, url in pairs:
        start = text.index(short, search_from)
        search_from = start + len(short)
        display = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
        urls.append(
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": url,
                "display_url": display if len(display) <= 26 else display[:25] + "…",
            }
        )
    hashtags: list[dict[str, Any]] = [
        {"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(text)
    ]
    mentions = []
    for m in _MENTION.finditer(text):
        mention: dict[str, Any] = {"start": m.start(), "end": m.end(), "username": m.group(1)}
        known = (user_ids or {}).get(m.group(1).lower())
        if known is not None:
            mention["id"] = str(known)
        mentions.append(mention)
    for key, items in (("urls", urls), ("hashtags", hashtags), ("mentions", mentions)):
        if items:
            entities[key] = items
    return ProcessedText(
        text=text,
        entities=entities,
        hashtags=frozenset(h["tag"].lower() for h in hashtags),
        mentions=frozenset(m["username"].lower() for m in mentions),
        expanded_urls=tuple(url for _, url in pairs),
    )
