"""Occurrences in the chat's own zone, across daylight-saving changes (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chatbot.domain.chat import ChatSpec, Recurrence
from chatbot.domain.recurrence import crontab_weekdays, local_date, next_occurrences


def _chat(zone: str, recurrence: Recurrence) -> ChatSpec:
    return ChatSpec(
        slug="t",
        title="T",
        hashtag="#T",
        host="h",
        timezone=zone,
        recurrence=recurrence,
        question_set="s",
    )


def _local(starts: list[datetime], zone: str) -> list[str]:
    return [s.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M %Z") for s in starts]


def test_new_york_tuesday_8pm_stays_at_8pm_through_march_and_november() -> None:
    chat = _chat("America/New_York", Recurrence(weekday=1, hour=20))
    march = next_occurrences(chat, datetime(2026, 3, 1, tzinfo=UTC), 3)
    assert _local(march, "America/New_York") == [
        "Tue 2026-03-03 20:00 EST",
        "Tue 2026-03-10 20:00 EDT",
        "Tue 2026-03-17 20:00 EDT",
    ]
    assert [s.astimezone(UTC).hour for s in march] == [1, 0, 0]
    november = next_occurrences(chat, datetime(2026, 10, 27, tzinfo=UTC), 2)
    assert _local(november, "America/New_York") == [
        "Tue 2026-10-27 20:00 EDT",
        "Tue 2026-11-03 20:00 EST",
    ]
    assert [s.astimezone(UTC).hour for s in november] == [0, 1]


def test_london_chat_follows_british_summer_time() -> None:
    chat = _chat("Europe/London", Recurrence(weekday=2, hour=19))
    spring = next_occurrences(chat, datetime(2026, 3, 20, tzinfo=UTC), 2)
    assert _local(spring, "Europe/London") == [
        "Wed 2026-03-25 19:00 GMT",
        "Wed 2026-04-01 19:00 BST",
    ]
    assert [s.astimezone(UTC).hour for s in spring] == [19, 18]
    autumn = next_occurrences(chat, datetime(2026, 10, 20, tzinfo=UTC), 2)
    assert [s.astimezone(UTC).hour for s in autumn] == [18, 19]


def test_a_chat_in_the_skipped_hour_fires_after_the_jump() -> None:
    chat = _chat("America/New_York", Recurrence(cron="30 2 * * *"))
    starts = next_occurrences(chat, datetime(2026, 3, 7, 12, tzinfo=UTC), 2)
    assert _local(starts, "America/New_York") == [
        "Sun 2026-03-08 03:30 EDT",
        "Mon 2026-03-09 02:30 EDT",
    ]


def test_a_chat_in_the_repeated_hour_keeps_one_occurrence_key() -> None:
    chat = _chat("America/New_York", Recurrence(cron="30 1 * * *"))
    starts = next_occurrences(chat, datetime(2026, 10, 31, 12, tzinfo=UTC), 3)
    # APScheduler fires at both 01:30s that night; the occurrence is keyed by local date.
    assert [local_date(chat, s) for s in starts] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert _local(starts, "America/New_York")[0] == "Sun 2026-11-01 01:30 EDT"


def test_crontab_sunday_is_sunday() -> None:
    assert crontab_weekdays("0") == "sun" and crontab_weekdays("7") == "sun"
    chat = _chat("UTC", Recurrence(cron="0 20 * * 0"))
    (start,) = next_occurrences(chat, datetime(2026, 11, 23, tzinfo=UTC), 1)
    assert start.strftime("%a %H:%M") == "Sun 20:00"


def _days(cron_days: str) -> list[str]:
    chat = _chat("UTC", Recurrence(cron=f"0 20 * * {cron_days}"))
    starts = next_occurrences(chat, datetime(2026, 11, 22, 21, tzinfo=UTC), 7)  # a Sunday
    return [s.strftime("%a") for s in starts]


def test_crontab_ranges_and_steps_count_from_sunday() -> None:
    assert _days("1-5") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue"]
    # As a range of names, 0-6 would be sun-sat, which APScheduler refuses.
    assert _days("0-6") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert _days("*/2") == ["Tue", "Thu", "Sat", "Sun", "Tue", "Thu", "Sat"]
    assert _days("5-7") == ["Fri", "Sat", "Sun", "Fri", "Sat", "Sun", "Fri"]


@pytest.mark.parametrize("field", ["8", "1-8", "5-1", "9/2", "mon-8"])
def test_a_crontab_day_outside_the_week_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="day of week"):
        crontab_weekdays(field)
