"""Record keys for posts: TIDs (timestamp identifiers), chosen by the bot before it sends.

A TID is 64 bits, written as 13 characters of base32-sortable: the top bit zero, 53 bits
of microseconds since the epoch, 10 bits of clock id. ``app.bsky.feed.post`` requires its
record key to be one. Choosing the key before sending makes a post's address known in
advance, so a retry after a crash can ask whether the post already exists.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def tid_at(moment: datetime, clock_id: int) -> str:
    """The TID of ``moment`` (microseconds) with ``clock_id`` (0..1023)."""
    micros = (moment - _EPOCH) // timedelta(microseconds=1)
    value = ((micros & (2**53 - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_rkey(moment: datetime | None = None) -> str:
    """A fresh record key for a post: now (or ``moment``) with a random clock id."""
    return tid_at(moment or datetime.now(UTC), secrets.randbelow(1024))


def is_tid(value: str) -> bool:
    """True when ``value`` is a well-formed TID."""
    return TID_PATTERN.match(value) is not None
