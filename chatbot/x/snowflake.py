"""Snowflake ids as X makes them: milliseconds since X's epoch, shifted, plus a sequence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

X_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)
_TIMESTAMP_SHIFT = 22
_SEQUENCE_MASK = (1 << _TIMESTAMP_SHIFT) - 1


def snowflake_at(moment: datetime, sequence: int = 0) -> int:
    """Return the smallest-or-given-sequence id X would give a post made at ``moment``."""
    millis = (moment - X_EPOCH) // timedelta(milliseconds=1)
    return (millis << _TIMESTAMP_SHIFT) + (sequence & _SEQUENCE_MASK)


def snowflake_time(snowflake: int) -> datetime:
    """Return the creation time encoded in a snowflake id (millisecond precision)."""
    return X_EPOCH + timedelta(milliseconds=snowflake >> _TIMESTAMP_SHIFT)


class SnowflakeGenerator:
    """Hands out unique snowflake ids whose timestamp is the post's creation time."""

    def __init__(self) -> None:
        self._used: set[int] = set()

    def next_id(self, moment: datetime) -> int:
        """Return a new id for ``moment``; posts made in the same millisecond get a sequence."""
        candidate = snowflake_at(moment)
        while candidate in self._used:
            candidate += 1
        self._used.add(candidate)
        return candidate
