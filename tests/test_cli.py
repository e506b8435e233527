"""The command line as a user runs it."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot import cli

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatbot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    assert "check" in result.stdout


def test_the_readme_documents_every_command_and_no_other() -> None:
    """A command added, renamed or removed without its README row fails here."""
    [commands] = [a for a in cli.build_parser()._actions if a.dest == "command"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `chatbot ([a-z]+)", readme, re.MULTILINE))
    assert documented == set(commands.choices or ())


def test_check_on_shipped_files_shows_next_occurrences_and_exits_0() -> None:
    result = _run("check", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("schedules/smbchat.toml: smbchat #SMBchat, every Tuesday at 20:00")
    occurrences = [line for line in lines if line.startswith("  Tue ")]
    assert len(occurrences) == 3
    for line in occurrences:
        # 20:00 in New York is 00:00 or 01:00 UTC the next day, depending on DST
        assert " 20:00 E" in line and (" 00:00 UTC" in line or " 01:00 UTC" in line)


def test_check_on_broken_files_prints_one_line_per_problem_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "schedules").mkdir()
    (tmp_path / "questions").mkdir()
    (tmp_path / "schedules" / "a.toml").write_text(
        'title = "A"\nhashtag = "#A chat"\nhost = "@a"\ntimezone = "Nowhere/Land"\n'
        'question_set = "missing"\n\n[recurrence]\nweekday = "Tuesday"\ntime = "20:00"\n'
    )
    (tmp_path / "schedules" / "b.toml").write_text("this is not toml\n")
    result = _run("check", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "schedules/a.toml:2: invalid hashtag '#A chat': '#' then letters, digits or _ "
        "(not only digits, no spaces)",
        "schedules/a.toml:4: unknown time zone 'Nowhere/Land' (use an IANA name such as "
        "America/New_York)",
        "schedules/a.toml:5: question set 'missing' does not exist: questions/missing.toml",
        "schedules/b.toml:1: invalid TOML: Expected '=' after a key in a key/value pair "
        "(at line 1, column 6)",
    ]
    assert "4 problems found" in result.stderr


def test_check_refuses_a_huge_format_spec_without_running_out_of_memory(tmp_path: Path) -> None:
    (tmp_path / "schedules").mkdir()
    (tmp_path / "questions").mkdir()
    schedule = (ROOT / "schedules" / "smbchat.toml").read_text(encoding="utf-8")
    (tmp_path / "schedules" / "smbchat.toml").write_text(schedule, encoding="utf-8")
    questions = ROOT / "questions" / "smb" / "engaging-customers.toml"
    text = questions.read_text(encoding="utf-8").replace(
        "Welcome to {hashtag}", "Welcome to {hashtag:>3000000000}"
    )
    (tmp_path / "questions" / "smb").mkdir()
    (tmp_path / "questions" / "smb" / questions.name).write_text(text, encoding="utf-8")

    def limit_memory() -> None:  # filling the spec would take 3 GB
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "check", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limit_memory,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    line = text.splitlines().index('welcome = """') + 1
    assert result.stdout.splitlines()[0].startswith(
        f"questions/smb/engaging-customers.toml:{line}: 'welcome' has a malformed placeholder: "
        "{hashtag:>3000000000} is not a plain {name}"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://chatbot:s3cret-pw@127.0.0.1:1/chatbot",
            "chatbot: cannot open the database "
            "postgresql+psycopg://chatbot:***@127.0.0.1:1/chatbot: connection failed: ",
        ),
        (
            "postgresql://chatbot:s3cret-pw@127.0.0.1:port/chatbot",
            "chatbot: DATABASE_URL is not a database URL (e.g. postgresql+psycopg://",
        ),
        ("s3cret-pw", "chatbot: DATABASE_URL is not a database URL"),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_line_and_status_2(
    tmp_path: Path, url: str, expected: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "history"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(expected), (
        result.stderr
    )
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_a_bad_setting_is_one_line_naming_it_and_status_2(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CHATBOT_LOG_LEVEL=LOUD\n", encoding="utf-8")
    result = _run("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "chatbot: bad setting in .env: CHATBOT_LOG_LEVEL: unknown log level 'LOUD'\n"
    )
