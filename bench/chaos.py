"""The chaos campaign: the real `chatbot run` hosts short chats while it is killed and X and
the database misbehave; X's own records then say what was lost, doubled and read twice.

Each scenario hosts one ten-minute chat (``_chaos.py`` describes it) on SQLite and on
PostgreSQL, with X's search lag on (posts show 1 to 20 s late, not in id order) and X's
duplicate check off (so a post made twice shows). The bot is ``kill -9``-ed at chosen
moments and restarted as systemd would; faults are injected in the emulator; the
database is locked (SQLite) or its connections ended (PostgreSQL). Then, from the
emulator's records against the database: answers lost, bot posts doubled, posts search
returned more than once on one UTC day, recap threads published, and the most requests
in 15 minutes against X's limits (and how many X refused for going over them).

    .venv/bin/python bench/chaos.py [--speed 30] [--databases sqlite,postgres]
                                    [--scenarios NAME,…] [--lock-seconds 35]

Exit status 1 when any run lost or doubled a post, did not publish exactly one recap, or
went over X's limits. A short version runs in the tests (tests/test_chaos.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from _chaos import LIMITS, WINDOW_END, Result, Run, random_kills
from _rig import cpu_model, table
from aiohttp import web

from tests.dbfixtures import new_pg_database

SEARCH, POSTS = LIMITS


def is_post(request: web.Request) -> bool:
    return request.method == "POST" and request.path == "/2/tweets"


def is_search(request: web.Request) -> bool:
    return request.path == "/2/tweets/search/recent"


async def started(run: Run) -> None:
    """The bot joins the chat just after its start."""
    await run.at(0.05)
    await run.bot.up()


# -- the scenarios: each sets up its faults and returns once they are all set off ---------
async def no_fault(run: Run, _options: argparse.Namespace) -> None:
    """Nothing goes wrong but X's search lag."""
    await started(run)


async def before_welcome(run: Run, _options: argparse.Namespace) -> None:
    """Killed as it sends the welcome, before X has it."""
    run.kill_on(is_post, after=False)
    await started(run)


async def mid_post(run: Run, _options: argparse.Namespace) -> None:
    """Killed as X makes Q2: X has the post, the bot never hears of it."""
    run.kill_on(lambda r: is_post(r) and run.minute() >= 2, after=True)
    await started(run)


async def mid_collection(run: Run, _options: argparse.Namespace) -> None:
    """350 answers at once; killed as X answers the second page of the pass."""
    await started(run)
    await run.at(3)
    run.kill_on(lambda r: is_search(r) and "until_id" in r.query, after=True)
    run.burst(350)


async def mid_recap(run: Run, _options: argparse.Namespace) -> None:
    """Killed as X makes the recap's first post: X has it, the bot never hears of it."""
    run.kill_on(lambda r: is_post(r) and run.minute() > WINDOW_END, after=True)
    await started(run)


async def window_end(run: Run, _options: argparse.Namespace) -> None:
    """Down from minute 11 (the grace period) to minute 14 (after the window's end)."""
    await started(run)
    await run.at(11)
    await run.bot.down()
    await run.at(14)
    await run.bot.up()


async def x_errors(run: Run, _options: argparse.Namespace) -> None:
    """X fails: eight 503s, three HTML 502s from its edge, two connections dropped after
    X did the work."""
    await started(run)
    await run.at(2)
    run.emulator.inject_errors(8, status=503)
    await run.at(4)
    run.emulator.inject_errors(3, status=502, body="html")
    await run.at(5)
    run.emulator.inject_drops(2, after_processing=True)


async def x_rate_limited(run: Run, _options: argparse.Namespace) -> None:
    """Four 429s whose reset is an hour away."""
    await started(run)
    await run.at(3)
    run.emulator.inject_rate_limit(4, reset_in_seconds=3600)


async def x_no_credits(run: Run, _options: argparse.Namespace) -> None:
    """X answers 402 from minute 2 to 4; the bot is restarted at 4.5 (posting resumes)."""
    await started(run)
    await run.at(2)
    run.emulator.set_credits_exhausted()
    await run.at(4)
    run.emulator.set_credits_exhausted(False)
    await run.at(4.5)
    run.bot.kill()


async def database(run: Run, options: argparse.Namespace) -> None:
    """At minute 3: SQLite's write lock held by another process for --lock-seconds (real;
    the bot's writes give up after 30 s); PostgreSQL's connections ended, then a table
    locked for as long."""
    await started(run)
    await run.at(3)
    await run.break_database(options.lock_seconds)


async def many_kills(run: Run, options: argparse.Namespace) -> None:
    """kill -9 every 0.7 to 1.5 chat minutes, from minute 0.5 to past the window's end."""
    await started(run)
    for minute in random_kills(random.Random(options.seed)):
        await run.at(minute)
        run.bot.kill()


async def everything(run: Run, options: argparse.Namespace) -> None:
    """The tests' short version: killed before the welcome, as X makes Q2, mid-collection,
    across the window's end and as X makes the recap; X failing; the database stalled."""
    run.kill_on(is_post, after=False)
    run.kill_on(lambda r: is_post(r) and 2 <= run.minute() < 4, after=True)
    run.kill_on(lambda r: is_post(r) and run.minute() > WINDOW_END + 1, after=True)
    await started(run)
    await run.at(3)
    run.emulator.inject_errors(5, status=503)
    await run.at(4)
    run.kill_on(lambda r: is_search(r) and "until_id" in r.query, after=True)
    run.burst(250)
    await run.at(6)
    await run.break_database(options.lock_seconds)
    await run.at(11)
    await run.bot.down()
    await run.at(13)
    await run.bot.up()


Scenario = Callable[[Run, argparse.Namespace], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {
    "no fault": no_fault,
    "killed before the welcome": before_welcome,
    "killed mid-post, X's answer lost": mid_post,
    "killed mid-collection": mid_collection,
    "killed mid-recap": mid_recap,
    "down across the window's end": window_end,
    "X: 5xx, HTML 502, dropped": x_errors,
    "X: 429, reset in 1 h": x_rate_limited,
    "X: 402 for 2 min": x_no_credits,
    "database locked / cut": database,
    "killed every minute": many_kills,
}
EVERYTHING = "all at once (short)"


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database of ``kind``, dropped afterwards (PostgreSQL: the tests' server,
    ``CHATBOT_TEST_PG``)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'chaos.db'}"
        return
    with new_pg_database("chaos") as url:
        yield url


async def run_one(
    kind: str, url: str, name: str, scenario: Scenario, options: argparse.Namespace
) -> Result:
    """Host one chat on the fresh database at ``url`` (of ``kind``) through ``scenario``."""
    with tempfile.TemporaryDirectory(prefix="chaos-") as temp:
        run = Run(kind, url, Path(temp), options.speed, options.seed)
        await run.begin()
        try:
            await scenario(run, options)
            within = (WINDOW_END + 10) * 60 / options.speed + 60
            return await run.finish(name, within=within)
        except BaseException:
            await run.bot.down()
            raise
        finally:
            if options.keep_logs:
                safe = "".join(c if c.isalnum() else "-" for c in f"{kind}-{name}")
                (Path(options.keep_logs) / f"{safe}.log").write_bytes(run.bot.log.read_bytes())


def failures(result: Result) -> list[str]:
    """What went wrong in a run, in words (nothing when all held)."""
    found = []
    if result.checked.lost:
        found.append(f"{len(result.checked.lost)} answers lost")
    if result.checked.doubled:
        found.append(f"{result.checked.doubled} bot posts doubled")
    if result.recaps != 1:
        found.append(f"{result.recaps} recaps published")
    if result.over_limit or any(result.peak[e] > limit for e, limit in LIMITS.items()):
        found.append("over X's rate limits")
    return found


def row(result: Result) -> list[object]:
    checked = result.checked
    return [
        result.database,
        result.scenario,
        result.kills,
        result.starts,
        checked.made,
        len(checked.lost),
        checked.bot_posts,
        checked.doubled,
        checked.searched_again,
        result.recaps,
        f"{result.peak[SEARCH]} / {LIMITS[SEARCH]}",
        f"{result.peak[POSTS]} / {LIMITS[POSTS]}",
        result.over_limit,
        round(result.seconds),
    ]


HEADERS = [
    "database", "scenario", "kills", "starts", "answers", "lost", "bot posts", "doubled",
    "re-read same day", "recaps", "searches / 15 min", "posts / 15 min", "over X's limits",
    "real s",
]  # fmt: skip


async def campaign(options: argparse.Namespace) -> list[Result]:
    """Every chosen scenario on every chosen database, one after the other."""
    chosen = {**SCENARIOS, EVERYTHING: everything}
    names = options.scenarios or list(SCENARIOS)
    results = []
    for kind in options.databases:
        for name in names:
            with (
                tempfile.TemporaryDirectory(prefix="chaos-db-") as folder,
                database_url(kind, Path(folder)) as url,
            ):
                result = await run_one(kind, url, name, chosen[name], options)
            print(f"{kind:8} {name:36} {', '.join(failures(result)) or 'ok'}", flush=True)
            results.append(result)
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=30, help="chat time per real time")
    parser.add_argument("--databases", default="sqlite,postgres", type=lambda s: s.split(","))
    parser.add_argument(
        "--scenarios",
        type=lambda s: s.split(","),
        help=f"names, comma-separated (default: all but '{EVERYTHING}'): {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--lock-seconds", type=float, default=35.0, help="database fault, real s")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep-logs", help="a folder for each run's bot log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    began = time.perf_counter()
    results = asyncio.run(campaign(options))
    print()
    print(table(HEADERS, [row(r) for r in results]))
    print(
        f"speed x{options.speed:g}; {time.perf_counter() - began:.0f} s; {cpu_model()}; "
        "'re-read same day': posts recent search returned more than once on one UTC day"
    )
    return 1 if any(failures(r) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
