"""Shared set-up for the benchmarks: database, X emulator, the bot's objects, a crowd, timing.

Every benchmark runs the real code paths (tweepy over HTTP to the emulator on 127.0.0.1,
SQLite in a temporary folder); only the participants are simulated, by ``Participants``.
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import gc
import inspect
import itertools
import os
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# The benchmarks share the tests' manual clock: put the repository on the path for it.
_REPO = str(Path(__file__).resolve().parents[1])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from chatbot.catalog import Catalog, load_catalog
from chatbot.domain.chat import ChatSpec
from chatbot.domain.flow import Flow, Post
from chatbot.domain.posts import XUser
from chatbot.domain.views import MirroredAnswer
from chatbot.emulator.x import HOST_USER_ID, HOST_USERNAME, SEARCH_LAG_LIKE_X, XEmulator
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import Clock, XMeter
from chatbot.simulation import ANSWERS, CHATTER, FULL_WIDTH, LABELS, REPLIES
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from chatbot.x.search import MAX_PAGES
from tests.clock import ManualClock  # noqa: F401  (the scripts take it from here)

ROOT = Path(__file__).resolve().parents[1]
# #SMBchat's own slot: Tuesday 24 November 2026, 20:00 in New York = 01:00 UTC on the 25th.
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
PRICE_PER_READ = 0.005  # dollars per post read (X pay-per-use, 2026)
SEARCH = "GET /2/tweets/search/recent"
X_SEARCH_LIMIT = 300  # recent-search requests per 15-minute window, user context


# -- the chat, the database and the emulator ----------------------------------------------
def load_chat(slug: str = "smbchat") -> tuple[Catalog, ChatSpec]:
    """Return the shipped catalog and one of its chats."""
    catalog = load_catalog(ROOT)
    if catalog.problems:
        raise SystemExit("\n".join(str(p) for p in catalog.problems))
    return catalog, catalog.chats[slug]


def parse_start(text: str) -> datetime:
    """Read a chat start given as an ISO datetime with its UTC offset."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r}: give a UTC offset, e.g. +00:00")
    return moment.astimezone(UTC)


def temp_store(folder: Path) -> Repository:
    """A fresh, fully migrated SQLite database in ``folder``."""
    engine = make_engine(f"sqlite:///{folder / 'chatbot.db'}")
    upgrade(engine)
    return Repository(engine)


async def start_emulator(
    now: Callable[[], datetime],
    *,
    search_limit: int | None = None,
    search_lag: tuple[float, float] = SEARCH_LAG_LIKE_X,
) -> XEmulator:
    """The X emulator on a free port of 127.0.0.1, on clock ``now``, as messy as X: its
    search shows each post ``search_lag`` seconds late (1 to 20 s), not in id order.

    ``search_limit`` replaces X's 300 searches per 15 minutes (None keeps X's limit).
    """
    emulator = XEmulator(
        now=now, end_time_min_age_seconds=0, visibility_delay_seconds=search_lag, seed=1
    )
    await emulator.start("127.0.0.1", 0)
    if search_limit is not None:
        emulator.set_rate_limit(SEARCH, limit=search_limit, window_seconds=900)
    return emulator


async def _no_sleep(_seconds: float) -> None:
    return None


def make_client(
    base_url: str,
    *,
    now: Callable[[], datetime],
    meter: XMeter | None = None,
    sleep: Callable[[float], Any] | None = None,
    search_pages: int = MAX_PAGES,
) -> TweepyXClient:
    """A real tweepy client to the emulator at ``base_url``, signed in as the host account;
    ``search_pages``: pages one search call reads (the bot's client reads one)."""
    return TweepyXClient(
        consumer_key="ck",
        consumer_secret="cs",
        access_token=f"{HOST_USER_ID}-at",
        access_token_secret="ats",
        base_url=base_url,
        meter=meter,
        now=now,
        sleep=sleep or _no_sleep,
        retry=RetryPolicy(timeout=30.0),
        search_max_pages=search_pages,
    )


@dataclass
class NullModerators:
    """A moderator channel that only counts what it is told (Discord is not measured)."""

    notices: list[str] = field(default_factory=list)
    mirrored: int = 0

    async def notify(self, text: str) -> None:
        self.notices.append(text)

    async def chat_started(self, **_kwargs: Any) -> None:
        return None

    async def question_posted(self, **_kwargs: Any) -> None:
        return None

    async def mirror_answers(
        self, *, occurrence_id: int, answers: Sequence[MirroredAnswer]
    ) -> None:
        self.mirrored += len(answers)


def make_deps(
    *,
    store: Repository,
    base_url: str,
    clock: Clock,
    sleep: Callable[[float], Any] | None = None,
) -> RunnerDeps:
    """The bot's shared dependencies as the app wires them, with 15-second polls.

    ``sleep`` is how X rate-limit waits pass (none on a manual clock).
    """
    chat_store = SqlChatStore(store)
    usage = UsageLedger(chat_store)
    # As `chatbot run`: one page per search call, each stored before the next is read.
    x = make_client(base_url, now=clock.now, meter=usage, sleep=sleep, search_pages=1)
    return RunnerDeps(
        store=chat_store,
        x=x,
        moderators=NullModerators(),
        clock=clock,
        host_user=XUser(HOST_USER_ID, HOST_USERNAME),
        usage=usage,
        publisher=Publisher(store=chat_store, x=x, usage=usage),
        poll_seconds=15,
    )


def ideal_times(flow: Flow) -> dict[str, datetime]:
    """When each step of a fresh flow falls due if every post goes out the moment it is due.

    Runs a copy of the flow's own state machine on a perfect clock, so the times follow
    the chat's plan (questions timed from the post before, last call and close pinned).
    """
    flow = Flow.from_json(flow.to_json())
    now, times = flow.start, {}
    while flow.status == "running" and (step := flow.next_step()) is not None:
        posts = [a for a in flow.tick(now) if isinstance(a, Post)]
        if posts:
            times[posts[0].step.key] = now
            flow.posted(posts[0].step.key, post_id=len(times), at=now)
            continue
        if step.kind == "last_call":
            due = flow.last_call_at
        elif step.kind == "closing":
            due = flow.end
        else:
            due = flow.next_due or now
        now = max(now, due)
    return times


# -- simulated participants ------------------------------------------------------------
def arrival_times(count: int, start: datetime, end: datetime, *, seed: int) -> list[datetime]:
    """``count`` post times spread at random over [start, end), oldest first."""
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    return [start + timedelta(seconds=s) for s in sorted(rng.random() * span for _ in range(count))]


class Participants:
    """A crowd on the emulator answering the current question in the usual ways.

    Mix per post: 8 % chatter, 54 % labelled answers (A1:, a1, A 1…), 10 % unlabelled
    replies to the question, the rest replies to someone's answer (which inherit its
    question). Authors are skewed: a few people post a lot, most post a little.
    """

    def __init__(self, emulator: XEmulator, *, hashtag: str, people: int, seed: int) -> None:
        self.emulator, self.hashtag = emulator, hashtag
        self.rng = random.Random(seed)
        # Explicit ids: the emulator's id generator probes linearly within a millisecond,
        # so thousands of accounts made at one instant would cost it quadratic time.
        self.ids = [
            emulator.add_user(
                f"p{i:05d}_{seed}", followers_count=(i * 7919) % 20000, user_id=10**12 + i
            ).id
            for i in range(people)
        ]
        weights = [1 / (rank + 1) ** 0.7 for rank in range(people)]
        self._cumulative = list(itertools.accumulate(weights))
        self._answers: dict[int, list[int]] = defaultdict(list)
        self.count = 0

    def _author(self) -> int:
        pick = self.rng.random() * self._cumulative[-1]
        return self.ids[bisect.bisect(self._cumulative, pick)]

    def post(self, at: datetime, questions: dict[int, int]) -> int:
        """Add one post made at ``at``; ``questions`` maps question number to its post id."""
        rng, tag = self.rng, self.hashtag
        current = max(questions) if questions else 0
        roll = rng.random()
        reply_to, answers = None, self._answers[current]
        if not current or roll < 0.08:
            text = f"{rng.choice(CHATTER)} {tag}"
        elif roll < 0.62:
            wide = f"A{current}:".translate(FULL_WIDTH)
            label = rng.choice(LABELS).format(L="A", l="a", n=current, W=wide)
            text = f"{label}{rng.choice(ANSWERS)} {tag}"
        elif roll < 0.72 or not answers:
            text, reply_to = f"{rng.choice(ANSWERS)} {tag}", questions[current]
        else:
            text, reply_to = f"{rng.choice(REPLIES)} {tag}", rng.choice(answers[-200:])
        post_id = self.emulator.add_post(self._author(), text, created_at=at, reply_to=reply_to)
        if current and (reply_to is None or roll < 0.9):
            answers.append(post_id)
        self.count += 1
        return post_id


# -- measuring -------------------------------------------------------------------------
@dataclass
class Timings:
    """Seconds and calls accumulated per name, by wrapping callables or timing blocks.

    ``cpu`` is this process's CPU time (all its threads) inside each block: with X's
    emulator in a child process, the bot's own work in a search, not its wait for X.
    """

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    worst: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, name: str, seconds: float) -> None:
        """Count one call of ``name`` that took ``seconds``."""
        self.seconds[name] += seconds
        self.calls[name] += 1
        self.worst[name] = max(self.worst[name], seconds)

    @contextmanager
    def block(self, name: str) -> Iterator[None]:
        """Time the body of a ``with`` statement."""
        self.seconds[name] += 0.0  # rows keep the order in which names first appear
        began, cpu_began = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.cpu[name] += time.process_time() - cpu_began
            self.add(name, time.perf_counter() - began)

    def wrap(self, owner: Any, attribute: str, name: str | None = None) -> None:
        """Replace ``owner.attribute`` (a sync or async callable) by a timed one."""
        inner = getattr(owner, attribute)
        label = name or attribute
        self.seconds[label] += 0.0
        if inspect.iscoroutinefunction(inner):

            @functools.wraps(inner)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                with self.block(label):
                    return await inner(*args, **kwargs)

            setattr(owner, attribute, timed_async)
        else:

            @functools.wraps(inner)
            def timed(*args: Any, **kwargs: Any) -> Any:
                with self.block(label):
                    return inner(*args, **kwargs)

            setattr(owner, attribute, timed)


class GcWatch:
    """Times the cyclic garbage collector's pauses in this process while installed."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._began = 0.0

    def start(self) -> GcWatch:
        """Begin timing collections."""
        gc.callbacks.append(self._callback)
        return self

    def stop(self) -> None:
        """Stop timing collections."""
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def __enter__(self) -> GcWatch:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _callback(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)

    def summary(self) -> str:
        """How often the collector ran, for how long in all, and its longest pause."""
        longest = max(self.pauses, default=0.0) * 1000
        return (
            f"{len(self.pauses):,} collections, {sum(self.pauses):.1f} s in all, "
            f"the longest {longest:.0f} ms"
        )


async def receive(conn: Connection) -> Any:
    """Wait for the other process's next message without blocking the event loop."""
    ready = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_reader(conn.fileno(), ready.set)
    try:
        await ready.wait()
    finally:
        loop.remove_reader(conn.fileno())
    return conn.recv()


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    """The CPU model and how many CPUs this process may use."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {len(os.sched_getaffinity(0))} CPUs"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; columns of numbers (or $ amounts) are right-aligned."""
    cells = [list(headers), *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    right = [i > 0 and any(_is_number(row[i]) for row in rows) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        padded = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) or (isinstance(value, str) and value.startswith("$"))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
