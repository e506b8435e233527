"""Loading and validating chat files: shipped files pass, broken ones name file and line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chatbot.catalog import EXAMPLE, load_catalog
from chatbot.catalog.schedules import parse_offset
from tests.catalog.chatfiles import QUESTIONS, SCHEDULE, chat_folder, problems_in

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_file_is_valid() -> None:
    catalog = load_catalog(ROOT)
    assert [str(p) for p in catalog.problems] == []
    assert len(catalog.chats) >= 1
    assert {p.name for p in (ROOT / "questions").rglob("*.toml")} == {
        Path(q.path).name for q in catalog.question_sets.values()
    }


def test_shipped_example_is_a_weekly_evening_chat_in_new_york() -> None:
    chat = load_catalog(ROOT).chats["smbchat"]
    assert (chat.hashtag, chat.timezone, chat.recurrence.weekday, chat.recurrence.hour) == (
        "#SMBchat",
        "America/New_York",
        1,
        20,
    )
    assert chat.reminders == (timedelta(days=1), timedelta(hours=1), timedelta(minutes=10))


def test_a_valid_chat_loads_with_numbered_questions(tmp_path: Path) -> None:
    catalog = load_catalog(chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": QUESTIONS}))
    assert catalog.problems == []
    qset = catalog.question_set_of(catalog.chats["test"])
    assert [(q.number, q.text, q.line) for q in qset.questions] == [
        (1, "First?", 9),
        (2, "Second?", 12),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"'),
            "test.toml:4: unknown time zone 'Mars/Olympus'",
        ),
        (
            ('weekday = "Wednesday"', 'weekday = "Funday"'),
            "test.toml:9: [recurrence] weekday 'Funday'",
        ),
        (('time = "19:00"', 'time = "25:00"'), "test.toml:10: [recurrence] time '25:00'"),
        (
            ('weekday = "Wednesday"\ntime = "19:00"', 'cron = "0 19 * *"'),
            "test.toml:9: bad cron expression '0 19 * *'",
        ),
        (
            ('hashtag = "#TestChat"', 'hashtag = "#test chat"'),
            "test.toml:2: invalid hashtag '#test chat'",
        ),
        (('hashtag = "#TestChat"', 'hashtag = "#2024"'), "test.toml:2: invalid hashtag '#2024'"),
        (
            ('question_set = "set"', 'question_set = "nope"'),
            "test.toml:5: question set 'nope' does not exist",
        ),
        (
            ('host = "@host"', 'host = "@host"\ncolour = "blue"'),
            "test.toml:4: unknown key 'colour'",
        ),
        (('reminders = ["1h"]', 'reminders = ["soon"]'), "test.toml:6: reminder 'soon'"),
        (
            ('host = "@host"', 'host = "@host"\nduration_minutes = 15'),
            "test.toml:4: the last question would come",
        ),
    ],
)
def test_each_schedule_problem_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = SCHEDULE.replace(*change)
    assert text != SCHEDULE
    problems = problems_in(chat_folder(tmp_path, {"test.toml": text}, {"set.toml": QUESTIONS}))
    assert any(p.startswith(expected) for p in problems), problems


def test_question_set_problems_name_file_and_line(tmp_path: Path) -> None:
    broken = QUESTIONS.replace("Welcome to {hashtag}!", "Welcome {hashtagg}!").replace(
        'text = "Second?"', 'text = "Second?"\nminutes = 0'
    )
    problems = problems_in(chat_folder(tmp_path, {}, {"set.toml": broken}))
    assert "set.toml:2: 'welcome' uses unknown placeholder {hashtagg}" in problems[0]
    assert problems[1].startswith("set.toml:13: Q2 minutes must be a whole number")


def test_a_question_over_the_limit_is_reported_with_its_weighted_length(tmp_path: Path) -> None:
    long = QUESTIONS.replace('text = "Second?"', 'text = "' + "日本" * 70 + '"')
    problems = problems_in(chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": long}))
    # "Q2: " (4) + 140 CJK characters weighted 2 each (280) + " #TestChat" (10)
    assert problems == [
        "set.toml:12: Q2 is 294 characters as X counts them (limit 280) with #TestChat "
        "from test.toml"
    ]


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    folder = chat_folder(
        tmp_path,
        {
            "good.toml": SCHEDULE,
            "broken.toml": "title = [unclosed",
            "other.toml": SCHEDULE.replace("Europe/London", "Nowhere/City"),
        },
        {"set.toml": QUESTIONS},
    )
    catalog = load_catalog(folder)
    assert list(catalog.chats) == ["good"]
    assert [p.path.name for p in catalog.problems] == ["broken.toml", "other.toml"]
    assert catalog.problems[0].message.startswith("invalid TOML")


def test_duplicate_slugs_are_reported(tmp_path: Path) -> None:
    twin = 'slug = "good"\n' + SCHEDULE
    folder = chat_folder(
        tmp_path, {"good.toml": SCHEDULE, "twin.toml": twin}, {"set.toml": QUESTIONS}
    )
    assert problems_in(folder) == [
        f"twin.toml:1: duplicate slug 'good': already used by {folder / 'schedules' / 'good.toml'}"
    ]


def test_reminder_offsets() -> None:
    assert parse_offset("1d") == timedelta(days=1)
    assert parse_offset("1h30m") == timedelta(minutes=90)
    assert parse_offset("10m") == timedelta(minutes=10)
    assert parse_offset("soon") is None
    assert parse_offset("") is None


def test_the_example_in_the_package_is_the_shipped_chat() -> None:
    """`chatbot demo` outside a checkout hosts the same chat as the checkout's files."""
    packaged = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.toml"))
    assert packaged == [
        Path("questions/smb/engaging-customers.toml"),
        Path("schedules/smbchat.toml"),
    ]
    for path in packaged:
        assert (EXAMPLE / path).read_bytes() == (ROOT / path).read_bytes(), f"copy {path} over"


def test_a_question_set_may_name_its_answer_letter(tmp_path: Path) -> None:
    spanish = QUESTIONS.replace('title = "Test set"', 'title = "Test set"\nanswer_letter = "r"')
    catalog = load_catalog(
        chat_folder(tmp_path, {}, {"set.toml": spanish, "plain.toml": QUESTIONS})
    )
    assert catalog.problems == []
    assert catalog.question_sets["set"].answer_letter == "R"
    assert catalog.question_sets["plain"].answer_letter == "A"
    assert load_catalog(ROOT).question_sets["smb/engaging-customers"].answer_letter == "A"


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"RR"', "'RR'"), ('"Q"', "'Q'"), ('"7"', "'7'"), ('""', "''"), ("1", "1")],
)
def test_an_answer_letter_that_is_not_one_letter_names_file_and_line(
    tmp_path: Path, value: str, shown: str
) -> None:
    broken = QUESTIONS.replace('title = "Test set"', f'title = "Test set"\nanswer_letter = {value}')
    assert problems_in(chat_folder(tmp_path, {}, {"set.toml": broken})) == [
        f"set.toml:2: answer_letter must be one letter other than Q (A1:, R1:…), not {shown}"
    ]
