"""When a chat happens: triggers in the chat's own time zone, stable across DST.

Occurrences are pure functions of time: ask for the next fire times, never sleep.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from chatbot.domain.chat import ChatSpec, Recurrence

_CRON_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_APS_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# '*', 'N' or 'N-M', then an optional '/step' (on '*' or a range only, as in crontab).
_DOW_PART = re.compile(r"(?:\*|(\d+)(?:-(\d+))?)(?:/([1-9]\d*))?")


def crontab_weekdays(field: str) -> str:
    """Translate a crontab day-of-week field (0 or 7 = Sunday) to names APScheduler 3 reads.

    APScheduler 3 counts 0 as Monday, unlike crontab; names mean the same to both.
    Numbers, ranges and steps become lists of names (crontab's ``0-6`` as a range
    would be ``sun-sat``, which APScheduler refuses); a day outside 0-7 is a ValueError.
    """
    out: list[str] = []
    for part in field.split(","):
        if not any(c.isdigit() for c in part):
            out.append(part)  # '*' or day names: the same in both
            continue
        match = _DOW_PART.fullmatch(part)
        start, end, step = match.groups() if match else (None, None, None)
        if not match or (step and start is not None and end is None):
            raise ValueError(f"day of week '{part}' must be 0-7, a range such as 1-5, or a name")
        low, high = (0, 6) if start is None else (int(start), int(end or start))
        if high > 7:
            raise ValueError(f"day of week '{part}' is not within 0-7 (0 and 7 are Sunday)")
        if low > high:
            raise ValueError(f"day of week range '{part}' runs backwards")
        names = [_CRON_DAYS[day % 7] for day in range(low, high + 1, int(step or 1))]
        out.extend(name for name in names if name not in out)
    return ",".join(out)


def build_trigger(recurrence: Recurrence, timezone: str) -> CronTrigger:
    """Return the APScheduler trigger for a recurrence in an IANA time zone."""
    zone = ZoneInfo(timezone)
    if recurrence.cron:
        fields = recurrence.cron.split()
        if len(fields) != 5:
            raise ValueError(f"cron needs 5 fields, got {len(fields)}: '{recurrence.cron}'")
        minute, hour, day, month, dow = fields
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(dow),
            timezone=zone,
        )
    return CronTrigger(
        day_of_week=_APS_DAYS[recurrence.weekday or 0],
        hour=recurrence.hour,
        minute=recurrence.minute,
        timezone=zone,
    )


def next_occurrences(chat: ChatSpec, after: datetime, count: int = 3) -> list[datetime]:
    """Return the next ``count`` start times after ``after``, in the chat's zone.

    A time that does not exist locally (spring forward) comes out as the real
    instant after the jump; a time that exists twice (fall back) gives one
    occurrence, since occurrences are keyed by local date.
    """
    zone = ZoneInfo(chat.timezone)
    trigger = build_trigger(chat.recurrence, chat.timezone)
    starts: list[datetime] = []
    previous: datetime | None = None
    moment = after
    while len(starts) < count:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        start = fire.astimezone(UTC).astimezone(zone)
        if start > after and (
            not starts or local_date(chat, start) != local_date(chat, starts[-1])
        ):
            starts.append(start)
        previous = moment = fire
    return starts


def local_date(chat: ChatSpec, start: datetime) -> str:
    """Return the occurrence's key: its start date in the chat's zone (YYYY-MM-DD).

    A 01:30 chat fires twice on the night clocks fall back; both firings share
    this key, so the second one finds the occurrence already there.
    """
    return start.astimezone(ZoneInfo(chat.timezone)).date().isoformat()
