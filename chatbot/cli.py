"""The ``chatbot`` command line.

Each command imports what it needs when it runs: ``chatbot --help`` loads no more than
argparse, and ``chatbot check`` neither the database, X, Discord nor matplotlib
(``tests/test_cli.py`` counts the modules).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot import __version__
from chatbot.errors import SetupError

if TYPE_CHECKING:
    from chatbot.catalog import Catalog
    from chatbot.settings import Settings


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

    demo = commands.add_parser(
        "demo", help="host the example chat on a local X emulator in accelerated time"
    )
    demo.add_argument("--speed", type=float, default=60.0, help="chat minutes per real minute")
    demo.add_argument("--seed", type=int, default=7, help="seed of the simulated participants")
    demo.add_argument("--people", type=int, default=32, help="simulated participants (1-32)")
    demo.add_argument(
        "--networks",
        default="x",
        help="networks to host the chat on, with an emulator and a crowd each (x,bluesky,mastodon)",
    )
    demo.add_argument("--verbose", action="store_true", help="show the bot's log as it runs")
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("run", help="host every enabled chat until stopped")
    run.set_defaults(handler=cmd_run)

    emulator = commands.add_parser(
        "emulator", help="run local emulators of X's API v2, Bluesky and Mastodon"
    )
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument(
        "--port", type=int, default=8787, help="X's port; Bluesky's is the next, Mastodon's next"
    )
    emulator.add_argument(
        "--networks",
        type=_networks,
        default=("x",),
        metavar="LIST",
        help="which to serve, comma-separated: x,bluesky,mastodon (default: x)",
    )
    emulator.add_argument("--empty", action="store_true", help="start with no participant accounts")
    emulator.add_argument(
        "--search-lag",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        help="recent search shows each post MIN to MAX seconds late, as X can",
    )
    emulator.set_defaults(handler=cmd_emulator)

    recap = commands.add_parser("recap", help="rebuild a chat's recap files and print its thread")
    recap.add_argument("chat", help="the chat's slug, e.g. smbchat")
    recap.add_argument("--occurrence", metavar="DATE", help="local date, e.g. 2026-11-24")
    recap.add_argument("--publish", action="store_true", help="approve and post it on X")
    recap.set_defaults(handler=cmd_recap)

    transcript = commands.add_parser(
        "transcript", help="recap files for any hashtag chat within X's recent-search window"
    )
    transcript.add_argument("hashtag", help="e.g. '#SMBchat'")
    transcript.add_argument(
        "--start",
        required=True,
        type=_when,
        help="ISO time, e.g. 2026-11-24T20:00-05:00 (UTC when no offset)",
    )
    transcript.add_argument("--end", required=True, type=_when, help="ISO time")
    transcript.add_argument("--timezone", default="UTC", help="zone for times in the files")
    transcript.add_argument("--host", help="the host's handle, so its posts are not answers")
    transcript.add_argument(
        "--chat",
        metavar="SLUG",
        help="also keep it in the database as this chat's week, for `chatbot report`",
    )
    transcript.set_defaults(handler=cmd_transcript)

    doctor = commands.add_parser(
        "doctor", help="check each network's credentials and host account, rate limits and costs"
    )
    doctor.add_argument(
        "--posts", type=int, default=450, help="participant posts a chat gets, for the cost"
    )
    doctor.set_defaults(handler=cmd_doctor)

    assign = commands.add_parser(
        "assign", help="put a collected post on another question, or on none, for good"
    )
    assign.add_argument("post", help="the post's x.com or twitter.com link, or its id")
    assign.add_argument("question", help="the question number; 0 or none: not an answer")
    assign.set_defaults(handler=cmd_assign)

    history = commands.add_parser("history", help="past chats with their numbers and X cost")
    history.add_argument("chat", nargs="?", help="only this chat")
    history.set_defaults(handler=cmd_history)

    report = commands.add_parser(
        "report", help="every week of a chat side by side: growth, retention, loyalty, cost"
    )
    report.add_argument("chat", nargs="?", help="only this chat (default: every chat)")
    report.set_defaults(handler=cmd_report)
    return parser


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: '{text}'") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args))
    except SetupError as exc:  # a problem the user can fix: one clear line, no traceback
        print(f"chatbot: {exc}", file=sys.stderr)
        return 2


def _settings(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    from chatbot.logs import configure_logging
    from chatbot.settings import load_settings

    env = Path(args.env_file)
    try:
        settings = load_settings(env if env.is_file() else None)
    except ValidationError as exc:
        where = env if env.is_file() else "the environment"
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise SetupError(f"bad setting in {where}: {problems}") from None
    configure_logging(settings.log_level, settings.secret_values())
    return settings


def _guarded(run: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command's coroutine; Ctrl-C is exit status 130, not a traceback."""
    import asyncio

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return 130


def cmd_run(args: argparse.Namespace) -> int:
    """Host every enabled chat until stopped."""
    from chatbot import app

    settings = _settings(args)
    return _guarded(lambda: app.run(settings))


def cmd_demo(args: argparse.Namespace) -> int:
    """A whole chat on the local emulator in accelerated time."""
    import logging

    from chatbot.catalog import EXAMPLE, has_chat_files
    from chatbot.demo import run_demo

    settings = _settings(args)
    if not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)
    if not 1 <= args.people <= 32 or args.speed <= 0:
        print("chatbot demo: --people takes 1 to 32, --speed a positive number", file=sys.stderr)
        return 2
    from chatbot.domain.network import Network

    names = [name.strip().lower() for name in args.networks.split(",") if name.strip()]
    known = [n.value for n in Network]
    if not names or any(name not in known for name in names):
        print(
            f"chatbot demo: --networks takes a list of {', '.join(known)} "
            f"(e.g. x,bluesky,mastodon), not {args.networks!r}",
            file=sys.stderr,
        )
        return 2
    networks = tuple(Network(name) for name in dict.fromkeys(names))
    if not has_chat_files(settings.chat_dir):
        print(f"No chat files in {settings.chat_dir.resolve()}: the demo hosts its own example.")
        settings = settings.model_copy(update={"chat_dir": EXAMPLE})
    return _guarded(
        lambda: run_demo(
            settings, speed=args.speed, seed=args.seed, people=args.people, networks=networks
        )
    )


def cmd_emulator(args: argparse.Namespace) -> int:
    """Serve the X API emulator until interrupted; it checks signatures with the X_* keys
    of the settings (or prints the keys it takes)."""
    from pydantic import SecretStr

    from chatbot.emulator.x import DEFAULT_KEYS, Keys, serve_forever

    settings = _settings(args)

    def value(secret: SecretStr | None, default: str) -> str:
        return secret.get_secret_value() if secret else default

    keys = DEFAULT_KEYS
    if settings.has_x_credentials:
        keys = Keys(
            consumer_key=value(settings.x_api_key, ""),
            consumer_secret=value(settings.x_api_secret, ""),
            access_token=value(settings.x_access_token, ""),
            access_token_secret=value(settings.x_access_token_secret, ""),
            bearer_token=value(settings.x_bearer_token, DEFAULT_KEYS.bearer_token),
        )
    lag = (args.search_lag[0], args.search_lag[1]) if args.search_lag else (0.0, 0.0)
    servers: list[Awaitable[None]] = []
    if "x" in args.networks:
        servers.append(
            serve_forever(
                args.host,
                args.port,
                seed_demo=not args.empty,
                keys=keys,
                visibility_delay_seconds=lag,
            )
        )
    if "bluesky" in args.networks:
        from chatbot.emulator.bluesky.server import serve_forever as serve_bluesky

        servers.append(serve_bluesky(args.host, args.port + 1, seed_demo=not args.empty))
    if "mastodon" in args.networks:
        from chatbot.emulator.mastodon.server import serve_forever as serve_mastodon

        servers.append(serve_mastodon(args.host, args.port + 2))
    return _guarded(lambda: _serve(servers))


def _networks(value: str) -> tuple[str, ...]:
    """``x,bluesky`` as the networks it names; an unknown one is a usage error."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in names if name not in ("x", "bluesky", "mastodon")]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown network {', '.join(unknown) or '(none)'}: use x, bluesky, mastodon"
        )
    return names


async def _serve(servers: list[Awaitable[None]]) -> int:
    import asyncio

    await asyncio.gather(*servers)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate chat files, and the credentials of each network a chat names, from the
    settings; print each problem with file and line, then upcoming chats."""
    from chatbot.catalog import NetworkSetup, load_catalog
    from chatbot.domain.network import Network

    settings = _settings(args)
    missing = {network: settings.missing_credentials(network) for network in Network}
    catalog = load_catalog(args.folder or settings.chat_dir, NetworkSetup(missing=missing))
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
    from zoneinfo import ZoneInfo

    from chatbot.catalog.checks import display_path
    from chatbot.domain.network import Network
    from chatbot.domain.recurrence import next_occurrences

    now = now or datetime.now(UTC)
    for chat in catalog.chats.values():
        qset = catalog.question_set_of(chat)
        state = "" if chat.enabled else " (disabled)"
        where = display_path(chat.path) if chat.path else chat.slug
        on = f", on {', '.join(chat.networks)}" if chat.networks != (Network.X,) else ""
        print(
            f"{where}: {chat.slug} {chat.hashtag}{state}, {chat.recurrence.describe()} "
            f"{chat.timezone}, {len(qset.questions)} questions, {chat.duration_minutes} min{on}"
        )
        for start in next_occurrences(chat, now, 3):
            local = start.astimezone(ZoneInfo(chat.timezone))
            print(
                f"  {local:%a %Y-%m-%d %H:%M} {local.tzname()}"
                f"  =  {start.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            )


def cmd_recap(args: argparse.Namespace) -> int:
    """Rebuild a chat's recap files and print the thread; post it with --publish."""
    from chatbot.reports import recap_command

    settings = _settings(args)
    return _guarded(
        lambda: recap_command(
            settings, args.chat, occurrence_date=args.occurrence, publish=args.publish
        )
    )


def cmd_transcript(args: argparse.Namespace) -> int:
    """Recap files for any hashtag chat in X's recent-search window."""
    from chatbot.reports import transcript_command

    settings = _settings(args)
    return _guarded(
        lambda: transcript_command(
            settings,
            args.hashtag,
            start=args.start,
            end=args.end,
            timezone=args.timezone,
            host=args.host,
            chat_slug=args.chat,
        )
    )


def cmd_history(args: argparse.Namespace) -> int:
    """Past chats with their numbers and X cost."""
    from chatbot.reports import history_command

    settings = _settings(args)
    return _guarded(lambda: history_command(settings, args.chat))


def cmd_report(args: argparse.Namespace) -> int:
    """Every week of a chat side by side, from the database."""
    from chatbot.reports import report_command

    settings = _settings(args)
    return _guarded(lambda: report_command(settings, args.chat))


def cmd_assign(args: argparse.Namespace) -> int:
    """A moderator's correction of an answer, on the database."""
    from chatbot.assign import assign_command

    settings = _settings(args)
    return _guarded(lambda: assign_command(settings, args.post, args.question))


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check with a few cheap calls that each network will take the next chat."""
    import logging

    from chatbot.doctor import doctor_command

    settings = _settings(args)
    for adapter in ("chatbot.x", "chatbot.bluesky", "chatbot.mastodon"):
        logging.getLogger(adapter).setLevel(logging.CRITICAL)  # the findings say it all
    return _guarded(lambda: doctor_command(settings, participant_posts=args.posts))
