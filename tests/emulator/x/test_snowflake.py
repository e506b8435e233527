"""The emulator's own snowflake ids, from X's documented layout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.emulator.x.snowflake import SnowflakeGenerator, snowflake_at, snowflake_time


def test_an_id_is_milliseconds_since_x_epoch_shifted_22_bits() -> None:
    assert snowflake_at(datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)) == 0
    # 2026-01-01 00:00 UTC is 1767225600000 ms since 1970, 478390625343 since X's epoch.
    new_year = datetime(2026, 1, 1, tzinfo=UTC)
    assert snowflake_at(new_year) == 478390625343 << 22
    assert snowflake_at(new_year, 5, worker=3) == (478390625343 << 22) | (3 << 12) | 5
    assert snowflake_time((478390625343 << 22) | 4095) == new_year


def test_ids_in_one_millisecond_take_the_next_sequence_and_sort_by_time() -> None:
    generator = SnowflakeGenerator()
    moment = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    first, second = generator.next_id(moment), generator.next_id(moment)
    later = generator.next_id(moment + timedelta(milliseconds=1))
    assert second == first + 1 < later
    assert snowflake_time(first) == snowflake_time(second) == moment
