"""Moderators' commands on a live chat, as events for the flow, and the limits on them.

Discord, the CLI and the host send these; ``Flow.handle`` decides each one and
answers with a ``ControlResult``. The checks below are the only ones: the Discord
layer calls them too, for its early private refusal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chatbot.render.length import MAX_WEIGHTED_LENGTH, weighted_length
from chatbot.render.posts import question_text

EXTEND_MIN, EXTEND_MAX = 1, 60  # minutes a moderator may add at once


@dataclass(frozen=True, slots=True)
class NextNow:
    """Post the next step now; what follows moves up."""


@dataclass(frozen=True, slots=True)
class Pause:
    """Hold every post until resumed (collection goes on)."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Carry on after a pause; everything still to come moves by the pause's length."""


@dataclass(frozen=True, slots=True)
class Skip:
    """Drop the next planned question."""


@dataclass(frozen=True, slots=True)
class Extend:
    """Give the current question, and the chat, more minutes."""

    minutes: int


@dataclass(frozen=True, slots=True)
class Ask:
    """Post an ad-hoc question now; it takes the next number."""

    text: str


@dataclass(frozen=True, slots=True)
class End:
    """Close now: the closing post goes out, remaining questions are dropped."""


Command = NextNow | Pause | Resume | Skip | Extend | Ask | End


def extend_refusal(minutes: int) -> str | None:
    """Why a chat cannot be extended by ``minutes``, or None when it can."""
    if not EXTEND_MIN <= minutes <= EXTEND_MAX:
        return f"Extend by {EXTEND_MIN} to {EXTEND_MAX} minutes."
    return None


def ask_refusal(text: str, *, number: int | None = None, hashtag: str = "") -> str | None:
    """Why ``text`` cannot be posted as an ad-hoc question, or None when it can.

    With the question's ``number`` and the chat's ``hashtag`` the whole post is
    weighed; without them (before the chat is known) only the text itself.
    """
    if not text.strip():
        return "The question is empty."
    if number is None:
        length = weighted_length(text)
        if length > MAX_WEIGHTED_LENGTH:
            return (
                f"That question is {length} characters as X counts them; the limit is "
                f"{MAX_WEIGHTED_LENGTH}, and the post still needs room for its number "
                "and the hashtag."
            )
        return None
    length = weighted_length(question_text(number, text, hashtag))
    if length > MAX_WEIGHTED_LENGTH:
        return (
            f"As Q{number} with the hashtag that post is {length} characters as X "
            f"counts them (limit {MAX_WEIGHTED_LENGTH}); shorten it."
        )
    return None


def clean_handle(handle: str) -> str:
    """An X handle as a moderator typed it, without spaces or the leading "@"."""
    return handle.strip().lstrip("@")


# A post's link as X and its apps write it: x.com or twitter.com (www., mobile.), the
# author's handle or "i" / "i/web", then /status/ID and maybe /photo/1 or ?s=20.
_POST_LINK = re.compile(
    r"(?:https?://)?(?:(?:www|mobile)\.)?(?:x|twitter)\.com/"
    r"(?:[A-Za-z0-9_]{1,15}|i|i/web)/status(?:es)?/([0-9]{1,20})(?:[/?#].*)?",
    re.IGNORECASE,
)
_NOT_AN_ANSWER = ("0", "none", "not an answer")


def post_id_of(text: str) -> int | None:
    """The post id in a link to a post on X, or a bare stored id (negative for Bluesky's
    and Mastodon's posts, ``domain.network.stored_id``), None when it names no post."""
    text = text.strip().strip("<>")  # Discord shows links between <> to stop embeds
    digits = text.removeprefix("-")
    if digits.isascii() and digits.isdigit() and len(digits) <= 20:
        return int(text)
    found = _POST_LINK.fullmatch(text)
    return int(found[1]) if found else None


def post_address_of(text: str) -> str | None:
    """A link to a post on another network (``https://bsky.app/…``, a Mastodon address)
    or a Bluesky ``at://`` URI, as given; None when the text is neither."""
    text = text.strip().strip("<>")
    if text.startswith(("https://", "http://", "at://")) and " " not in text:
        return text
    return None


def question_choice(text: str) -> int | None:
    """The question a moderator names ("2", "Q2"; 0 or "none" for not an answer), or None."""
    words = " ".join(unicodedata.normalize("NFKC", text).split()).lower()
    if words in _NOT_AN_ANSWER:
        return 0
    number = words.removeprefix("q").strip()
    return int(number) if number.isascii() and number.isdigit() and len(number) <= 4 else None
