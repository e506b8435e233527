"""Chat files the campaign broke the bot with: each is refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.catalog import load_catalog
from tests.catalog.chatfiles import QUESTIONS, SCHEDULE, chat_folder, problems_in


@pytest.mark.parametrize(
    "placeholder",
    ["{hashtag:d}", "{hashtag!x}", "{count:>{hashtag}}", "{hashtag:>3000000000}", "{}", "{0}"],
)
def test_a_placeholder_with_a_format_spec_is_a_problem_not_a_crash(
    tmp_path: Path, placeholder: str
) -> None:
    broken = QUESTIONS.replace("Welcome to {hashtag}!", f"Welcome to {placeholder}!")
    folder = chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": broken})
    problems = problems_in(folder)
    assert len(problems) == 2, problems
    assert problems[0].startswith("set.toml:2: 'welcome' has a malformed placeholder: ")
    assert problems[1].startswith("test.toml:5: question set 'set' is invalid")


def test_a_doubled_brace_is_a_brace(tmp_path: Path) -> None:
    braces = QUESTIONS.replace("Welcome to {hashtag}!", "Welcome {{everyone}} to {hashtag}!")
    catalog = load_catalog(chat_folder(tmp_path, {"test.toml": SCHEDULE}, {"set.toml": braces}))
    assert catalog.problems == []


@pytest.mark.parametrize(("escape", "code"), [("\\u0000", "U+0000"), ("\\u001b[2J", "U+001B")])
def test_a_control_character_in_a_question_is_refused(
    tmp_path: Path, escape: str, code: str
) -> None:
    broken = QUESTIONS.replace('text = "Second?"', f'text = "Second{escape}?"')
    problems = problems_in(chat_folder(tmp_path, {}, {"set.toml": broken}))
    assert problems == [f"set.toml:12: 'text' contains the control character {code}: remove it"]


def test_an_image_outside_the_question_sets_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    (tmp_path / "questions" / "smb").mkdir(parents=True)
    (tmp_path / "questions" / "smb" / "chart.png").write_bytes(b"\x89PNG")
    inside = QUESTIONS.replace('text = "First?"', 'text = "First?"\nimage = "chart.png"')
    for image in ("../../secret.png", "../../../../etc/passwd", str(tmp_path / "secret.png")):
        outside = inside.replace('text = "Second?"', f'text = "Second?"\nimage = "{image}"')
        problems = problems_in(chat_folder(tmp_path, {}, {"smb/set.toml": outside}))
        assert problems == [
            f"set.toml:14: Q2 image must be inside the question set's folder: {image}"
        ]


def test_a_crontab_day_8_is_refused(tmp_path: Path) -> None:
    cron = SCHEDULE.replace('weekday = "Wednesday"\ntime = "19:00"', 'cron = "0 19 * * 8"')
    problems = problems_in(chat_folder(tmp_path, {"test.toml": cron}, {"set.toml": QUESTIONS}))
    assert problems == [
        "test.toml:9: bad cron expression '0 19 * * 8': "
        "day of week '8' is not within 0-7 (0 and 7 are Sunday)"
    ]


def test_a_copied_schedule_that_kept_the_slug_is_the_duplicate(tmp_path: Path) -> None:
    original = 'slug = "smbchat"\n' + SCHEDULE
    folder = chat_folder(
        tmp_path,
        {"smbchat.toml": original, "a-copy.toml": original, "b-copy.toml": original},
        {"set.toml": QUESTIONS},
    )
    catalog = load_catalog(folder)
    owner = folder / "schedules" / "smbchat.toml"
    assert [str(p) for p in catalog.problems] == [
        f"{folder / 'schedules' / name}:1: duplicate slug 'smbchat': already used by {owner}"
        for name in ("a-copy.toml", "b-copy.toml")
    ]
    assert catalog.chats["smbchat"].path == owner


def test_a_duplicate_slug_is_reported_even_when_the_first_file_has_problems(
    tmp_path: Path,
) -> None:
    first = 'slug = "chat"\n' + SCHEDULE.replace("Europe/London", "Mars/Olympus")
    second = 'slug = "chat"\n' + SCHEDULE
    folder = chat_folder(
        tmp_path, {"first.toml": first, "second.toml": second}, {"set.toml": QUESTIONS}
    )
    catalog = load_catalog(folder)
    first_path = folder / "schedules" / "first.toml"
    assert [f"{p.path.name}:{p.line}: {p.message.split(' (')[0]}" for p in catalog.problems] == [
        "first.toml:5: unknown time zone 'Mars/Olympus'",
        f"second.toml:1: duplicate slug 'chat': already used by {first_path}",
    ]
    assert catalog.chats == {}


def test_a_long_question_is_reported_beside_the_schedules_other_problems(
    tmp_path: Path,
) -> None:
    long = QUESTIONS.replace('text = "Second?"', 'text = "' + "x" * 300 + '"')
    bad_zone = SCHEDULE.replace("Europe/London", "Mars/Olympus")
    problems = problems_in(chat_folder(tmp_path, {"test.toml": bad_zone}, {"set.toml": long}))
    assert [p[:45] for p in problems] == [
        "set.toml:12: Q2 is 314 characters as X counts",
        "test.toml:4: unknown time zone 'Mars/Olympus'",
    ]


def test_recap_discord_channel_id_is_an_unknown_key(tmp_path: Path) -> None:
    old = SCHEDULE + "\n[recap]\ndiscord_channel_id = 1234567890\n"
    problems = problems_in(chat_folder(tmp_path, {"test.toml": old}, {"set.toml": QUESTIONS}))
    assert len(problems) == 1
    assert problems[0].startswith("test.toml:13: unknown key 'discord_channel_id' [recap]")


@pytest.mark.parametrize(
    ("value", "shown"), [("1", "1"), ("26", "26"), ("true", "True"), ('"8"', "'8'")]
)
def test_a_recap_thread_length_outside_2_to_25_is_refused(
    tmp_path: Path, value: str, shown: str
) -> None:
    schedule = SCHEDULE + f"\n[recap]\nmax_thread_posts = {value}\n"
    problems = problems_in(chat_folder(tmp_path, {"test.toml": schedule}, {"set.toml": QUESTIONS}))
    assert problems == [
        f"test.toml:13: 'max_thread_posts' must be a whole number from 2 to 25, got {shown}"
    ]


def test_a_recap_thread_length_is_read_from_the_schedule(tmp_path: Path) -> None:
    schedule = SCHEDULE + "\n[recap]\nmax_thread_posts = 5\n"
    catalog = load_catalog(chat_folder(tmp_path, {"test.toml": schedule}, {"set.toml": QUESTIONS}))
    assert catalog.problems == []
    assert catalog.chats["test"].recap.max_thread_posts == 5
    shipped = load_catalog(Path(__file__).resolve().parents[2]).chats["smbchat"]
    assert shipped.recap.max_thread_posts == 8
