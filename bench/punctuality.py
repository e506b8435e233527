"""Are questions posted on time while answers pour in? Lateness of each post of a busy chat.

The bot hosts #SMBchat for real (its Host drives the ChatRunner on its own, as in
production) on an AcceleratedClock running ``--speed`` times faster than the wall clock.
The X emulator runs in a child process on the same clock, as X is another machine: its
CPU, heap and garbage collector are not the bot's. There a background task feeds it
``--rate`` participant posts per chat-minute.

A post's lateness is the emulator's created_at of the bot's post (when X accepted it)
minus the time the chat's flow plans for it if every post went out on time; shown in
chat seconds and in real seconds (chat seconds / speed). At speed N the bot gets N times
the real load per real second, so real-second figures are an upper bound for a real chat
of this size as long as the CPU keeps up.

    /tmp/venv/bin/python bench/punctuality.py [--rate 2000] [--speed 30] [--search-limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from _rig import (
    SEARCH,
    T0,
    X_SEARCH_LIMIT,
    GcWatch,
    Participants,
    Timings,
    arrival_times,
    cpu_model,
    ideal_times,
    load_chat,
    make_deps,
    parse_start,
    peak_rss_mb,
    percentile,
    receive,
    start_emulator,
    table,
    temp_store,
)

from chatbot.clock import AcceleratedClock
from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.flow import StepStatus
from chatbot.emulator.x import HOST_USER_ID, api_read
from chatbot.emulator.x.store import StoredPost
from chatbot.heap import settle
from chatbot.hosting.host import Host
from chatbot.hosting.runner import ChatRunner

LEAD = timedelta(minutes=1)  # chat time on the clock before the chat starts
FEED_EVERY = 0.01  # real seconds between the feeder's batches
PROBE_EVERY = 0.01  # real seconds the loop-lag probe sleeps
WAITS = "bot: waits for X (429, backoff)"


# -- the child process: X, and the crowd posting to it ----------------------------------
def run_world(conn: Connection, args: argparse.Namespace) -> None:
    """Entry point of the child process."""
    asyncio.run(world(conn, args))


async def world(conn: Connection, args: argparse.Namespace) -> None:
    """Serve the emulator and feed it until the parent says stop; send back what X saw."""
    _catalog, chat = load_chat()
    start = parse_start(args.start)
    arrivals = arrival_times(
        round(args.rate * chat.duration_minutes), start, start + chat.duration, seed=args.seed
    )
    parent_now, parent_monotonic = conn.recv()  # the parent's clock, read at that instant
    clock = AcceleratedClock(
        parent_now + timedelta(seconds=(time.monotonic() - parent_monotonic) * args.speed),
        args.speed,
    )
    emulator = await start_emulator(clock.now, search_limit=args.search_limit)
    crowd = Participants(emulator, hashtag=chat.hashtag, people=args.people, seed=args.seed)
    questions: dict[int, int] = {}  # what the crowd answers: question number -> post id
    host_posts: dict[int, datetime] = {}
    store = emulator.state.store
    add_post = store.add_post

    def add_and_watch(author_id: int, text: str, **kwargs: Any) -> StoredPost:
        post = add_post(author_id, text, **kwargs)
        if author_id == HOST_USER_ID:
            host_posts[post.id] = post.created_at
            if (number := question_number_of_host_post(text)) is not None:
                questions[number] = post.id
        return post

    store.add_post = add_and_watch  # type: ignore[method-assign]
    timings = Timings()
    timings.wrap(store, "search", "emulator: search")
    timings.wrap(api_read, "_page_body", "emulator: render a page")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(conn.fileno(), stop.set)
    conn.send(emulator.base_url)
    feeder = asyncio.create_task(feed(crowd, arrivals, clock, questions, timings))
    with GcWatch() as gc_watch:
        await stop.wait()
    feeder.cancel()
    await asyncio.gather(feeder, return_exceptions=True)
    conn.recv()
    conn.send(
        {
            "host_posts": host_posts,
            "fed": crowd.count,
            "requests": emulator.request_counts(),
            "statuses": emulator.request_log.summary()["statuses"],
            "timings": timings,
            "rss": peak_rss_mb(),
            "gc": gc_watch.summary(),
        }
    )
    await emulator.stop()


async def feed(
    crowd: Participants,
    arrivals: list[datetime],
    clock: AcceleratedClock,
    questions: dict[int, int],
    timings: Timings,
) -> None:
    """Add each participant post once the clock reaches its time, in small batches."""
    index = 0
    while index < len(arrivals):
        with timings.block("feeder: add posts to the emulator"):
            now = clock.now()
            while index < len(arrivals) and arrivals[index] <= now:
                crowd.post(arrivals[index], questions)
                index += 1
        await asyncio.sleep(FEED_EVERY)


# -- the parent process: the bot ---------------------------------------------------------
async def probe_loop(lags: list[float]) -> None:
    """Record how late the event loop wakes a task that sleeps ``PROBE_EVERY`` (real s)."""
    while True:
        began = time.perf_counter()
        await asyncio.sleep(PROBE_EVERY)
        lags.append(time.perf_counter() - began - PROBE_EVERY)


def lateness_rows(
    runner: ChatRunner, posted_at: dict[int, datetime], planned: dict[str, datetime], speed: float
) -> tuple[list[list[object]], dict[str, list[float]]]:
    """One row per post of the flow, and the lateness samples (chat s) per kind.

    Lateness is against the plan (what participants see) and against the step's own due
    time when it was posted (the post before it plus its gap): the flow times each
    question from the post before, so a late question moves the ones after it.
    """
    flow = runner.flow
    rows: list[list[object]] = []
    samples: dict[str, list[float]] = {"questions vs plan": [], "questions vs own due": []}
    samples["all posts vs plan"] = []
    previous: datetime | None = None
    for step in flow.steps:
        due = planned.get(step.key)
        if step.status != StepStatus.POSTED or step.post_id not in posted_at or due is None:
            rows.append([step.key, f"{due:%H:%M:%S}" if due else "-", step.status, "", "", ""])
            continue
        own_due = {"last_call": flow.last_call_at, "closing": flow.end}.get(step.kind)
        if own_due is None:
            own_due = previous + timedelta(minutes=step.gap) if previous else flow.start
        previous = step.posted_at
        posted = posted_at[step.post_id or 0]
        late, own = (posted - due).total_seconds(), (posted - own_due).total_seconds()
        samples["all posts vs plan"].append(late)
        if step.kind == "question":
            samples["questions vs plan"].append(late)
            samples["questions vs own due"].append(own)
        name = f"Q{step.number}" if step.kind == "question" else step.key
        posted_text = f"{posted:%H:%M:%S.%f}"[:-3]
        rows.append([name, f"{due:%H:%M:%S}", posted_text, late, late / speed, own])
    return rows, samples


@dataclass
class Run:
    """What one hosted chat left behind, for the report."""

    runner: ChatRunner
    planned: dict[str, datetime]
    seen: dict[str, Any]  # what the emulator saw, from the child process
    timings: Timings
    lags: list[float]
    collected: int
    real_seconds: float
    closed_at: datetime
    notices: list[str]
    gc: str
    waits: list[tuple[datetime, datetime]]


async def host_chat(conn: Connection, args: argparse.Namespace) -> Run:
    """Run the bot through the chat on the child's emulator until its closing post."""
    catalog, chat = load_chat()
    start, speed = parse_start(args.start), args.speed
    clock = AcceleratedClock(start - LEAD, speed)
    # The child starts its clock from this reading, corrected for the time in the pipe.
    conn.send((clock.now(), time.monotonic()))
    base_url = await receive(conn)
    timings, lags = Timings(), list[float]()
    waits: list[tuple[datetime, datetime]] = []  # chat time the runner spent waiting for X
    folder = tempfile.TemporaryDirectory(prefix="bench-punctuality-")
    store = temp_store(Path(folder.name))

    async def wait_for_x(seconds: float) -> None:
        waited = clock.now()
        with timings.block(WAITS):
            await clock.sleep(seconds)
        waits.append((waited, clock.now()))

    deps = make_deps(store=store, base_url=base_url, clock=clock, sleep=wait_for_x)
    host = Host(catalog=catalog, deps=deps)
    settle()  # as `chatbot run` does once it has started
    probe = asyncio.create_task(probe_loop(lags))
    gc_watch = GcWatch().start()
    try:
        await clock.sleep((start - clock.now()).total_seconds())  # as the scheduler would
        began = time.perf_counter()
        runner = await host.open_chat(chat, start)
        assert runner is not None
        planned = ideal_times(runner.flow)  # before the drive task has run: the fresh plan
        timings.wrap(runner.collector, "collect", "bot: collection pass")
        timings.wrap(deps.store, "record_collection", "  of which store posts+answers")
        timings.wrap(deps.publisher, "publish", "bot: publish one post")
        closed = asyncio.Event()
        save = runner.save

        async def save_and_tell() -> None:
            await save()
            if runner.flow.status == "ended":  # the closing post is out
                closed.set()

        runner.save = save_and_tell  # type: ignore[method-assign]
        budget = (chat.duration + timedelta(minutes=5)).total_seconds() / speed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closed.wait(), budget)
        real_seconds = time.perf_counter() - began
        closed_at = clock.now()
        collected, _authors = await deps.store.count_collected(runner.occurrence_id)
    finally:
        gc_watch.stop()
        probe.cancel()
        await host.stop()
        await deps.x.close()  # type: ignore[attr-defined]
        conn.send("stop")
        seen = await receive(conn)
        store.engine.dispose()
        folder.cleanup()
    return Run(
        runner=runner,
        planned=planned,
        seen=seen,
        timings=timings,
        lags=lags,
        collected=collected,
        real_seconds=real_seconds,
        closed_at=closed_at,
        notices=deps.moderators.notices,  # type: ignore[attr-defined]
        gc=gc_watch.summary(),
        waits=waits,
    )


def report(run: Run, args: argparse.Namespace) -> None:
    """Print the lateness of each post, its percentiles, and where the time went."""
    _catalog, chat = load_chat()
    speed, seen, timings = args.speed, run.seen, run.timings
    rows, samples = lateness_rows(run.runner, seen["host_posts"], run.planned, speed)
    print(
        f"{chat.hashtag}: {args.rate:,.0f} posts per chat-minute by {args.people:,} people; "
        f"clock x{speed:g} ({run.real_seconds:.0f} s real to the close); search limit "
        f"{args.search_limit or X_SEARCH_LIMIT} per 15 min; {cpu_model()}"
    )
    headers = ["post", "planned", "posted (X)", "late chat s", "late real s", "vs own due chat s"]
    print(table(headers, rows))
    print()
    summary = []
    for kind, values in samples.items():
        worst = max(values, default=float("nan"))
        p50, p99 = percentile(values, 50), percentile(values, 99)
        summary.append(
            [kind, len(values), p50, p99, worst, p50 / speed, p99 / speed, worst / speed]
        )
    headers = ["lateness", "n", "p50 chat s", "p99 chat s", "max chat s"]
    print(table([*headers, "p50 real s", "p99 real s", "max real s"], summary))
    print()
    lag_ms = [lag * 1000 for lag in run.lags]
    print(
        f"bot's event loop lag (real ms, {len(lag_ms):,} samples): p50 "
        f"{percentile(lag_ms, 50):.1f}, p99 {percentile(lag_ms, 99):.1f}, "
        f"max {max(lag_ms, default=0):.1f}"
    )
    print(f"garbage collector: bot {run.gc}; emulator {seen['gc']}")
    limited = seen["statuses"].get(f"{SEARCH} 429", 0)
    print(
        f"by the close ({run.closed_at:%H:%M:%S}): {seen['fed']:,} posts fed, "
        f"{run.collected:,} collected; {seen['requests'].get(SEARCH, 0):,} searches, "
        f"{limited:,} answered 429; peak RSS: bot {peak_rss_mb():,.0f} MiB, emulator "
        f"{seen['rss']:,.0f} MiB"
    )
    if run.waits:
        spans = ", ".join(
            f"{a:%H:%M:%S}-{b:%H:%M:%S} ({(b - a).total_seconds():.0f} s)" for a, b in run.waits
        )
        blocked = sum((b - a).total_seconds() for a, b in run.waits)
        print(
            f"the collector waited for X (chat time) {spans}: {blocked:,.0f} s in all "
            "(posting goes on meanwhile)"
        )
    for notice in run.notices:
        print(f"moderators were told: {notice}")
    rows = []
    for where in (timings, seen["timings"]):
        rows += [
            [name, where.calls[name], where.seconds[name], where.worst[name] * 1000]
            for name in where.seconds
        ]
    print(table(["work (real time)", "calls", "seconds", "worst ms"], rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=2000, help="posts per chat-minute")
    parser.add_argument("--speed", type=float, default=30, help="chat seconds per real second")
    parser.add_argument("--people", type=int, default=2000, help="distinct participants")
    parser.add_argument(
        "--search-limit",
        type=int,
        default=None,
        help="searches allowed per 15 min (default: X's 300)",
    )
    parser.add_argument("--start", default=T0.isoformat(), help="chat start, ISO with offset")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Forked before any event loop or database exists in this process.
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    child = context.Process(target=run_world, args=(there, args), name="x-emulator")
    child.start()
    try:
        report(asyncio.run(host_chat(here, args)), args)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.terminate()


if __name__ == "__main__":
    main()
