"""A very large chat: collecting, assigning and recapping ``--posts`` posts, and peak memory.

The emulator is pre-loaded (in-process control methods) with the host's ten posts at
the times the chat's flow plans them and ``--posts`` participant posts spread over the
hour. The bot's real Collector then reads them as it would live: a manual clock moves
15 s at a time and each poll searches with since_id, stores and assigns what is new.
After the hour (and its grace) the recap is built: metrics refreshed by batched lookups,
then build_recap writes recap.md, recap.html, posts.csv and activity.png.

X's emulator runs in a child process (X is another machine), so this process's CPU time,
peak RSS and garbage collector are the bot's alone; ``--same-process`` keeps it here, as
the benchmark did before (``bench/compare.py`` uses it to compare like with like).

    /tmp/venv/bin/python bench/scale.py [--posts 50000] [--people 3000] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import heapq
import multiprocessing
import shutil
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from _rig import (
    T0,
    GcWatch,
    ManualClock,
    Participants,
    Timings,
    arrival_times,
    cpu_model,
    ideal_times,
    load_chat,
    make_deps,
    parse_start,
    peak_rss_mb,
    receive,
    start_emulator,
    table,
    temp_store,
)
from sqlalchemy import select
from sqlmodel import col

import chatbot.recap.build as recap_build
from chatbot.domain.answers import AnswerAssigner
from chatbot.domain.posts import XPost, XUser
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.heap import settle
from chatbot.hosting.host import Host
from chatbot.hosting.recap_publishing import refresh_metrics
from chatbot.hosting.runner import ChatRunner
from chatbot.recap import build_recap
from chatbot.storage.repository import Repository
from chatbot.storage.tables import CollectedPost

POLL = timedelta(seconds=15)
RECAP_STEPS = (
    "load_record",
    "compute_stats",
    "highlights",
    "compose_thread",
    "draw_activity",
    "write_csv",
    "sections",
    "write_markdown",
    "write_html",
)
BOT_PHASES = ("collect", "assign all at once", "refresh metrics", "build_recap")
SEARCHED = "  of which emulator search"
RSS_AT_START = peak_rss_mb()  # after the imports
HostPlan = list[tuple[datetime, int, str]]  # the host's posts: when, question number, text


class Phases:
    """Wall time, CPU time, the longest garbage-collector pause, peak RSS and (optionally)
    the Python heap's peak per phase; with ``profile`` a cProfile of each written there."""

    def __init__(self, *, trace: bool, profile: Path | None, gc_watch: GcWatch) -> None:
        self.trace, self.profile, self.gc_watch = trace, profile, gc_watch
        self.rows: list[list[object]] = []
        self.cpu: dict[str, float] = {}
        self._profiler: cProfile.Profile | None = None
        if trace:
            tracemalloc.start()
        if profile:
            profile.mkdir(parents=True, exist_ok=True)

    def start(self) -> tuple[float, float]:
        """Begin a phase."""
        self._pauses = len(self.gc_watch.pauses)
        if self.trace:
            tracemalloc.reset_peak()
        if self.profile:
            self._profiler = cProfile.Profile()
            self._profiler.enable()
        return time.perf_counter(), time.process_time()

    def done(self, name: str, began: tuple[float, float], detail: str = "") -> None:
        """End a phase and keep its row."""
        seconds, cpu = time.perf_counter() - began[0], time.process_time() - began[1]
        if self._profiler and self.profile:
            self._profiler.disable()
            self._profiler.dump_stats(self.profile / f"{name.replace(' ', '-')}.prof")
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if self.trace else "-"
        pause = max(self.gc_watch.pauses[self._pauses :], default=0.0) * 1000
        self.cpu[name] = cpu
        self.rows.append([name, seconds, cpu, pause, heap, peak_rss_mb(), detail])


def host_plan(runner: ChatRunner) -> HostPlan:
    """The host's posts at the times the chat's flow plans them, with question numbers."""
    steps = {s.key: s for s in runner.flow.steps}
    plan: HostPlan = []
    for key, due in ideal_times(runner.flow).items():
        step = steps[key]
        number = sum(1 for _, n, _ in plan if n) + 1 if step.kind == "question" else 0
        if number:
            step.number = number
        plan.append((due, number, runner.texts.for_step(step)))
    return plan


def preload(
    emulator: XEmulator, crowd: Participants, arrivals: list[datetime], plan: HostPlan
) -> dict[int, int]:
    """Add the crowd's posts and the host's posts in time order; return the question
    posts (number -> post id)."""
    questions: dict[int, int] = {}
    host_posts = ((due, order, number, text) for order, (due, number, text) in enumerate(plan))
    for at, _order, number, text in heapq.merge(((t, -1, 0, "") for t in arrivals), host_posts):
        if not text:
            crowd.post(at, questions)
            continue
        post_id = emulator.add_post(HOST_USER_ID, text, created_at=at)
        if number:
            questions[number] = post_id
    return questions


def make_crowd(
    emulator: XEmulator, args: argparse.Namespace
) -> tuple[Participants, list[datetime]]:
    """The participants and when each of their posts is made."""
    _catalog, chat = load_chat()
    start = parse_start(args.start)
    crowd = Participants(emulator, hashtag=chat.hashtag, people=args.people, seed=args.seed)
    return crowd, arrival_times(args.posts, start, start + chat.duration, seed=args.seed)


class LocalX:
    """The emulator in this process, on the bot's own clock."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    async def start(self, clock: MirroredClock) -> str:
        """Start it; return its base URL."""
        self.emulator = await start_emulator(clock.now, search_limit=self.args.search_limit)
        return self.emulator.base_url

    def watch(self, timings: Timings) -> None:
        """Time its searches."""
        timings.wrap(self.emulator.state.store, "search", SEARCHED)

    async def preload(self, plan: HostPlan) -> tuple[dict[int, int], int, int]:
        """Pre-load the chat; return its question posts, participant posts and all posts."""
        crowd, arrivals = make_crowd(self.emulator, self.args)
        questions = preload(self.emulator, crowd, arrivals, plan)
        return questions, crowd.count, len(self.emulator.state.store.posts)

    async def stop(self) -> dict[str, Any]:
        """Stop it; nothing more to report (its figures are this process's)."""
        await self.emulator.stop()
        return {}


class ChildX:
    """The emulator in a child process, reading the bot's manual clock from shared memory.

    Made before the event loop, the database and any thread exist in this process: the
    child is forked then.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        context = multiprocessing.get_context("fork")
        self.moment = context.Value("d", parse_start(args.start).timestamp())
        self.conn, there = context.Pipe()
        self.child = context.Process(target=_child, args=(there, self.moment, args), name="x")
        self.child.start()

    async def start(self, clock: MirroredClock) -> str:
        """Put the child's X on ``clock``; return its base URL."""
        clock.on_change = lambda now: setattr(self.moment, "value", now.timestamp())
        return str(await receive(self.conn))

    def watch(self, timings: Timings) -> None:
        """Report its searches' times (sent by the child when it stops) in ``timings``."""
        self.timings = timings
        timings.seconds[SEARCHED] += 0.0  # the row keeps its place until then

    async def preload(self, plan: HostPlan) -> tuple[dict[int, int], int, int]:
        """Pre-load the chat in the child; its question posts, participant and all posts."""
        self.conn.send(plan)
        return tuple(await receive(self.conn))

    async def stop(self) -> dict[str, Any]:
        """Stop the child; its search timings, peak RSS and garbage collector."""
        self.conn.send("stop")
        seen: dict[str, Any] = await receive(self.conn)
        self.child.join(timeout=30)
        searched = seen["search"]
        self.timings.seconds[SEARCHED] = searched.seconds["search"]
        self.timings.calls[SEARCHED] = searched.calls["search"]
        self.timings.worst[SEARCHED] = searched.worst["search"]
        return seen


def _child(conn: Connection, moment: Synchronized[float], args: argparse.Namespace) -> None:
    asyncio.run(_serve_x(conn, moment, args))


async def _serve_x(conn: Connection, moment: Synchronized[float], args: argparse.Namespace) -> None:
    """The child: serve X on the parent's clock, pre-load it, report when told to stop."""
    emulator = await start_emulator(
        lambda: datetime.fromtimestamp(moment.value, UTC), search_limit=args.search_limit
    )
    search = Timings()
    search.wrap(emulator.state.store, "search")
    conn.send(emulator.base_url)
    with GcWatch() as gc_watch:
        plan: HostPlan = await receive(conn)
        crowd, arrivals = make_crowd(emulator, args)
        questions = preload(emulator, crowd, arrivals, plan)
        conn.send((questions, crowd.count, len(emulator.state.store.posts)))
        await receive(conn)
    conn.send({"search": search, "rss": peak_rss_mb(), "gc": gc_watch.summary()})
    await emulator.stop()


class MirroredClock(ManualClock):
    """A manual clock that tells ``on_change`` each time it moves (the child's X reads it)."""

    def __init__(self, start: datetime) -> None:
        self.on_change: Any = None
        super().__init__(start)

    @property
    def _now(self) -> datetime:
        return self._moment

    @_now.setter
    def _now(self, moment: datetime) -> None:
        self._moment = moment
        if self.on_change:
            self.on_change(moment)


async def collect(runner: ChatRunner, clock: ManualClock, until: datetime, timings: Timings) -> int:
    """Poll as the runner does, every 15 s of the manual clock until ``until``; return how
    many new posts it read (none is kept here: the bot's memory is measured)."""
    new_posts = 0
    while clock.now() < until:
        with timings.block("poll (whole pass)"):
            new_posts += len(await runner.collector.collect_if_due())
        await clock.advance(POLL, step=POLL)
    return new_posts


def read_back(store: Repository, occurrence_id: int) -> list[XPost]:
    """The collected posts as the assigner takes them, read from the database, by id."""
    c = CollectedPost
    query = (
        select(col(c.id), col(c.author_id), col(c.author_username), col(c.text))
        .add_columns(col(c.created_at), col(c.in_reply_to_post_id))
        .add_columns(col(c.in_reply_to_user_id), col(c.quoted_post_id))
        .where(col(c.occurrence_id) == occurrence_id)
        .order_by(col(c.id))
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        XPost(
            id=row.id,
            author=XUser(row.author_id, row.author_username),
            text=row.text,
            created_at=row.created_at,
            in_reply_to_post_id=row.in_reply_to_post_id,
            in_reply_to_user_id=row.in_reply_to_user_id,
            quoted_post_id=row.quoted_post_id,
        )
        for row in rows
    ]


async def main(args: argparse.Namespace, x: LocalX | ChildX) -> None:
    catalog, chat = load_chat()
    start = parse_start(args.start)
    clock = MirroredClock(start)
    gc_watch, timings = GcWatch(), Timings()
    phases = Phases(trace=args.tracemalloc, profile=args.profile, gc_watch=gc_watch)
    base_url = await x.start(clock)
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    store = temp_store(folder)
    deps = make_deps(store=store, base_url=base_url, clock=clock)
    runner = await Host(catalog=catalog, deps=deps, drive=False).open_chat(chat, start)
    assert runner is not None
    settle()  # as `chatbot run` does once it has started
    try:
        with gc_watch:
            began = phases.start()
            questions, participant_posts, all_posts = await x.preload(host_plan(runner))
            for number, post_id in questions.items():  # as the runner does when it posts one
                runner.collector.assigner.add_question_post(post_id, number)
            phases.done("pre-load emulator", began, f"{all_posts:,} posts")

            timings.wrap(deps.x, "search_recent", "search (HTTP, tweepy, emulator)")
            x.watch(timings)
            timings.wrap(runner.collector.assigner, "assign", "assign answers")
            timings.wrap(deps.store, "unseen", "store: which are new")
            timings.wrap(deps.store, "record_collection", "store: write posts+answers")
            began = phases.start()
            until = start + chat.duration + timedelta(minutes=chat.grace_minutes)
            new_posts = await collect(runner, clock, until, timings)
            polls = timings.calls["poll (whole pass)"]
            phases.done("collect", began, f"{new_posts:,} new posts in {polls} polls")

            collected = read_back(store, runner.occurrence_id)
            began = phases.start()  # the pure domain code, all posts at once
            fresh = AnswerAssigner(
                question_posts={pid: n for n, pid in questions.items()},
                host_user_id=HOST_USER_ID,
            )
            assigned = len(fresh.assign(collected))
            phases.done("assign all at once", began, f"{assigned:,} assignments")
            del collected, fresh

            timings.wrap(deps.x, "get_posts", "lookups (HTTP, tweepy, emulator)")
            began = phases.start()
            refreshed = await refresh_metrics(deps.store, deps.x, runner.occurrence_id)
            phases.done("refresh metrics", began, f"{refreshed:,} posts looked up")

            for name in RECAP_STEPS:
                timings.wrap(recap_build, name, f"recap: {name}")
            began = phases.start()
            qset = catalog.question_set_of(chat)
            recap = build_recap(store, chat, qset, runner.occurrence_id, out_dir=folder / "recaps")
            files = recap.files.all()
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MiB" for p in files)
            phases.done("build_recap", began, sizes)
    finally:
        await deps.x.close()  # type: ignore[attr-defined]
        seen = await x.stop()
        store.engine.dispose()

    answers = recap.stats.answers
    print(
        f"{chat.hashtag}: {participant_posts:,} participant posts by {args.people:,} people "
        f"over {chat.duration_minutes} min; recap counts {recap.stats.participants:,} "
        f"participants, {recap.stats.posts:,} posts, {answers:,} answers"
    )
    print(f"{cpu_model()}; peak RSS before the emulator started: {RSS_AT_START:,.0f} MiB")
    if args.same_process:
        print("X's emulator in this process: CPU, RSS and garbage collector include it")
        print(f"garbage collector (all phases, emulator included): {gc_watch.summary()}")
    else:
        bot = sum(phases.cpu[name] for name in BOT_PHASES)
        print(
            f"X's emulator in a child process (peak RSS {seen['rss']:,.0f} MiB; garbage "
            f"collector {seen['gc']}): CPU, RSS and garbage collector are the bot's"
        )
        print(f"garbage collector (the bot, all phases): {gc_watch.summary()}")
        print(f"the bot's own work (CPU, {', '.join(BOT_PHASES)}): {bot:.2f} s")
    headers = ["phase", "seconds", "CPU s", "longest GC ms", "heap peak MiB", "RSS peak MiB", ""]
    print(table(headers, phases.rows))
    print()
    # CPU s: this process's, all threads (the emulator's search runs in its own process).
    rows = [
        [
            name,
            timings.calls[name],
            timings.seconds[name],
            timings.worst[name] * 1000,
            timings.cpu.get(name, "-"),
        ]
        for name in timings.seconds
    ]
    print(table(["inside the phases", "calls", "seconds", "worst ms", "CPU s"], rows))
    if args.keep:
        print(f"database and recap files kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000, help="participant posts")
    parser.add_argument("--people", type=int, default=3000, help="distinct participants")
    parser.add_argument("--start", default=T0.isoformat(), help="chat start, ISO with offset")
    parser.add_argument(
        "--search-limit",
        type=int,
        default=None,
        help="searches allowed per 15 min (default: X's 300)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the Python heap (slower)"
    )
    parser.add_argument(
        "--same-process",
        action="store_true",
        help="run X's emulator in this process, as before (its CPU, heap and GC count)",
    )
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="write a cProfile of each phase to DIR"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and recap files")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    x = LocalX(arguments) if arguments.same_process else ChildX(arguments)
    asyncio.run(main(arguments, x))
