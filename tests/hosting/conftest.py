"""Fixtures for hosting tests: a chat on a manual clock against the X emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatbot.catalog import Catalog, load_catalog
from chatbot.domain.posts import XUser
from chatbot.domain.views import MirroredAnswer
from chatbot.emulator.x import HOST_USER_ID, HOST_USERNAME, SEARCH_LAG_LIKE_X, XEmulator
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.host import Host
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import XMeter
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from chatbot.x.retry import RetryPolicy
from tests.clock import ManualClock
from tests.dbfixtures import *  # noqa: F403

ROOT = Path(__file__).resolve().parents[2]
# Tuesday 24 November 2026, 20:00 in New York = 01:00 UTC on the 25th.
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


@dataclass
class RecordingModerators:
    """The moderator channel as the core sees it; records what it was told."""

    notices: list[str] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    questions: list[tuple[int, str]] = field(default_factory=list)
    mirrored: list[MirroredAnswer] = field(default_factory=list)
    elsewhere: list[tuple[str, int, str]] = field(default_factory=list)  # questions, others

    async def notify(self, text: str) -> None:
        self.notices.append(text)

    async def chat_started(
        self,
        *,
        occurrence_id: int,
        slug: str,
        title: str,
        hashtag: str,
        questions: Sequence[tuple[int, str]],
    ) -> None:
        self.started.append(occurrence_id)

    async def question_posted(
        self, *, occurrence_id: int, number: int, text: str, url: str, network: str = "x"
    ) -> None:
        if network == "x":
            self.questions.append((number, text))
        else:
            self.elsewhere.append((network, number, url))

    async def mirror_answers(
        self, *, occurrence_id: int, answers: Sequence[MirroredAnswer]
    ) -> None:
        self.mirrored.extend(answers)


@pytest.fixture
def clock() -> ManualClock:
    """Time stands still until a test moves it."""
    return ManualClock(T0 - timedelta(minutes=2))


@pytest.fixture
async def emulator(clock: ManualClock) -> AsyncIterator[XEmulator]:
    """The X emulator on 127.0.0.1, on the same manual clock, with X's search lag: a post
    shows in search some seconds after it is made, not always in id order."""
    emu = XEmulator(
        now=clock.now, end_time_min_age_seconds=0, visibility_delay_seconds=SEARCH_LAG_LIKE_X
    )
    await emu.start("127.0.0.1", 0)
    yield emu
    await emu.stop()


@pytest.fixture
def catalog() -> Catalog:
    """The shipped chat files."""
    return load_catalog(ROOT)


async def _no_sleep(_seconds: float) -> None:
    return None


def make_x(emulator: XEmulator, clock: ManualClock, meter: XMeter) -> TweepyXClient:
    """A real tweepy client to the emulator, as the host account."""
    return TweepyXClient(
        consumer_key="ck",
        consumer_secret="cs",
        access_token=f"{HOST_USER_ID}-at",
        access_token_secret="ats",
        base_url=emulator.base_url,
        meter=meter,
        now=clock.now,
        sleep=_no_sleep,
        retry=RetryPolicy(timeout=5.0),
        search_max_pages=1,  # as `chatbot run`: each page is stored before the next is read
    )


@dataclass
class Rig:
    """Everything a hosting test needs; ``new_host()`` builds a new process's objects.

    ``store`` is the repository, read directly by the tests; the host reaches it
    through the ``ChatStore`` port, as in production.
    """

    store: Repository
    emulator: XEmulator
    clock: ManualClock
    catalog: Catalog
    moderators: RecordingModerators
    host: Host | None = None
    clients: list[TweepyXClient] = field(default_factory=list)
    ports: list[SqlChatStore] = field(default_factory=list)

    def new_host(self, *, drive: bool = False) -> Host:
        """A new process's host; ``drive``: it runs its chats in tasks, as in production
        (the test moves the clock with ``live``), instead of the test stepping them."""
        store = SqlChatStore(self.store)
        self.ports.append(store)
        usage = UsageLedger(store)
        x = make_x(self.emulator, self.clock, usage)
        self.clients.append(x)
        deps = RunnerDeps(
            store=store,
            x=x,
            moderators=self.moderators,
            clock=self.clock,
            host_user=XUser(HOST_USER_ID, HOST_USERNAME),
            usage=usage,
            publisher=Publisher(store=store, x=x, usage=usage),
            poll_seconds=15,
        )
        self.host = Host(catalog=self.catalog, deps=deps, drive=drive)
        return self.host

    async def live(self, until: datetime, *, step: timedelta = timedelta(seconds=5)) -> None:
        """Let driven chats run until ``until``: the clock moves ``step`` at a time, with
        a few real milliseconds at each for their HTTP and database work."""
        while self.clock.now() < until:
            await self.clock.advance(min(step, until - self.clock.now()))
            await asyncio.sleep(0.005)

    async def close(self) -> None:
        for x in self.clients:
            await x.close()
        for port in self.ports:
            await port.close()


@pytest.fixture
async def rig(
    store: Repository, emulator: XEmulator, clock: ManualClock, catalog: Catalog
) -> AsyncIterator[Rig]:
    """A host on the shipped catalog, a fresh database and the emulator."""
    rig = Rig(store, emulator, clock, catalog, RecordingModerators())
    rig.new_host()
    yield rig
    if rig.host:
        await rig.host.stop()
    await rig.close()


# The Bluesky and Mastodon emulators beside X's (at the end: it builds on the above).
from tests.hosting.networks import nets  # noqa: E402, F401
