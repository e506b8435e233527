"""Mastodon's text rules for the adapter: the patterns and counting of
``chatbot.render.mastodon_text`` (shared with ``chatbot check``), and the hashtags of a
plain text."""

from __future__ import annotations

from chatbot.render.mastodon_text import (
    DEFAULT_MAX_CHARACTERS,
    DEFAULT_URL_LENGTH,
    ENTITY_RE,
    countable_text,
    status_length,
)

__all__ = [
    "DEFAULT_MAX_CHARACTERS",
    "DEFAULT_URL_LENGTH",
    "ENTITY_RE",
    "countable_text",
    "hashtags_in",
    "status_length",
]


def hashtags_in(text: str) -> tuple[str, ...]:
    """The hashtags of a plain text as written, without '#', each once (first spelling)."""
    seen: dict[str, str] = {}
    for match in ENTITY_RE.finditer(text):
        name = match.group("name")
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())
