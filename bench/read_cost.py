"""What collecting a chat costs on X: the bot's since_id polling beside a naive poller.

The bot hosts #SMBchat on a manual clock against the X emulator (its real Host,
ChatRunner, Collector, tweepy client and SQLite store, polling every 15 s) while
participants post ``--posts`` posts spread over the hour; X's search shows each post 1
to 20 s late, not in id order (``--no-lag`` shows each at once). The emulator's own
records are then set against the database: answers lost, billed and returned per
collected post (``chatbot.reconcile``). Then the same hour is
replayed for a naive poller that, every 15 s, searches from the chat's start and
pages through everything in its window (with the bot's client, so at most 100 pages,
10,000 posts, a pass). The emulator bills as X does: each post once per UTC day,
however often it is returned.

    /tmp/venv/bin/python bench/read_cost.py [--posts 5000] [--people 400] [--start ISO]

``--start 2026-11-24T23:30:00+00:00`` puts UTC midnight inside the chat, where X bills
every post again.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from _rig import (
    PRICE_PER_READ,
    SEARCH,
    T0,
    X_SEARCH_LIMIT,
    ManualClock,
    Participants,
    arrival_times,
    cpu_model,
    load_chat,
    make_client,
    make_deps,
    parse_start,
    start_emulator,
    table,
    temp_store,
)

from chatbot.emulator.x import HOST_USER_ID, SEARCH_LAG_LIKE_X, XEmulator
from chatbot.emulator.x.limits import RateLimiter
from chatbot.emulator.x.traffic import RequestLog
from chatbot.hosting.collector import EARLY
from chatbot.hosting.host import Host
from chatbot.reconcile import Reconciliation, reconcile
from chatbot.x.meter import Meter

STEP = timedelta(seconds=5)  # how often the manual clock moves and the runner steps
POLL = timedelta(seconds=15)
WINDOW = timedelta(minutes=15)  # X's rate-limit window


@dataclass
class Figures:
    """What one poller cost: requests, posts returned and posts billed."""

    name: str
    collected: int
    searches: int
    returned: int
    billed: int
    peak_window: int  # most searches in any 15-minute window

    def row(self) -> list[object]:
        collected = self.collected or float("nan")
        return [
            self.name,
            self.collected,
            self.searches,
            self.peak_window,
            self.returned,
            self.returned / collected,
            self.billed,
            self.billed / collected,
            f"${self.billed * PRICE_PER_READ:,.2f}",
            f"${self.returned * PRICE_PER_READ:,.2f}",
        ]


class Clocks:
    """The emulator's clock, which the naive replay can turn back to the chat's start."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.clock = ManualClock(start - timedelta(minutes=1))

    def now(self) -> datetime:
        return self.clock.now()


def peak_in_window(times: list[datetime]) -> int:
    """The most timestamps in any 15-minute window."""
    best, low = 0, 0
    for high, moment in enumerate(times):
        while times[low] <= moment - WINDOW:
            low += 1
        best = max(best, high - low + 1)
    return best


def search_figures(emulator: XEmulator, name: str, collected: int) -> Figures:
    """Read the emulator's log: searches, posts returned and billed."""
    log = emulator.request_log
    times = [e.at for e in log.entries if e.endpoint == SEARCH]
    return Figures(
        name=name,
        collected=collected,
        searches=len(times),
        returned=log.posts_returned,
        billed=emulator.billed_reads(),
        peak_window=peak_in_window(times),
    )


async def run_bot(
    emulator: XEmulator, clocks: Clocks, crowd: Participants, arrivals: list[datetime], db: Path
) -> tuple[Figures, Reconciliation]:
    """Host the whole chat with the bot until its collection window closes."""
    catalog, chat = load_chat()
    clock, start = clocks.clock, clocks.start
    store = temp_store(db)
    deps = make_deps(store=store, base_url=emulator.base_url, clock=clock)
    host = Host(catalog=catalog, deps=deps, drive=False)
    runner = None
    pending = iter(arrivals)
    upcoming = next(pending, None)
    try:
        while runner is None or not runner.finished:
            now = clock.now()
            if runner is None and now >= start:
                runner = await host.open_chat(chat, start)
            questions = (
                {s.number: s.post_id for s in runner.flow.posted_questions() if s.post_id}
                if runner
                else {}
            )
            while upcoming is not None and upcoming <= now:
                crowd.post(upcoming, questions)
                upcoming = next(pending, None)
            if runner is not None:
                await runner.step()
            await clock.advance(STEP)
    finally:
        await deps.x.close()  # type: ignore[attr-defined]
    assert runner is not None
    stored = len(store.collected_posts(runner.occurrence_id))
    metered = store.usage(runner.occurrence_id).posts_read
    checked = reconcile(
        store,
        runner.occurrence_id,
        x_posts=emulator.posts(),
        x_log=emulator.request_log.summary(),
        host_user_id=HOST_USER_ID,
    )
    store.engine.dispose()
    figures = search_figures(emulator, "bot (since_id, settled)", stored)
    if metered != figures.billed:
        print(f"note: the bot metered {metered} reads, the emulator billed {figures.billed}")
    return figures, checked


async def run_naive(emulator: XEmulator, clocks: Clocks, end: datetime, query: str) -> Figures:
    """Replay the hour: every 15 s, search from the chat's start and page through it all."""
    clocks.clock = ManualClock(clocks.start)
    emulator.state.log = RequestLog()
    emulator.state.limiter = RateLimiter(emulator.now)
    emulator.set_rate_limit(SEARCH, limit=1_000_000, window_seconds=900)
    x = make_client(emulator.base_url, now=clocks.now, meter=Meter())
    seen: set[int] = set()
    try:
        while clocks.now() < end:
            batch = await x.search_recent(query, since_id=None, start_time=clocks.start - EARLY)
            seen.update(p.id for p in batch.posts)
            await clocks.clock.advance(POLL, step=POLL)
    finally:
        await x.close()
    return search_figures(emulator, "naive (from start)", len(seen))


async def main(args: argparse.Namespace) -> None:
    _catalog, chat = load_chat()
    start = parse_start(args.start)
    clocks = Clocks(start)
    lag = (0.0, 0.0) if args.no_lag else SEARCH_LAG_LIKE_X
    emulator = await start_emulator(clocks.now, search_lag=lag)  # X's own search limit
    crowd = Participants(emulator, hashtag=chat.hashtag, people=args.people, seed=args.seed)
    arrivals = arrival_times(args.posts, start, start + chat.duration, seed=args.seed)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-read-cost-") as folder:
        try:
            bot, checked = await run_bot(emulator, clocks, crowd, arrivals, Path(folder))
            bot_seconds = time.perf_counter() - began
            naive = await run_naive(emulator, clocks, clocks.now(), f"{chat.hashtag} -is:retweet")
        finally:
            await emulator.stop()
    naive_seconds = time.perf_counter() - began - bot_seconds
    print(
        f"{chat.hashtag} from {start:%Y-%m-%d %H:%M} UTC: {crowd.count:,} participant posts "
        f"over {chat.duration_minutes} min by {args.people} people; polls every "
        f"{POLL.seconds} s until the {chat.grace_minutes}-min grace ends"
    )
    print(
        table(
            [
                "poller",
                "collected",
                "searches",
                "max/15min",
                "returned",
                "returned/post",
                "billed",
                "billed/post",
                "$ billed",
                "$ if per return",
            ],
            [bot.row(), naive.row()],
        )
    )
    lag_text = "no search lag" if args.no_lag else f"search lag {lag[0]:g}-{lag[1]:g} s"
    print(f"The bot, from the emulator's records against the database ({lag_text}):")
    for line in checked.lines():
        print(f"  {line}")
    print(
        f"X allows {X_SEARCH_LIMIT} searches per 15 min (user context); the naive replay had "
        "that limit lifted. 'billed' counts each post once per UTC day, as X does; "
        f"'$ if per return' prices every post returned at ${PRICE_PER_READ}."
    )
    print(f"run time: bot {bot_seconds:.1f} s, naive replay {naive_seconds:.1f} s; {cpu_model()}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=5000, help="participant posts in the hour")
    parser.add_argument("--people", type=int, default=400, help="distinct participants")
    parser.add_argument(
        "--start", default=T0.isoformat(), help="chat start, ISO with offset (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-lag", action="store_true", help="X's search shows posts at once")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
