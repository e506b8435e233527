"""The bot's post texts: templates from question sets filled for one occurrence."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PLACEHOLDERS = {
    "hashtag": "the chat's hashtag, e.g. #SMBchat",
    "title": "the question set's title",
    "chat": "the chat's title from its schedule",
    "host": "the host's @handle",
    "count": "how many questions there are",
    "date": "the chat's local date, e.g. Tue 24 Nov",
    "time": "the chat's local start time with its zone, e.g. 8:00 PM EST",
    "when": "how long until the chat starts, e.g. in 1 hour (reminders)",
}


# A doubled brace is a literal brace; a field is anything between single braces.
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholders_in(template: str) -> list[str]:
    """Return the placeholder names a template uses; raise ValueError on anything else.

    Only a plain ``{name}`` is a placeholder: a format spec or conversion
    (``{count:>9}``, ``{hashtag!r}``) is refused, never evaluated.
    """
    names = []
    for match in _FIELD.finditer(template):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if name is None:
            raise ValueError(
                f"'{token}' at character {match.start() + 1} does not make a plain {{name}} "
                f"(write '{token * 2}' for the brace itself)"
            )
        if not name.isidentifier():
            raise ValueError(f"{token} is not a plain {{name}} (no format spec or conversion)")
        names.append(name)
    return names


def fill(template: str, context: Mapping[str, str]) -> str:
    """Fill a template's plain ``{name}`` placeholders; everything else is kept as written."""

    def value(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        return context.get(name, token) if name is not None else token

    return _FIELD.sub(value, template).strip()


def with_hashtag(text: str, hashtag: str) -> str:
    """Append the hashtag unless the text already carries it (any letter case)."""
    if re.search(re.escape(hashtag) + r"(?!\w)", text, re.IGNORECASE):
        return text
    return f"{text} {hashtag}"


def question_text(number: int, text: str, hashtag: str) -> str:
    """The post for question ``number``: 'Q3: … #SMBchat'."""
    return with_hashtag(f"Q{number}: {text.strip()}", hashtag)


def describe_wait(delta: timedelta) -> str:
    """Human wording for a reminder offset: 'in 1 day', 'in 1 hour', 'in 10 minutes'."""
    minutes = round(delta.total_seconds() / 60)
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and minutes % size == 0:
            amount = minutes // size
            return f"in {amount} {unit}{'s' if amount != 1 else ''}"
    return f"in {minutes} minutes"


def context_for(
    *,
    hashtag: str,
    title: str,
    chat: str,
    host: str,
    count: int,
    start: datetime,
    timezone: str,
    until_start: timedelta | None = None,
) -> dict[str, str]:
    """Build the values placeholders are filled with for one occurrence."""
    local = start.astimezone(ZoneInfo(timezone))
    hour = local.strftime("%I").lstrip("0") or "12"
    return {
        "hashtag": hashtag,
        "title": title,
        "chat": chat,
        "host": f"@{host.lstrip('@')}",
        "count": str(count),
        "date": f"{local.strftime('%a')} {local.day} {local.strftime('%b')}",
        "time": f"{hour}:{local.strftime('%M %p')} {local.tzname()}",
        "when": describe_wait(until_start) if until_start is not None else "soon",
    }
