"""The chaos campaign's machinery: one short chat hosted by the real bot process, against an
X emulator in this process, with the faults a scenario asks for.

Chat time runs ``speed`` times faster than real time, in the bot (``chaos_bot.py``) and in
the emulator alike (``ScaledClock``). The chat: #ChaosChat, ten minutes, a question a
minute from minute 1, last call at 8, closing at 10, two minutes of grace (the window ends
at 12), the recap at once. The bot is started just after the chat's start time and joins
it, as after a restart (the scheduler's own start is tested in tests/hosting). Like
systemd's ``Restart=always`` the run restarts the bot whenever it exits, unless a scenario
holds it down; ``kill`` is ``kill -9``. A crowd of simulated participants posts all along.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from aiohttp import web
from chaos_bot import ScaledClock

from chatbot.emulator.x import DEFAULT_KEYS, HOST_USER_ID, SEARCH_LAG_LIKE_X, XEmulator
from chatbot.reconcile import Reconciliation, copies_on_x, reconcile
from chatbot.simulation import Crowd
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository

BENCH = Path(__file__).resolve().parent
SLUG, HASHTAG = "chaos", "#ChaosChat"
WINDOW_END = 12.0  # chat minutes: closing at 10, two minutes of grace
LIMITS = {"GET /2/tweets/search/recent": 300, "POST /2/tweets": 100}  # X's, per 15 minutes
SCHEDULE = """slug = "chaos"
title = "Chaos"
hashtag = "#ChaosChat"
host = "@SMBchatHost"
timezone = "UTC"
question_set = "chaos/six"
duration_minutes = 10
first_question_after_minutes = 1
question_interval_minutes = 1
last_call_before_end_minutes = 2
grace_minutes = 2
reminders = []
[recurrence]
cron = "{minute} {hour} * * *"
[recap]
post_to_x = true
require_approval = false
delay_minutes = 0
"""
QUESTIONS = """title = "Surviving chaos"
welcome = "Welcome to {hashtag}! {count} questions, one a minute."
rules = "Answer with A1, A2… and add {hashtag}."
last_call = "Last call in {hashtag}!"
closing = "That's a wrap on {hashtag}, thank you!"
reminder = "{hashtag} starts {when}."
""" + "".join(
    f'[[questions]]\ntext = "Question number {n}: what would you do?"\n' for n in range(1, 7)
)


@dataclass
class Result:
    """What one run did and what X's records say about it."""

    database: str
    scenario: str
    kills: int
    starts: int  # processes started: the first, one per kill, one per exit of its own
    checked: Reconciliation
    recaps: int  # the recap thread's first post, as many times as it is on X
    peak: dict[str, int]  # requests per endpoint in the busiest 15 minutes
    over_limit: int  # requests X refused for going over its limits
    seconds: float


class Bot:
    """`chatbot run` (bench/chaos_bot.py) as a child process, restarted when it exits."""

    def __init__(self, env: dict[str, str], log: Path, clock: ScaledClock) -> None:
        self.env, self.log, self.clock = env, log, clock
        self.process: asyncio.subprocess.Process | None = None
        self.wanted = False
        self.kills = 0
        self.starts = 0
        self._keeper: asyncio.Task[None] | None = None

    async def up(self) -> None:
        """Start the bot and keep it running."""
        self.wanted = True
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep())

    async def _keep(self) -> None:
        while self.wanted:
            self.starts += 1
            with self.log.open("ab") as log:
                self.process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(BENCH / "chaos_bot.py"),
                    self.clock.origin.isoformat(),
                    str(self.clock.speed),
                    env=self.env,
                    stdout=log,
                    stderr=log,
                )
            await self.process.wait()
            await asyncio.sleep(0.3)  # systemd's RestartSec, in real time

    def kill(self) -> None:
        """kill -9 the bot; it is restarted unless held down."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            self.kills += 1

    async def down(self) -> None:
        """kill -9 the bot and keep it down."""
        self.wanted = False
        self.kill()
        if self._keeper is not None:
            await self._keeper

    async def stop(self) -> None:
        """Stop the bot as systemd does (SIGTERM) and keep it down."""
        self.wanted = False
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        if self._keeper is not None:
            await asyncio.wait_for(self._keeper, timeout=60)


@dataclass
class Hook:
    """Kill the bot when the emulator sees a request that ``matches``; once."""

    matches: Callable[[web.Request], bool]
    after: bool  # after X did the work (its answer is lost), or before
    fired: bool = False


@dataclass
class Run:
    """One chat of the campaign on one database."""

    database: str  # "sqlite" or "postgres"
    url: str
    folder: Path
    speed: float
    seed: int
    clock: ScaledClock = field(init=False)
    start: datetime = field(init=False)
    bot: Bot = field(init=False)
    hooks: list[Hook] = field(default_factory=list)

    def __post_init__(self) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.clock = ScaledClock(now, self.speed)
        # The chat starts at the first whole minute at least 20 s of chat time away.
        first = self.clock.now() + timedelta(seconds=20)
        self.start = first.replace(second=0, microsecond=0) + timedelta(minutes=1)
        self.emulator = XEmulator(
            now=self.clock.now,
            visibility_delay_seconds=SEARCH_LAG_LIKE_X,
            seed=self.seed,
            duplicate_window=timedelta(0),  # X would refuse a double; here it would show
        )
        self.emulator.app.middlewares.append(self._hook_middleware())
        self.refused = 0
        take = self.emulator.state.limiter.take

        def counting(*args: Any) -> tuple[bool, dict[str, str]]:
            allowed, headers = take(*args)
            self.refused += not allowed
            return allowed, headers

        self.emulator.state.limiter.take = counting  # type: ignore[method-assign]
        self.crowd = Crowd(self.emulator, HASHTAG, HOST_USER_ID, seed=self.seed, size=12)
        self.store = Repository(make_engine(self.url))
        upgrade(self.store.engine)

    # -- time --------------------------------------------------------------------------
    def minute(self) -> float:
        """Chat minutes since the start (negative before it)."""
        return (self.clock.now() - self.start).total_seconds() / 60

    async def at(self, minute: float) -> None:
        """Wait until chat minute ``minute``."""
        await self.clock.sleep((minute - self.minute()) * 60)

    # -- the world ---------------------------------------------------------------------
    async def begin(self) -> None:
        """Write the chat files, start X and the crowd; make the bot (not started)."""
        chats = self.folder / "chats"
        (chats / "schedules").mkdir(parents=True)
        (chats / "questions" / "chaos").mkdir(parents=True)
        schedule = SCHEDULE.format(minute=self.start.minute, hour=self.start.hour)
        (chats / "schedules" / "chaos.toml").write_text(schedule, encoding="utf-8")
        (chats / "questions" / "chaos" / "six.toml").write_text(QUESTIONS, encoding="utf-8")
        await self.emulator.start("127.0.0.1", 0)
        self._crowd = asyncio.create_task(self._people())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "DISCORD_"))}
        env.update(
            X_API_KEY=DEFAULT_KEYS.consumer_key,
            X_API_SECRET=DEFAULT_KEYS.consumer_secret,
            X_ACCESS_TOKEN=DEFAULT_KEYS.access_token,
            X_ACCESS_TOKEN_SECRET=DEFAULT_KEYS.access_token_secret,
            X_API_BASE_URL=self.emulator.base_url,
            CHATBOT_CHAT_DIR=str(chats),
            CHATBOT_DATA_DIR=str(self.folder / "data"),
            DATABASE_URL=self.url,
            CHATBOT_LOG_LEVEL="INFO",
            PYTHONPATH=str(BENCH.parent),
        )
        self.bot = Bot(env, self.folder / "bot.log", self.clock)

    async def _people(self) -> None:
        """Participants post every five seconds of chat time, from a minute before the start
        until a minute after the window's end; some reply to the bot's questions."""
        while self.minute() < WINDOW_END + 1:
            if self.minute() > -1:
                self.crowd.act(self.clock.now(), intensity=0.25)
            await self.clock.sleep(5)

    def burst(self, count: int) -> None:
        """``count`` answers at once: a pass then reads several pages."""
        now = self.clock.now()
        for i in range(count):
            self.emulator.add_post(f"burst{i % 40}", f"A3: idea {i} {HASHTAG}", created_at=now)

    def kill_on(self, matches: Callable[[web.Request], bool], *, after: bool) -> None:
        """Kill the bot at the first request that ``matches``, before X does the work or
        after it (X's answer is then lost)."""
        self.hooks.append(Hook(matches, after))

    def _hook_middleware(self) -> Callable[..., Awaitable[web.StreamResponse]]:
        @web.middleware
        async def hooks(request: web.Request, handler: Any) -> web.StreamResponse:
            due = [h for h in self.hooks if not h.fired and h.matches(request)]
            for hook in due:
                hook.fired = True
            if any(not h.after for h in due):
                self.bot.kill()
            response: web.StreamResponse = await handler(request)
            if any(h.after for h in due):
                self.bot.kill()
            return response

        return hooks

    async def break_database(self, seconds: float) -> None:
        """SQLite: hold its write lock for ``seconds`` (real). PostgreSQL: end the bot's
        connections (its leader lock with them), then hold a table lock that long."""
        if self.database == "sqlite":
            other = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            await asyncio.sleep(seconds)
            other.execute("ROLLBACK")
            other.close()
            return
        url = self.url.replace("postgresql+psycopg://", "postgresql://")
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            await conn.execute("LOCK TABLE collectedpost IN ACCESS EXCLUSIVE MODE")
            await asyncio.sleep(seconds)
            await conn.rollback()

    # -- the end -----------------------------------------------------------------------
    async def finish(self, scenario: str, *, within: float) -> Result:
        """Wait (``within`` real seconds at most) for the recap, stop the bot, and set X's
        records against the database."""
        began = self.clock.origin
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        occurrence = None
        while loop.time() < deadline:
            occurrence = await asyncio.to_thread(
                self.store.find_occurrence, SLUG, self.start.date().isoformat()
            )
            if occurrence is not None and occurrence.recap_state == "published":
                break
            await asyncio.sleep(0.5)
        await self.bot.stop()
        self._crowd.cancel()
        await self.emulator.stop()
        if occurrence is None:
            raise RuntimeError(f"{scenario}: the bot never opened the chat; see {self.bot.log}")
        checked = await asyncio.to_thread(
            reconcile,
            self.store,
            occurrence.id,
            x_posts=self.emulator.posts(),
            x_log=self.emulator.request_log.summary(),
            host_user_id=HOST_USER_ID,
        )
        first = await asyncio.to_thread(self.store.bot_post, occurrence.id, "recap-1")
        x_posts = self.emulator.posts()
        self.store.engine.dispose()
        return Result(
            database=self.database,
            scenario=scenario,
            kills=self.bot.kills,
            starts=self.bot.starts,
            checked=checked,
            recaps=copies_on_x(first.text, x_posts, HOST_USER_ID) if first else 0,
            peak=self._peaks(),
            over_limit=self.refused,
            seconds=(datetime.now(UTC) - began).total_seconds(),
        )

    def _peaks(self) -> dict[str, int]:
        """The most requests to each limited endpoint in any 15 minutes of chat time."""
        peaks = {}
        for endpoint in LIMITS:
            times = [e.at for e in self.emulator.request_log.entries if e.endpoint == endpoint]
            peaks[endpoint] = max(
                (len([t for t in times[i:] if t < first + timedelta(minutes=15)])
                 for i, first in enumerate(times)),
                default=0,
            )  # fmt: skip
        return peaks


def random_kills(rng: random.Random) -> list[float]:
    """Chat minutes for a kill every 0.7 to 1.5 minutes, from the start to past the end."""
    moments, minute = [], 0.5
    while minute < WINDOW_END + 2:
        moments.append(minute)
        minute += rng.uniform(0.7, 1.5)
    return moments
