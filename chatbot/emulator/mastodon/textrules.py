"""What Mastodon finds in a status's text and how it counts it, from Mastodon's sources.

- Hashtags: ``Tag::HASHTAG_RE`` (app/models/concerns/tag/naming.rb): ``#`` or ``＃`` at the
  start or after whitespace, then a name of word characters and the separators
  ``_ · ・ ZWNJ`` with at least one letter (``#2026`` is no hashtag).
- Mentions: ``Account::MENTION_RE``: ``@user`` or ``@user@domain``, not after ``=``,
  ``/`` or a word character.
- Links: only with a scheme (Mastodon extracts URLs "without protocol: false"), found by
  the X emulator's twitter-text finder (``chatbot.emulator.x.links``).
- Length (``StatusLengthValidator``): grapheme clusters of the content warning and the
  text, each link counted as 23 characters (``characters_reserved_per_url``) and each
  mention as its local part (``@ana@mastodon.social`` counts as ``@ana``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import regex

from chatbot.emulator.x.links import links_in

DEFAULT_MAX_CHARACTERS = 500
URL_LENGTH = 23
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
_SEPARATORS = "_\u00b7\u30fb\u200c"
_FIRST = (
    rf"[{_WORD}_][{_WORD}{_SEPARATORS}]*[\p{{Alphabetic}}{_SEPARATORS}]"
    rf"[{_WORD}{_SEPARATORS}]*[{_WORD}_]"
)
_LAST = rf"[{_WORD}_]*\p{{Alphabetic}}[{_WORD}_]*"
HASHTAG_RE = regex.compile(rf"(?<=^|\s)[#＃](?P<name>{_FIRST}|{_LAST})")
MENTION_RE = regex.compile(
    rf"(?<![=/{_WORD}])@(?P<acct>(?P<username>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)"
    rf"(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?)",
    regex.IGNORECASE,
)
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class Entity:
    """A link, mention or hashtag in a text: its code-point range and what it names."""

    start: int
    end: int
    kind: str  # "url", "mention" or "hashtag"
    value: str  # the URL, the acct (user or user@domain), or the tag's name
    username: str = ""


def entities(text: str) -> list[Entity]:
    """Links, mentions and hashtags of ``text`` in order; of two that overlap, the one
    that starts first is kept (twitter-text's remove_overlapping_entities)."""
    found = [
        Entity(link.start, link.end, "url", link.url)
        for link in links_in(text)
        if re.match(r"https?://", link.url, re.IGNORECASE)
    ]
    found += [
        Entity(m.start(), m.end(), "mention", m.group("acct"), m.group("username"))
        for m in MENTION_RE.finditer(text)
    ]
    found += [
        Entity(m.start(), m.end(), "hashtag", m.group("name")) for m in HASHTAG_RE.finditer(text)
    ]
    kept: list[Entity] = []
    for entity in sorted(found, key=lambda e: e.start):
        if not kept or entity.start >= kept[-1].end:
            kept.append(entity)
    return kept


def hashtags_in(text: str) -> tuple[str, ...]:
    """The hashtags of a plain text as first written, without '#', each once."""
    seen: dict[str, str] = {}
    for entity in entities(text):
        if entity.kind == "hashtag":
            seen.setdefault(entity.value.casefold(), entity.value)
    return tuple(seen.values())


def status_length(text: str, *, spoiler_text: str = "") -> int:
    """How long Mastodon counts a status (see the module's docstring)."""
    pieces: list[str] = []
    position = 0
    for entity in entities(text):
        if entity.kind == "hashtag":
            continue
        pieces.append(text[position : entity.start])
        pieces.append("x" * URL_LENGTH if entity.kind == "url" else f"@{entity.username}")
        position = entity.end
    pieces.append(text[position:])
    return sum(1 for _ in _GRAPHEME.finditer(spoiler_text + "".join(pieces)))


def html_to_text(content: str) -> str:
    """The plain text of a status's HTML: paragraphs as blank lines, ``<br>`` as a newline."""
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", content)
    text = re.sub(r"<br\s*/?>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
