"""The wired app end to end: Discord commands and the live feed against a running chat.

``chatbot.app.wire`` and ``start`` build the real host, the real tweepy client (aimed
at the X emulator) and the real discord.py bot (aimed at the fake Discord). The chat
runs on a manual clock; everything is checked on the wire of either fake.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chatbot.app import Hosting, start, stop, wire
from chatbot.catalog import Catalog
from chatbot.discord_adapter import ModeratorBot
from chatbot.domain.occurrence import Occurrence
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.hosting.collector import SETTLE
from chatbot.hosting.usage import UsageLedger
from chatbot.settings import Settings, load_settings
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from tests.clock import ManualClock
from tests.dbfixtures import sqlite_url  # noqa: F401
from tests.discord_adapter import fake_payloads as p
from tests.discord_adapter.conftest import eventually, fake_discord  # noqa: F401
from tests.discord_adapter.fake_discord import FakeDiscord, Recorded
from tests.hosting.conftest import T0, catalog, emulator, make_x  # noqa: F401

STEP = timedelta(seconds=15)  # the default poll interval; every chat event is on this grid
MINUTE = timedelta(minutes=1)
PROMPT = 0.05  # seconds: a moderator notice must return at least this fast
LOCAL_DATE = "2026-11-24"  # T0 in New York


class SteppedClock(ManualClock):
    """A manual clock that counts the tasks asleep on it, to tell when the chat is idle."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.sleeping = 0

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been advanced by ``seconds``, counted as asleep."""
        self.sleeping += 1
        try:
            await super().sleep(seconds)
        finally:
            self.sleeping -= 1


@dataclass
class App:
    """The wired, started app and the two fakes it talks to."""

    hosting: Hosting
    x: TweepyXClient
    clock: SteppedClock
    emulator: XEmulator
    fake: FakeDiscord
    store: Repository

    @property
    def bot(self) -> ModeratorBot:
        assert self.hosting.bot is not None
        return self.hosting.bot

    async def settle(self, *, within: float = 5.0) -> None:
        """Wait until every live chat's loop is asleep on the clock: its work for now is done."""
        deadline = time.monotonic() + within
        calm = 0
        while calm < 3:  # three quiet looks in a row, so a loop just woken is not missed
            # Each chat has two loops: posting and collecting.
            busy = self.clock.sleeping < 2 * len(self.hosting.host.runners)
            calm = 0 if busy else calm + 1
            if time.monotonic() > deadline:
                raise AssertionError(f"the chat loop was still busy after {within}s")
            await asyncio.sleep(0.005)

    async def advance_to(self, moment: datetime) -> None:
        """Move the clock to ``moment`` a poll interval at a time, letting the chat catch up."""
        while self.clock.now() < moment:
            await self.settle()
            await self.clock.advance(min(STEP, moment - self.clock.now()), step=STEP)
        await self.settle()

    def host_posts(self) -> list[dict[str, Any]]:
        """The host account's posts on the emulator, oldest first."""
        return [p for p in self.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]

    def thread(self, prefix: str) -> str:
        """The id of the chat thread named after ``prefix`` ("Q1", "Q2"…)."""
        threads = self.fake.threads.items()
        [thread_id] = [t for t, data in threads if data["name"].split(" ")[0] == prefix]
        return thread_id

    def occurrence(self) -> Occurrence:
        """Today's occurrence of the shipped chat, as the database has it now."""
        occurrence = self.store.find_occurrence("smbchat", LOCAL_DATE)
        assert occurrence is not None and occurrence.id is not None
        return occurrence

    @property
    def occurrence_id(self) -> int:
        occurrence_id = self.occurrence().id
        assert occurrence_id is not None
        return occurrence_id


def created(post: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))


def contents(posts: list[Recorded]) -> str:
    return "\n".join(r.body.get("content") or "" for r in posts)


def sessions(fake: FakeDiscord) -> int:
    """Gateway sessions the bot opened so far: IDENTIFY (op 2) and RESUME (op 6)."""
    return len(fake.ops(2)) + len(fake.ops(6))


@pytest.fixture
def clock() -> SteppedClock:
    """The chat's start: ``start()`` joins the Tuesday chat as it begins."""
    return SteppedClock(T0)


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Repository]:  # noqa: F811
    """A fresh SQLite database (the store itself is tested on PostgreSQL in tests/storage)."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


def discord_settings(tmp_path: Path) -> Settings:
    return load_settings(
        None,
        DISCORD_TOKEN="fake-token",
        DISCORD_GUILD_ID=p.GUILD_ID,
        DISCORD_CHANNEL_ID=p.CHANNEL_ID,
        DISCORD_MODERATOR_ROLES="Moderator",  # the fake guild's role, matched by name
        CHATBOT_POLL_SECONDS=STEP.total_seconds(),
        CHATBOT_DATA_DIR=tmp_path,
    )


Launch = Callable[..., Awaitable[App]]


@pytest.fixture
async def launch(
    tmp_path: Path,
    store: Repository,
    emulator: XEmulator,  # noqa: F811
    clock: SteppedClock,
    catalog: Catalog,  # noqa: F811
    fake_discord: FakeDiscord,  # noqa: F811
) -> AsyncIterator[Launch]:
    """Wire and start the app; wait until Discord is connected and the chat's threads exist."""
    launched: list[App] = []

    async def go(*, retry_max_delay: float = 60.0) -> App:
        settings = discord_settings(tmp_path)
        port = SqlChatStore(store)
        usage = UsageLedger(port)
        x = make_x(emulator, clock, usage)
        hosting = wire(
            settings,
            catalog=catalog,
            store=port,
            x=x,
            usage=usage,
            host_user=await x.me(),
            clock=clock,
            discord_endpoints=(fake_discord.api_base, fake_discord.gateway_url),
            # Short retries so the feed catches up quickly after an outage (gateway resumes
            # use discord.py's own backoff either way).
            discord_retry_max_delay=retry_max_delay,
        )
        app = App(hosting, x, clock, emulator, fake_discord, store)
        launched.append(app)
        assert await start(hosting, schedule=False) is None
        questions = len(catalog.question_set_of(catalog.chats["smbchat"]).questions)
        await eventually(
            lambda: (
                app.bot.client is not None
                and app.bot.client.get_guild(p.GUILD_ID) is not None
                and fake_discord.commands is not None
                and len(fake_discord.threads) == questions + 1  # one per question, one general
            ),
            within=8,
        )
        await app.settle()
        return app

    yield go
    for app in launched:
        await stop(app.hosting, None)
        await app.x.close()


@pytest.fixture
async def app(launch: Launch) -> App:
    return await launch()


async def test_the_chat_opens_through_start_and_its_threads_open_on_discord(app: App) -> None:
    assert [post["text"].split()[0] for post in app.host_posts()] == ["👋", "How"]
    assert {created(post) for post in app.host_posts()} == {T0}
    chats = app.hosting.host.catalog
    count = len(chats.question_set_of(chats.chats["smbchat"]).questions)
    [announcement] = app.fake.posts(p.CHANNEL_ID)
    assert f"has started: {count} questions" in announcement.body["content"]


async def test_moderator_next_posts_the_next_question_at_once_and_shifts_the_rest(
    app: App,
) -> None:
    await app.advance_to(T0 + 7 * MINUTE)
    assert app.host_posts()[-1]["text"].startswith("Q1:")  # Q2 is due at 13

    token = await app.fake.invoke("chat next", who="moderator")
    [answer] = await app.fake.answers_for(token)

    assert answer.kind == "callback" and not answer.ephemeral
    assert "Posting Q2 now" in answer.data["content"]
    newest = app.host_posts()[-1]
    assert app.clock.now() == T0 + 7 * MINUTE  # the clock has not moved
    assert newest["text"].startswith("Q2:") and created(newest) == T0 + 7 * MINUTE
    # Q3 follows Q2 by the schedule's 8 minutes, from minute 7: at 15, not at its planned 21.
    await app.advance_to(T0 + 15 * MINUTE - STEP)
    assert app.host_posts()[-1]["text"].startswith("Q2:")
    await app.advance_to(T0 + 15 * MINUTE)
    newest = app.host_posts()[-1]
    assert newest["text"].startswith("Q3:") and created(newest) == T0 + 15 * MINUTE
    questions = [post for post in app.host_posts() if post["text"].startswith("Q")]
    assert [post["text"][:3] for post in questions] == ["Q1:", "Q2:", "Q3:"]


async def test_non_moderator_end_is_refused_and_audited_and_a_moderators_end_is_allowed(
    app: App,
) -> None:
    await app.advance_to(T0 + 6 * MINUTE)
    posts_before = app.host_posts()

    token = await app.fake.invoke("chat end", who="viewer")
    [refusal] = await app.fake.answers_for(token)

    assert refusal.kind == "callback" and refusal.ephemeral
    assert "You need the Moderator role to run /chat end" in refusal.data["content"]
    await eventually(lambda: app.store.actions())  # the audit entry is written after the reply
    [refused] = app.store.actions()
    assert (refused.command, refused.actor_name, refused.actor_id, refused.allowed) == (
        "/chat end",
        "viewer",
        p.VIEWER_ID,
        False,
    )
    assert refused.at == T0 + 6 * MINUTE
    await app.advance_to(T0 + 7 * MINUTE)
    occurrence = app.occurrence()
    assert occurrence.state == "running" and "smbchat" in app.hosting.host.runners
    assert app.store.bot_post(app.occurrence_id, "closing") is None
    assert app.host_posts() == posts_before  # no closing post reached X

    token = await app.fake.invoke("chat end", who="moderator")
    [done] = await app.fake.answers_for(token)

    assert done.kind == "callback" and not done.ephemeral
    assert "Closing" in done.data["content"]
    await eventually(lambda: len(app.store.actions()) == 2)
    allowed = app.store.actions()[0]  # newest first
    assert (allowed.command, allowed.actor_name, allowed.actor_id, allowed.allowed) == (
        "/chat end",
        "mod",
        p.MODERATOR_ID,
        True,
    )
    assert "Closing" in allowed.result
    closing = app.store.bot_post(app.occurrence_id, "closing")
    assert closing is not None
    assert int(app.host_posts()[-1]["id"]) == closing.x_post_id
    assert app.occurrence().state == "ended"


async def test_an_everyone_post_from_x_reaches_its_question_thread_without_pinging(
    app: App,
) -> None:
    await app.advance_to(T0 + 5 * MINUTE)
    assert app.host_posts()[-1]["text"].startswith("Q1:")
    app.emulator.add_post("loud_fan", "A1: @everyone come see <@123> **this** #SMBchat")
    # The first search after X's search shows it for sure collects it.
    await app.advance_to(T0 + 5 * MINUTE + SETTLE + STEP)
    q1 = app.thread("Q1")

    await eventually(lambda: "loud_fan" in contents(app.fake.posts(q1)), within=10)

    [mirrored] = [r for r in app.fake.posts(q1) if "loud_fan" in r.body["content"]]
    assert mirrored.body["allowed_mentions"] == {"parse": []}
    content = mirrored.body["content"]
    assert "@\u200beveryone come see <@123> \\*\\*this\\*\\*" in content
    assert "@everyone" not in content
    assert all(r.body["allowed_mentions"] == {"parse": []} for r in app.fake.posts())


async def test_the_chat_runs_on_while_discord_is_down_and_the_bot_comes_back(
    launch: Launch,
) -> None:
    app = await launch(retry_max_delay=0.5)
    await app.advance_to(T0 + 12 * MINUTE)
    before = sessions(app.fake)
    await app.fake.stop()

    started = time.monotonic()
    await app.hosting.moderators.notify("Notice sent while Discord is down")
    assert time.monotonic() - started < PROMPT
    # settle() inside advance_to fails if the chat loop waits on Discord.
    await app.advance_to(T0 + 13 * MINUTE)
    newest = app.host_posts()[-1]
    assert newest["text"].startswith("Q2:") and created(newest) == T0 + 13 * MINUTE

    await app.fake.start()
    await eventually(lambda: sessions(app.fake) > before, within=10)
    await eventually(
        lambda: app.bot.client is not None and app.bot.client.get_guild(p.GUILD_ID) is not None
    )
    token = await app.fake.invoke("chat pause", who="moderator")
    [answer] = await app.fake.answers_for(token)
    assert answer.kind == "callback" and "paused" in answer.data["content"]
    # What the chat told moderators during the outage arrives once Discord is back.
    await eventually(lambda: "Posted on X as Q2" in contents(app.fake.posts(app.thread("Q2"))))
    await eventually(lambda: "Notice sent while Discord is down" in contents(app.fake.posts()))


async def collected_answer(app: App) -> int:
    """At minute 14 (Q2 is out) a fan's "A1:" answer, collected and mirrored to Q1."""
    await app.advance_to(T0 + 14 * MINUTE)
    post_id = app.emulator.add_post("real_fan", "A1: we answer every DM #SMBchat")
    await app.advance_to(T0 + 14 * MINUTE + SETTLE + STEP)  # once X's search shows it
    assert answers_of(app, post_id) == [(1, "label")]
    return post_id


def answers_of(app: App, post_id: int) -> list[tuple[int, str]]:
    return [
        (a.question_number, a.method)
        for a in app.store.answers(app.occurrence_id)
        if a.post_id == post_id
    ]


def audited(app: App) -> list[tuple[str, str, int, bool]]:
    """The audit trail oldest first: command, arguments, who, allowed."""
    rows = reversed(app.store.actions())
    return [(r.command, r.arguments, r.actor_id, r.allowed) for r in rows]


async def test_chat_assign_moves_an_answer_for_a_moderator_and_not_for_a_viewer(
    app: App,
) -> None:
    post_id = await collected_answer(app)
    url = f"https://x.com/real_fan/status/{post_id}"

    refused = await app.fake.invoke("chat assign", who="viewer", post=url, question="2")
    [refusal] = await app.fake.answers_for(refused)
    assert refusal.ephemeral and answers_of(app, post_id) == [(1, "label")]
    token = await app.fake.invoke("chat assign", who="moderator", post=url, question="2")
    [done] = await app.fake.answers_for(token)

    assert done.data["content"] == "@real\\_fan's post now answers Q2 (it was Q1)."
    assert answers_of(app, post_id) == [(2, "moderator")]
    await eventually(lambda: len(app.store.actions()) == 2)
    assert audited(app) == [
        ("/chat assign", f"post={url} question=2", p.VIEWER_ID, False),
        ("/chat assign", f"post={url} question=2", p.MODERATOR_ID, True),
    ]
    assert "now answers Q2" in app.store.actions()[0].result


async def test_the_move_menu_under_a_mirrored_answer_takes_it_out_of_the_answers(
    app: App,
) -> None:
    post_id = await collected_answer(app)
    q1 = app.thread("Q1")
    await eventually(lambda: "real_fan" in contents(app.fake.posts(q1)), within=10)
    [mirrored] = [r for r in app.fake.posts(q1) if "real_fan" in (r.body.get("content") or "")]
    message = p.message(q1, mirrored.body, author=p.BOT_USER)

    token = await app.fake.choose("chatbot:move", [str(post_id)], message=message)
    [form] = await app.fake.answers_for(token)
    form_id = form.body["data"]["custom_id"]
    refused = await app.fake.submit(form_id, {"question": "none"}, who="viewer")
    [refusal] = await app.fake.answers_for(refused)
    assert refusal.ephemeral and answers_of(app, post_id) == [(1, "label")]
    token = await app.fake.submit(form_id, {"question": "none"})
    [done] = await app.fake.answers_for(token)

    assert done.data["content"] == "@real\\_fan's post is no longer an answer (it was Q1)."
    assert answers_of(app, post_id) == [(0, "moderator")]
    await eventually(lambda: len(app.store.actions()) == 2)
    arguments = f"post={post_id} question=none"
    assert audited(app) == [
        ("Move answer menu", arguments, p.VIEWER_ID, False),
        ("Move answer menu", arguments, p.MODERATOR_ID, True),
    ]
