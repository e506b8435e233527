"""``chatbot demo``: a whole chat in accelerated time against the bundled X emulator.

No account and no network: the emulator runs on 127.0.0.1, as messy as X (its search
shows each post 1 to 20 s late, not in id order), simulated participants answer the
questions, SQLite lives in the data folder. The demo hosts the first enabled chat of
the chat files (the shipped #SMBchat) through the same host, runner, collector and
recap code as ``chatbot run``, and ends with the emulator's own records set against
the database: answers lost, bot posts doubled, posts read twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from chatbot.app import load_chats, open_store, start, stop, wire
from chatbot.clock import AcceleratedClock
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network
from chatbot.domain.occurrence import RecapState
from chatbot.domain.posts import XUser
from chatbot.emulator.x import HOST_USER_ID, HOST_USERNAME, SEARCH_LAG_LIKE_X, XEmulator
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from chatbot.hosting.usage import UsageLedger
from chatbot.reconcile import reconcile
from chatbot.render.safe_text import printable
from chatbot.settings import Settings
from chatbot.simulation import SPAMMER, Crowd
from chatbot.storage.chat_store import SqlChatStore
from chatbot.x.client import TweepyXClient

if TYPE_CHECKING:
    from chatbot.demo_networks import DemoNetworks

BAR = 30


def demo_chat(chat: ChatSpec) -> ChatSpec:
    """The chat as the demo runs it: short grace and recap delay, no approval step."""
    recap = replace(chat.recap, delay_minutes=1, require_approval=False, post_to_x=True)
    return replace(chat, grace_minutes=5, recap=recap, host=HOST_USERNAME)


def fresh_database(data_dir: Path) -> str:
    """A new SQLite file for this demo run (a real chat's database is never touched)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{db.resolve()}"


class Progress:
    """Prints each post the bot makes and, on a terminal, a live progress bar."""

    def __init__(self, out: TextIO, runner: ChatRunner, clock: AcceleratedClock) -> None:
        self.out, self.runner, self.clock = out, runner, clock
        self.live = out.isatty()
        self.shown: set[str] = set()

    async def update(self) -> None:
        """Print the posts made since the last update; redraw the bar."""
        runner = self.runner
        for step in runner.flow.steps:
            if step.status == "posted" and step.key not in self.shown:
                self.shown.add(step.key)
                text = runner.texts.for_step(step).replace("\n", " ")
                minute = (step.posted_at or runner.flow.start) - runner.flow.start
                self.say(f"  +{int(minute.total_seconds() // 60):2d} min  {text[:110]}")
        if self.live:
            posts, people = await runner.deps.store.count_collected(runner.occurrence_id)
            self.out.write("\r" + self.bar(posts, people))
            self.out.flush()

    def bar(self, posts: int, people: int) -> str:
        """The progress bar: time elapsed, the current question, what was collected."""
        flow, now = self.runner.flow, self.clock.now()
        span = (flow.end - flow.start).total_seconds()
        done = min(max((now - flow.start).total_seconds() / span, 0.0), 1.0)
        filled = int(done * BAR)
        question = f"Q{flow.current_question}" if flow.current_question else "welcome"
        return (
            f"  [{'#' * filled}{'.' * (BAR - filled)}] {int(done * 100):3d}%  {question:>7}  "
            f"{posts} posts from {people} people "
        )

    def say(self, text: str) -> None:
        """Print a line above the progress bar."""
        if self.live:
            self.out.write("\r" + " " * (BAR + 60) + "\r")
        print(printable(text), file=self.out, flush=True)


async def run_demo(
    settings: Settings,
    *,
    speed: float = 60.0,
    seed: int = 7,
    people: int = 32,
    out: TextIO = sys.stdout,
    networks: tuple[Network, ...] = (Network.X,),
) -> int:
    """Host one chat on the emulator in accelerated time; print the recap. Exit status.

    ``networks`` beyond X start the Bluesky and Mastodon emulators too, with a crowd each,
    and host the same chat on all of them at once.
    """
    catalog = load_chats(settings)
    chats = catalog.enabled_chats()
    if not chats:
        print(f"No valid enabled chat under {settings.chat_dir.resolve()}", file=out)
        return 1
    chat = demo_chat(chats[0])
    catalog.chats = {chat.slug: chat}
    clock = AcceleratedClock(datetime.now(UTC).replace(microsecond=0), speed)
    settings = settings.model_copy(update={"database_url": fresh_database(settings.data_dir)})
    store = SqlChatStore(await asyncio.to_thread(open_store, settings.database))
    emulator = XEmulator(
        now=clock.now,
        end_time_min_age_seconds=0,
        visibility_delay_seconds=SEARCH_LAG_LIKE_X,
        seed=seed,
    )
    await emulator.start("127.0.0.1", 0)
    others = None
    if set(networks) - {Network.X}:
        from chatbot.demo_networks import DemoNetworks

        others = DemoNetworks(
            tuple(n for n in networks if n is not Network.X), clock, chat.hashtag, seed, people
        )
        await others.start()
        chat = replace(
            chat,
            networks=tuple(dict.fromkeys((Network.X, *networks))),
            hosts={Network.X: HOST_USERNAME, **others.host_handles()},
        )
        catalog.chats = {chat.slug: chat}
    usage = UsageLedger(store)
    x = TweepyXClient(
        **asdict(emulator.keys),  # the emulator checks every signature, as X does
        base_url=emulator.base_url,
        meter=usage,
        now=clock.now,
        search_max_pages=1,  # as `chatbot run`: each page is stored before the next is read
    )
    crowd = Crowd(emulator, chat.hashtag, HOST_USER_ID, seed=seed, size=people)
    hosting = wire(
        settings,
        catalog=catalog,
        store=store,
        x=x,
        usage=usage,
        host_user=XUser(HOST_USER_ID, HOST_USERNAME),
        clock=clock,
        outlets=others.outlets if others else None,
        net_hosts=others.hosts if others else None,
    )
    also = f" and on {others.describe()}" if others else ""
    print(
        f"Demo: hosting {chat.hashtag} on a local X emulator ({emulator.base_url}){also}, "
        f"{len(crowd.people)} simulated participants, one minute every {60 / speed:.1f} s.",
        file=out,
    )
    try:
        await start(hosting, schedule=False)
        runner = await hosting.host.start_now(chat)
        assert runner is not None
        progress = Progress(out, runner, clock)
        crowd_task = asyncio.create_task(_crowd(crowd, runner, clock, others))
        hidden = False
        while chat.slug in hosting.host.runners:
            await progress.update()
            if not hidden and runner.flow.current_question >= 2:
                # A moderator spots the spammer and hides them, as one would from Discord.
                for handle in [SPAMMER[0], *(others.spammers() if others else [])]:
                    result = await hosting.control.hide(handle)
                    progress.say(f"  [moderator] /chat hide @{handle}: {result.message}")
                hidden = True
            await asyncio.sleep(0.2)
        await progress.update()
        crowd_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await crowd_task
        print("\n  Chat closed; collecting late answers is done. Building the recap…", file=out)
        await hosting.recaps.wait_idle()
        published = await _report(hosting.recaps, chat, runner, out)
        figures = await asyncio.to_thread(
            reconcile,
            store.repository,
            runner.occurrence_id,
            x_posts=emulator.posts(),
            x_log=emulator.request_log.summary(),
            host_user_id=HOST_USER_ID,
        )
        print("\nFrom the emulator's own records against the database:", file=out)
        for line in figures.lines():
            print(f"  {line}", file=out)
        failed = False
        if others is not None:
            lines = await asyncio.to_thread(others.figures, store.repository, runner.occurrence_id)
            print("\nFrom the Bluesky and Mastodon emulators' records:", file=out)
            for line in lines:
                print(f"  {line}", file=out)
            failed = any(" lost: 0 " not in f" {ln} " or "doubled: 0 " not in ln for ln in lines)
        return 0 if published and not figures.lost and not figures.doubled and not failed else 1
    finally:
        await stop(hosting, None)
        await x.close()
        await emulator.stop()
        if others is not None:
            await others.stop()


async def _crowd(
    crowd: Crowd, runner: ChatRunner, clock: AcceleratedClock, others: DemoNetworks | None
) -> None:
    """Participants post while the chat runs, busier once questions are out (on every
    network the demo hosts the chat on)."""
    while runner.flow.status != "ended":
        intensity = 0.08 if runner.flow.current_question else 0.02
        crowd.act(clock.now(), intensity=intensity)
        if others is not None:
            others.act(clock.now(), intensity=intensity)
        await clock.sleep(20)


async def _report(recaps: RecapService, chat: ChatSpec, runner: ChatRunner, out: TextIO) -> bool:
    store = runner.deps.store
    occurrence = await store.get_occurrence(runner.occurrence_id)
    assert occurrence is not None
    posts = [p for p in await store.bot_posts(runner.occurrence_id) if p.key.startswith("recap-")]
    folder = recaps.out_dir / chat.slug / occurrence.local_date
    print(f"\nRecap thread posted on the emulator ({len(posts)} posts):\n", file=out)
    elsewhere = [
        p
        for p in await store.bot_posts(runner.occurrence_id, None)
        if p.key.startswith("recap-") and p.network != Network.X and p.state == "sent"
    ]
    for network in dict.fromkeys(p.network for p in elsewhere):
        count = sum(p.network == network for p in elsewhere)
        print(f"  (and on {network}: {count} posts, under its closing post)\n", file=out)
    for post in sorted(posts, key=lambda p: int(p.key.split("-")[1])):
        print(f"  {printable(post.text)}\n", file=out)
    print("Recap files:", file=out)
    for name in ("recap.md", "recap.html", "posts.csv", "activity.png"):
        print(f"  {folder / name}", file=out)
    print(f"\n{await recaps.cost_line(occurrence.id)}", file=out)
    return occurrence.recap_state == RecapState.PUBLISHED
