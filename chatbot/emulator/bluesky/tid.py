"""TIDs as the AT Protocol specifies them (atproto.com/specs/tid): record keys and revs.

A TID is a 64-bit integer, top bit 0, then 53 bits of microseconds since the UNIX epoch
and 10 bits of clock id, written as 13 characters of base32-sortable
(``234567abcdefghijklmnopqrstuvwxyz``), most significant first. The first character is
therefore one of ``234567abcdefghij``.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_SYNTAX = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def tid_at(moment: datetime, clock_id: int) -> str:
    """The TID of ``moment`` with ``clock_id`` (0..1023)."""
    micros = (moment - _UNIX_EPOCH) // _MICROSECOND
    value = (micros % (1 << 53)) << 10 | clock_id % 1024
    return "".join(BASE32_SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


def new_rkey(moment: datetime, rng: random.Random | None = None) -> str:
    """A fresh record key: the TID of ``moment`` with a random clock id."""
    return tid_at(moment, (rng or random).randrange(1024))


def is_tid(value: str) -> bool:
    """True when ``value`` has a TID's syntax."""
    return _SYNTAX.match(value) is not None
