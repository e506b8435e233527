"""A very large chat: collecting, assigning and recapping ``--posts`` posts, and peak memory.

The emulator is pre-loaded (in-process control methods) with the host's ten posts at
the times the chat's flow plans them and ``--posts`` participant posts spread over the
hour. The bot's real Collector then reads them as it would live: a manual clock moves
15 s at a time and each poll searches with since_id, stores and assigns what is new.
After the hour (and its grace) the recap is built: metrics refreshed by batched lookups,
then build_recap writes recap.md, recap.html, posts.csv and activity.png.

    /tmp/venv/bin/python bench/scale.py [--posts 50000] [--people 3000] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import shutil
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

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
    start_emulator,
    table,
    temp_store,
)

import chatbot.recap.build as recap_build
from chatbot.domain.answers import AnswerAssigner
from chatbot.domain.posts import XPost
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.hosting.host import Host
from chatbot.hosting.recap_publishing import refresh_metrics
from chatbot.hosting.runner import ChatRunner
from chatbot.recap import build_recap

POLL = timedelta(seconds=15)
RECAP_STEPS = (
    "load_record",
    "compute_stats",
    "highlights",
    "compose_thread",
    "draw_activity",
    "write_csv",
    "write_markdown",
    "write_html",
)


class Phases:
    """Wall time, the process's peak RSS and (optionally) the Python heap's peak per phase."""

    def __init__(self, *, trace: bool) -> None:
        self.trace = trace
        self.rows: list[list[object]] = []
        if trace:
            tracemalloc.start()

    def start(self) -> float:
        if self.trace:
            tracemalloc.reset_peak()
        return time.perf_counter()

    def done(self, name: str, began: float, detail: str = "") -> None:
        seconds = time.perf_counter() - began
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if self.trace else "-"
        self.rows.append([name, seconds, heap, peak_rss_mb(), detail])


def preload(
    emulator: XEmulator, runner: ChatRunner, crowd: Participants, arrivals: list[datetime]
) -> dict[int, int]:
    """Add the crowd's posts and the host's posts at their planned times, in time order.

    Returns the question posts (number -> post id), also told to the runner's assigner
    as the runner does when it posts a question.
    """
    steps = {s.key: s for s in runner.flow.steps}
    host_posts = [(due, i, key) for i, (key, due) in enumerate(ideal_times(runner.flow).items())]
    questions: dict[int, int] = {}
    for at, _order, key in heapq.merge(((t, -1, "") for t in arrivals), host_posts):
        if not key:
            crowd.post(at, questions)
            continue
        step = steps[key]
        if step.kind == "question":
            step.number = len(questions) + 1
        post_id = emulator.add_post(HOST_USER_ID, runner.texts.for_step(step), created_at=at)
        if step.kind == "question":
            questions[step.number] = post_id
            runner.collector.assigner.add_question_post(post_id, step.number)
    return questions


async def collect(
    runner: ChatRunner, clock: ManualClock, until: datetime, timings: Timings
) -> list[XPost]:
    """Poll as the runner does, every 15 s of the manual clock until ``until``."""
    new_posts: list[XPost] = []
    while clock.now() < until:
        with timings.block("poll (whole pass)"):
            new_posts += await runner.collector.collect_if_due()
        await clock.advance(POLL, step=POLL)
    return new_posts


async def main(args: argparse.Namespace) -> None:
    catalog, chat = load_chat()
    start = parse_start(args.start)
    clock = ManualClock(start)
    phases, timings, gc_watch = Phases(trace=args.tracemalloc), Timings(), GcWatch()
    rss_before = peak_rss_mb()
    emulator = await start_emulator(clock.now, search_limit=args.search_limit)
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    store = temp_store(folder)
    deps = make_deps(store=store, base_url=emulator.base_url, clock=clock)
    runner = await Host(catalog=catalog, deps=deps, drive=False).open_chat(chat, start)
    assert runner is not None
    try:
        with gc_watch:
            began = phases.start()
            crowd = Participants(emulator, hashtag=chat.hashtag, people=args.people, seed=args.seed)
            arrivals = arrival_times(args.posts, start, start + chat.duration, seed=args.seed)
            questions = preload(emulator, runner, crowd, arrivals)
            phases.done("pre-load emulator", began, f"{len(emulator.state.store.posts):,} posts")

            timings.wrap(deps.x, "search_recent", "search (HTTP, tweepy, emulator)")
            timings.wrap(emulator.state.store, "search", "  of which emulator search")
            timings.wrap(runner.collector.assigner, "assign", "assign answers")
            timings.wrap(deps.store, "unseen", "store: which are new")
            timings.wrap(deps.store, "record_collection", "store: write posts+answers")
            began = phases.start()
            until = start + chat.duration + timedelta(minutes=chat.grace_minutes)
            new_posts = await collect(runner, clock, until, timings)
            polls = timings.calls["poll (whole pass)"]
            detail = f"{len(new_posts):,} new posts in {polls} polls (kept for the next phase)"
            phases.done("collect", began, detail)

            began = phases.start()  # the pure domain code, all posts at once
            fresh = AnswerAssigner(
                question_posts={pid: n for n, pid in questions.items()},
                host_user_id=HOST_USER_ID,
            )
            assigned = len(fresh.assign(new_posts))
            phases.done("assign all at once", began, f"{assigned:,} assignments")
            del new_posts, fresh

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
        await emulator.stop()
        store.engine.dispose()

    answers = recap.stats.answers
    print(
        f"{chat.hashtag}: {crowd.count:,} participant posts by {args.people:,} people over "
        f"{chat.duration_minutes} min; recap counts {recap.stats.participants:,} "
        f"participants, {recap.stats.posts:,} posts, {answers:,} answers"
    )
    print(f"{cpu_model()}; peak RSS before the emulator started: {rss_before:,.0f} MiB")
    print(f"garbage collector (all phases, emulator included): {gc_watch.summary()}")
    print(table(["phase", "seconds", "heap peak MiB", "RSS peak MiB", ""], phases.rows))
    print()
    rows = [
        [name, timings.calls[name], timings.seconds[name], timings.worst[name] * 1000]
        for name in timings.seconds
    ]
    print(table(["inside the phases", "calls", "seconds", "worst ms"], rows))
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
    parser.add_argument("--keep", action="store_true", help="keep the database and recap files")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
