"""Rows written as an older schema knows them, for the migration tests.

The repository speaks the newest schema (it reads every column of ``occurrence``), so a
database at an older revision gets its occurrences here, with the columns every
revision has.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, text


def old_occurrence(
    engine: Engine, *, scheduled_start: datetime, state: str = "scheduled", **columns: object
) -> int:
    """Insert an occurrence of #SMBchat on 2026-11-23 with ``columns``; return its id."""
    values: dict[str, object] = {
        "chat_slug": "smbchat",
        "local_date": "2026-11-23",
        "hashtag": "#SMBchat",
        "question_set": "smb/engaging-customers",
        "scheduled_start": scheduled_start,
        "state": state,
        "flow": "{}",
        "recap_state": "none",
        **columns,
    }
    names = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO occurrence ({names}) VALUES ({params})"), values)
        found = connection.execute(text("SELECT max(id) FROM occurrence")).scalar_one()
    return int(found)


def old_bot_post(engine: Engine, *, occurrence_id: int, key: str, text_: str, at: datetime) -> None:
    """Insert one intended bot post with the columns every revision has."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO botpost (occurrence_id, key, text, state, intended_at) "
                "VALUES (:occurrence_id, :key, :text, 'intended', :at)"
            ),
            {"occurrence_id": occurrence_id, "key": key, "text": text_, "at": at},
        )
