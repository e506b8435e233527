"""Small chat files for catalog tests, and a folder to put them in."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from chatbot.catalog import load_catalog

QUESTIONS = dedent("""\
    title = "Test set"
    welcome = "Welcome to {hashtag}!"
    rules = "Answer with A1, A2… and {hashtag}"
    last_call = "Last call {hashtag}"
    closing = "Thanks all {hashtag}"
    reminder = "{hashtag} starts {when} ({time})"

    [[questions]]
    text = "First?"

    [[questions]]
    text = "Second?"
""")

SCHEDULE = dedent("""\
    title = "Test chat"
    hashtag = "#TestChat"
    host = "@host"
    timezone = "Europe/London"
    question_set = "set"
    reminders = ["1h"]

    [recurrence]
    weekday = "Wednesday"
    time = "19:00"
""")


def chat_folder(tmp_path: Path, schedules: dict[str, str], questions: dict[str, str]) -> Path:
    """Write schedule and question files (name → text) under ``tmp_path``; return it."""
    (tmp_path / "schedules").mkdir(exist_ok=True)
    for name, text in schedules.items():
        (tmp_path / "schedules" / name).write_text(text, encoding="utf-8")
    (tmp_path / "questions").mkdir(exist_ok=True)
    for name, text in questions.items():
        path = tmp_path / "questions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def problems_in(folder: Path) -> list[str]:
    """Every problem in ``folder`` as 'file.toml:line: message'."""
    return [f"{p.path.name}:{p.line}: {p.message}" for p in load_catalog(folder).problems]
