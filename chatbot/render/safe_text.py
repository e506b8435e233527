"""Text from outside made safe for where it goes: the database, a post on X, a terminal.

Participants' posts are stored as written (less what a database cannot hold);
only their renderings for X and for a terminal drop control characters, so an
ANSI escape in an answer can neither reach the recap thread nor drive the
operator's terminal.
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, except tab, newline and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Terminal escape sequences (CSI such as colours or cursor moves, OSC such as titles, and
# two-character ones) are dropped whole, so no leftover "[31m" remains.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~])")
# Everything else a terminal acts on: controls, carriage return, and the bidirectional
# overrides and isolates that reorder how a line reads.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# An address a page or a message may link to: http(s), nothing that ends a link or an
# attribute early (space, quote, angle bracket, backslash, backtick).
_SAFE_LINK = re.compile(r"https?://[^\s\"'<>\\`]+", re.IGNORECASE)
# PostgreSQL text cannot hold NUL, and UTF-8 cannot encode a lone surrogate.
_UNSTORABLE = re.compile(r"\x00|[\ud800-\udfff]")


def storable(text: str) -> str:
    """Return ``text`` without what a database cannot store (NUL, lone surrogates)."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def safe_link(url: str) -> str:
    """``url`` when it is a plain http(s) address to link to, else "" (addresses of posts on
    Bluesky and Mastodon come from their servers: never a ``javascript:`` one)."""
    return url if _SAFE_LINK.fullmatch(url) else ""


def printable(text: str) -> str:
    """Return ``text`` with terminal escapes and control characters removed.

    Newlines stay, and a carriage return becomes one: on a terminal it would
    move back over what the line already shows.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNPRINTABLE.sub("", _ESCAPE.sub("", lines))
