"""Mastodon's text rules: what it links as a URL, a mention or a hashtag, and how it counts.

The patterns follow Mastodon's own (``Account::MENTION_RE``, ``Tag::HASHTAG_RE`` and the
URL extraction of ``StatusLengthValidator``); the emulator formats statuses with them and
the adapter and ``chatbot check`` count with them, so all agree with the server they
stand for. They live here, beside X's weighted length, because the core measures posts
for every network; ``chatbot.mastodon.textrules`` gives them to the adapter.
"""

from __future__ import annotations

import regex

from chatbot.render.graphemes import grapheme_length

# A link counts only with its scheme (Mastodon extracts URLs without protocol: false).
URL_RE = regex.compile(r"https?://[^\s<>\"'`]+(?<![.,;:!?)\]}'\"])", regex.IGNORECASE)
# @user or @user@domain, not inside a word, an e-mail address or a path.
MENTION_RE = regex.compile(
    r"(?<![=/\w])@(?P<acct>(?P<username>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_])?)"
    r"(?:@(?P<domain>[\w.-]+\w))?)",
    regex.IGNORECASE,
)
# A hashtag has at least one letter and does not follow a slash, a ")" or a word character.
HASHTAG_RE = regex.compile(
    r"(?<![/)\w])#(?P<name>[\w\u00b7\u30fb\u200c]*[^\W\d_][\w\u00b7\u30fb\u200c]*)"
)
ENTITY_RE = regex.compile(
    f"(?P<url>{URL_RE.pattern})|{MENTION_RE.pattern}|{HASHTAG_RE.pattern}", regex.IGNORECASE
)
DEFAULT_MAX_CHARACTERS = 500
DEFAULT_URL_LENGTH = 23


def countable_text(text: str, *, url_length: int = DEFAULT_URL_LENGTH) -> str:
    """The text Mastodon measures: each link replaced by ``url_length`` characters, each
    mention cut to its local part (``@ana@mastodon.social`` counts as ``@ana``)."""

    def shorten(match: regex.Match[str]) -> str:
        if match.group("url"):
            return "x" * url_length
        if match.group("username"):
            return f"@{match.group('username')}"
        return match.group(0)

    return ENTITY_RE.sub(shorten, text)


def status_length(
    text: str, *, spoiler_text: str = "", url_length: int = DEFAULT_URL_LENGTH
) -> int:
    """How long Mastodon counts a status: grapheme clusters of the content warning and the
    countable text (an emoji sequence or a flag is one)."""
    return grapheme_length(spoiler_text + countable_text(text, url_length=url_length))
