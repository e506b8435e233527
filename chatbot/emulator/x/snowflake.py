"""Post ids as X documents them: snowflakes, 64-bit and sortable by time.

An id is the milliseconds since X's epoch (1288834974657, 2010-11-04 01:42:54.657 UTC)
shifted left 22 bits, then 5 bits of datacenter, 5 of worker and 12 of sequence. The
emulator is one worker (0) and counts the sequence within a millisecond.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

X_EPOCH_MS = 1288834974657
TIMESTAMP_SHIFT = 22
WORKER_SHIFT = 12
_LOW_BITS = (1 << TIMESTAMP_SHIFT) - 1
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def snowflake_at(moment: datetime, sequence: int = 0, *, worker: int = 0) -> int:
    """The id X gives the ``sequence``-th post of ``worker`` in the millisecond of ``moment``."""
    millis = (moment - _UNIX_EPOCH) // _MS - X_EPOCH_MS
    return (millis << TIMESTAMP_SHIFT) | (((worker << WORKER_SHIFT) + sequence) & _LOW_BITS)


def snowflake_time(snowflake: int) -> datetime:
    """The moment (to the millisecond) encoded in a snowflake."""
    return _UNIX_EPOCH + ((snowflake >> TIMESTAMP_SHIFT) + X_EPOCH_MS) * _MS


class SnowflakeGenerator:
    """Hands out unique ids whose timestamp is the post's creation time."""

    def __init__(self) -> None:
        self._used: set[int] = set()

    def next_id(self, moment: datetime) -> int:
        """A new id for ``moment``: posts made in the same millisecond take the next sequence."""
        candidate = snowflake_at(moment)
        while candidate in self._used:
            candidate += 1
        self._used.add(candidate)
        return candidate
