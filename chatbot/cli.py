"""The ``chatbot`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot import __version__
from chatbot.catalog import Catalog, load_catalog
from chatbot.catalog.checks import display_path
from chatbot.domain.recurrence import next_occurrences


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="chatbot",
        description="Host recurring Twitter (X) chats: schedule, post, collect, recap.",
    )
    parser.add_argument("--version", action="version", version=f"chatbot {__version__}")
    parser.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate schedules/ and questions/ and show upcoming chats"
    )
    check.add_argument(
        "folder", nargs="?", type=Path, help="folder holding schedules/ and questions/"
    )
    check.set_defaults(handler=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return int(args.handler(args))


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from chatbot.settings import load_settings

    env = Path(args.env_file)
    return load_settings(env if env.is_file() else None)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate chat files; print each problem with file and line, then upcoming chats."""
    folder = args.folder or _settings(args).chat_dir
    catalog = load_catalog(folder)
    for problem in catalog.problems:
        print(problem)
    print_chats(catalog)
    count = len(catalog.problems)
    if count:
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    print(f"OK: {len(catalog.chats)} chat(s), {len(catalog.question_sets)} question set(s)")
    return 0


def print_chats(catalog: Catalog, now: datetime | None = None) -> None:
    """Print each valid chat with its next three occurrences in local time and UTC."""
    now = now or datetime.now(UTC)
    for chat in catalog.chats.values():
        qset = catalog.question_set_of(chat)
        state = "" if chat.enabled else " (disabled)"
        where = display_path(chat.path) if chat.path else chat.slug
        print(
            f"{where}: {chat.slug} {chat.hashtag}{state}, {chat.recurrence.describe()} "
            f"{chat.timezone}, {len(qset.questions)} questions, {chat.duration_minutes} min"
        )
        for start in next_occurrences(chat, now, 3):
            local = start.astimezone(ZoneInfo(chat.timezone))
            print(
                f"  {local:%a %Y-%m-%d %H:%M} {local.tzname()}"
                f"  =  {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            )
