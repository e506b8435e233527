"""What X does to a post's text on the way in: t.co links, the media link, long-post cuts,
and the entities it extracts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from chatbot.emulator.x.links import links_in
from chatbot.emulator.x.weighted import MAX_WEIGHTED_LENGTH, weighted_length

_HASHTAG = re.compile(r"(?<![\w&])[#＃](\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})\b")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class ProcessedText:
    """A post's text as X stores it, with the entities object of the v2 payload."""

    text: str
    entities: dict[str, list[dict[str, Any]]]
    hashtags: frozenset[str]
    mentions: frozenset[str]
    expanded_urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MediaLink:
    """The link X appends to the text of a post with media."""

    url: str  # e.g. https://x.com/ana/status/1…/photo/1
    media_key: str


def tco(url: str) -> str:
    """Return the 23-character t.co link X would give ``url`` (stable per URL)."""
    digest = hashlib.sha256(url.encode()).hexdigest()
    token = "".join(ch for ch in digest if ch.isalnum())[:10]
    return f"https://t.co/{token}"


def _display(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    return shown if len(shown) <= 26 else shown[:25] + ELLIPSIS


def _url_entity(start: int, short: str, expanded: str, display: str) -> dict[str, Any]:
    return {
        "start": start,
        "end": start + len(short),
        "url": short,
        "expanded_url": expanded,
        "display_url": display,
    }


def process_text(
    raw: str, user_ids: dict[str, int] | None = None, *, media: MediaLink | None = None
) -> ProcessedText:
    """Trim, turn every link twitter-text finds into t.co (bare domains too), append the
    media link, and extract hashtags, mentions and urls with code-point offsets."""
    source = raw.strip()
    pieces: list[str] = []
    urls: list[dict[str, Any]] = []
    expanded_urls: list[str] = []
    length = last = 0
    for link in links_in(source):
        pieces.append(source[last : link.start])
        length += link.start - last
        expanded = link.url if "://" in link.url else f"http://{link.url}"
        short = tco(expanded)
        urls.append(_url_entity(length, short, expanded, _display(link.url)))
        expanded_urls.append(expanded)
        pieces.append(short)
        length += len(short)
        last = link.end
    pieces.append(source[last:])
    text = "".join(pieces)
    if media is not None:
        short = tco(media.url)
        text = f"{text} {short}" if text else short
        display = "pic.x.com/" + short.rsplit("/", 1)[1]
        entity = _url_entity(len(text) - len(short), short, media.url, display)
        urls.append(entity | {"media_key": media.media_key})
    hashtags: list[dict[str, Any]] = [
        {"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(text)
    ]
    mentions: list[dict[str, Any]] = []
    for m in _MENTION.finditer(text):
        mention: dict[str, Any] = {"start": m.start(), "end": m.end(), "username": m.group(1)}
        known = (user_ids or {}).get(m.group(1).lower())
        if known is not None:
            mention["id"] = str(known)
        mentions.append(mention)
    entities = {
        key: items
        for key, items in (("urls", urls), ("hashtags", hashtags), ("mentions", mentions))
        if items
    }
    return ProcessedText(
        text=text,
        entities=entities,
        hashtags=frozenset(h["tag"].lower() for h in hashtags),
        mentions=frozenset(m["username"].lower() for m in mentions),
        expanded_urls=tuple(expanded_urls),
    )


def is_long(processed: ProcessedText) -> bool:
    """True when X keeps this text as a long post (a note tweet): over 280 weighted."""
    return weighted_length(processed.text) > MAX_WEIGHTED_LENGTH


def cut_long(processed: ProcessedText, full_post_url: str) -> ProcessedText:
    """Return what X shows in ``text`` for a long post: the start, '…' and a t.co link.

    The cut falls between words, never inside a link, so that the whole fits in 280.
    """
    short = tco(full_post_url)
    room = MAX_WEIGHTED_LENGTH - weighted_length(f"{ELLIPSIS} {short}")
    spans = [(e["start"], e["end"]) for items in processed.entities.values() for e in items]
    cuts = [
        i
        for i, ch in enumerate(processed.text)
        if ch.isspace() and not any(start < i < end for start, end in spans)
    ]
    low, high = 0, len(cuts) - 1
    best = 0
    while low <= high:  # the longest start of the text that still fits
        middle = (low + high) // 2
        if weighted_length(processed.text[: cuts[middle]]) <= room:
            best, low = cuts[middle], middle + 1
        else:
            high = middle - 1
    head = processed.text[:best].rstrip()
    text = f"{head}{ELLIPSIS} {short}"
    kept = {
        key: [e for e in items if e["end"] <= len(head)]
        for key, items in processed.entities.items()
    }
    kept["urls"] = [
        *kept.get("urls", []),
        _url_entity(len(text) - len(short), short, full_post_url, _display(full_post_url)),
    ]
    entities = {key: items for key, items in kept.items() if items}
    return replace(processed, text=text, entities=entities)
