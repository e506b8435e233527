"""Schedules: ``schedules/*.toml``, one recurring chat per file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatbot.catalog.checks import FileCheck, Problem, display_path, read_toml
from chatbot.catalog.lengths import check_lengths
from chatbot.catalog.networks import NetworkSetup, read_networks
from chatbot.domain.chat import ChatSpec, QuestionSet, RecapOptions, Recurrence
from chatbot.domain.network import Network
from chatbot.domain.recurrence import build_trigger

HASHTAG = re.compile(r"^#(?=\w*[^\W\d])\w{1,99}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
OFFSET = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

SCHEDULE_KEYS = {
    "slug", "title", "hashtag", "host", "timezone", "enabled", "question_set",
    "duration_minutes", "question_interval_minutes", "first_question_after_minutes",
    "last_call_before_end_minutes", "reminders", "thread_under_welcome", "grace_minutes",
    "recurrence", "recap", "networks", "hosts",
}  # fmt: skip
RECURRENCE_KEYS = {"weekday", "time", "cron"}
RECAP_INTS = {
    "delay_minutes": (0, 1440),
    "max_mentions_per_post": (0, 20),
    "max_mentions": (0, 500),
    "highlights_per_question": (0, 10),
    "max_thread_posts": (2, 25),  # the headline and the shout-outs, at least
}
RECAP_BOOLS = ("post_to_x", "require_approval")
INT_RANGES = {
    "duration_minutes": (10, 480),
    "question_interval_minutes": (1, 60),
    "first_question_after_minutes": (0, 60),
    "last_call_before_end_minutes": (0, 60),
    "grace_minutes": (0, 240),
}
BOOLS = ("enabled", "thread_under_welcome")
# Each slug with the files (and the line in each) that give it.
SlugClaims = dict[str, list[tuple[Path, int]]]


def parse_offset(value: str) -> timedelta | None:
    """Parse a reminder offset such as '1d', '1h', '10m' or '1h30m'."""
    match = OFFSET.match(value.strip().replace(" ", ""))
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def load_schedule(
    path: Path,
    question_sets: dict[str, QuestionSet],
    claims: SlugClaims,
    problems: list[Problem],
    *,
    questions_root: Path,
    setup: NetworkSetup,
) -> ChatSpec | None:
    """Validate one schedule file; return its chat, or None after recording its problems.

    Its slug is added to ``claims`` even when the file has problems, so that
    ``refuse_duplicate_slugs`` sees every file that wants a slug.
    """
    loaded = read_toml(path, problems)
    if loaded is None:
        return None
    data, text = loaded
    check = FileCheck(path, text, problems)
    check.unknown(data, SCHEDULE_KEYS)
    slug = _slug(check, data, path, claims)
    ints = {key: _int(check, data, key, *bounds) for key, bounds in INT_RANGES.items()}
    bools = {key: _bool(check, data, key) for key in BOOLS}
    networks, hosts = read_networks(check, data, setup)
    chat_fields: dict[str, Any] = {
        "slug": slug,
        "title": _required_str(check, data, "title"),
        "hashtag": _hashtag(check, data),
        "networks": networks,
        "hosts": hosts,
        "host": hosts.get(Network.X, ""),
        "timezone": _timezone(check, data),
        "question_set": _question_set(check, data, question_sets, questions_root),
        "reminders": _reminders(check, data),
        "recap": _recap(check, data.get("recap", {})),
        **{k: v for k, v in ints.items() if v is not None},
        **{k: v for k, v in bools.items() if v is not None},
    }
    recurrence = _recurrence(check, data.get("recurrence"), chat_fields["timezone"])
    chat = ChatSpec(recurrence=recurrence, path=path, **chat_fields)
    qset = question_sets.get(chat.question_set)
    if qset is not None:
        # Lengths depend on the texts and the hashtag only: report them beside any other
        # mistake in the schedule, so one `chatbot check` shows every problem.
        fit = check.count == 0
        check_lengths(check, chat, qset, setup)
        if fit:
            _check_fit(check, chat, qset)
    return None if check.count else chat


def refuse_duplicate_slugs(claims: SlugClaims, problems: list[Problem]) -> set[Path]:
    """Record a problem for each file that wants a slug another file owns; return those files.

    The owner is the file named after the slug (a copy of ``smbchat.toml`` that
    kept its slug is the mistake, not the original), else the first by name.
    """
    refused: set[Path] = set()
    for slug, files in claims.items():
        if len(files) < 2:
            continue
        owner = next((f for f in files if f[0].stem == slug), files[0])
        for path, line in files:
            if (path, line) != owner:
                message = f"duplicate slug '{slug}': already used by {display_path(owner[0])}"
                problems.append(Problem(path, line, message))
                refused.add(path)
    return refused


def _slug(check: FileCheck, data: dict[str, Any], path: Path, claims: SlugClaims) -> str:
    slug = data.get("slug", path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        check.add(f"slug '{slug}' must be lower-case letters, digits, - or _", "slug")
        return str(slug)
    claims.setdefault(slug, []).append((path, check.lines.line("slug")))
    return slug


def _required_str(check: FileCheck, data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        check.add(f"missing '{key}'" if value is None else f"'{key}' must be text", key)
        return ""
    return value.strip()


def _hashtag(check: FileCheck, data: dict[str, Any]) -> str:
    value = data.get("hashtag")
    if not isinstance(value, str):
        check.add("missing 'hashtag'" if value is None else "'hashtag' must be text", "hashtag")
        return ""
    if not HASHTAG.match(value):
        check.add(
            f"invalid hashtag '{value}': '#' then letters, digits or _ "
            "(not only digits, no spaces)",
            "hashtag",
        )
    return value


def _timezone(check: FileCheck, data: dict[str, Any]) -> str:
    value = data.get("timezone")
    if not isinstance(value, str):
        check.add("missing 'timezone' (an IANA name such as America/New_York)", "timezone")
        return "UTC"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        check.add(
            f"unknown time zone '{value}' (use an IANA name such as America/New_York)", "timezone"
        )
        return "UTC"
    return value


def _int(
    check: FileCheck, data: dict[str, Any], key: str, low: int, high: int, *, table: str = ""
) -> int | None:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.add(
            f"'{key}' must be a whole number from {low} to {high}, got {value!r}", key, table=table
        )
        return None
    return value


def _bool(check: FileCheck, data: dict[str, Any], key: str, *, table: str = "") -> bool | None:
    if key not in data:
        return None
    if not isinstance(data[key], bool):
        check.add(f"'{key}' must be true or false", key, table=table)
        return None
    return bool(data[key])


def _question_set(
    check: FileCheck, data: dict[str, Any], sets: dict[str, QuestionSet], root: Path
) -> str:
    value = data.get("question_set")
    if not isinstance(value, str):
        check.add("missing 'question_set' (a file under questions/, without .toml)", "question_set")
        return ""
    key = value.removesuffix(".toml").removeprefix("questions/")
    if key not in sets:
        where = root / f"{key}.toml"
        reason = "is invalid (see its own errors)" if where.is_file() else "does not exist"
        check.add(f"question set '{value}' {reason}: {display_path(where)}", "question_set")
    return key


def _reminders(check: FileCheck, data: dict[str, Any]) -> tuple[timedelta, ...]:
    raw = data.get("reminders", [])
    if not isinstance(raw, list):
        check.add('\'reminders\' must be a list such as ["1d", "1h", "10m"]', "reminders")
        return ()
    offsets = []
    for item in raw:
        offset = parse_offset(item) if isinstance(item, str) else None
        if offset is None or not timedelta(minutes=1) <= offset <= timedelta(days=7):
            check.add(
                f"reminder '{item}' must be like '1d', '1h', '10m' or '1h30m', "
                "between 1 minute and 7 days",
                "reminders",
            )
            continue
        offsets.append(offset)
    return tuple(sorted(set(offsets), reverse=True))


def _recap(check: FileCheck, raw: Any) -> RecapOptions:
    if not isinstance(raw, dict):
        check.add("'recap' must be a table [recap]", "recap")
        return RecapOptions()
    check.unknown(raw, set(RECAP_INTS) | set(RECAP_BOOLS), table="recap")
    values: dict[str, Any] = {}
    for key, (low, high) in RECAP_INTS.items():
        values[key] = _int(check, raw, key, low, high, table="recap")
    for key in RECAP_BOOLS:
        values[key] = _bool(check, raw, key, table="recap")
    return RecapOptions(**{k: v for k, v in values.items() if v is not None})


def _recurrence(check: FileCheck, raw: Any, timezone: str) -> Recurrence:
    if not isinstance(raw, dict):
        check.add("missing [recurrence]: weekday and time, or cron", "recurrence")
        return Recurrence()
    check.unknown(raw, RECURRENCE_KEYS, table="recurrence")
    if "cron" in raw:
        if "weekday" in raw or "time" in raw:
            check.add(
                "[recurrence] takes either cron, or weekday and time, not both",
                "cron",
                table="recurrence",
            )
        recurrence = Recurrence(cron=str(raw["cron"]))
        try:
            build_trigger(recurrence, timezone)
        except ValueError as exc:
            check.add(f"bad cron expression '{raw['cron']}': {exc}", "cron", table="recurrence")
            return Recurrence()
        return recurrence
    weekday = str(raw.get("weekday", "")).strip().lower()
    time = TIME.match(str(raw.get("time", "")).strip())
    if weekday not in WEEKDAYS:
        check.add(
            f"[recurrence] weekday '{raw.get('weekday', '')}' must be a day name such as Tuesday",
            "weekday",
            table="recurrence",
        )
    if not time:
        check.add(
            f"[recurrence] time '{raw.get('time', '')}' must be HH:MM (24-hour)",
            "time",
            table="recurrence",
        )
    if weekday not in WEEKDAYS or not time:
        return Recurrence()
    return Recurrence(
        weekday=WEEKDAYS.index(weekday), hour=int(time.group(1)), minute=int(time.group(2))
    )


def _check_fit(check: FileCheck, chat: ChatSpec, qset: QuestionSet) -> None:
    """The questions must fit between the first question and the last call."""
    needed = chat.first_question_after_minutes
    for question in qset.questions[:-1]:
        needed += question.minutes or chat.question_interval_minutes
    room = chat.duration_minutes - chat.last_call_before_end_minutes
    if needed > room:
        check.add(
            f"the last question would come {needed} minutes in, after the last call at "
            f"{room} minutes: shorten intervals or lengthen duration_minutes",
            "duration_minutes",
        )
    # The trigger must fire at least once in the coming year.
    trigger = build_trigger(chat.recurrence, chat.timezone)
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        check.add("the recurrence never fires", "recurrence")
