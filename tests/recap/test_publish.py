"""Publishing the recap thread (the host's job) through the real X adapter to the emulator."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chatbot.domain.posts import XPost
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.recap_publishing import (
    RecapNotApprovedError,
    approve_recap,
    publish_recap,
    refresh_metrics,
)
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import XClient
from chatbot.recap import build_recap
from chatbot.recap.build import Recap
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from tests.recap.conftest import make_client
from tests.recap.world import WEEK2, ChatWorld, chat_spec, question_set, user

NOW = datetime(2026, 1, 14, 2, 30, tzinfo=UTC)


class SimulatedCrash(Exception):
    """The process died."""


class CrashingX:
    """The real client, until the process 'dies' on the n-th post (before or after X saw it)."""

    def __init__(self, inner: TweepyXClient, *, crash_on: int, after_send: bool) -> None:
        self.inner = inner
        self.crash_on = crash_on
        self.after_send = after_send
        self.calls = 0

    async def create_post(self, text: str, **kwargs: Any) -> int:
        self.calls += 1
        if self.calls == self.crash_on:
            if self.after_send:
                await self.inner.create_post(text, **kwargs)
            raise SimulatedCrash
        return await self.inner.create_post(text, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def small_chat(store: Repository, tmp_path: Path, **options: object) -> Recap:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    for i in range(30):
        w.post(user(f"person{i:02d}", uid=200 + i), f"A1: idea {i} #SMBchat", minute=3, likes=i)
    w.question(2, minute=10)
    w.post(user("person01", uid=201), "A2: more ideas #SMBchat", minute=11)
    w.save()
    chat = chat_spec(max_mentions_per_post=6, **options)
    return build_recap(store, chat, question_set(2), w.occurrence_id, out_dir=tmp_path)


def publisher(port: SqlChatStore, x: XClient) -> Publisher:
    """The publisher of one process (a restart makes a new one)."""
    return Publisher(store=port, x=x, usage=UsageLedger(port))


def host_posts(emulator: XEmulator) -> list[Any]:
    return sorted(
        (p for p in emulator.state.store.posts.values() if p.author_id == HOST_USER_ID),
        key=lambda p: p.id,
    )


@pytest.mark.parametrize("after_send", [False, True], ids=["crash-before-x", "crash-after-x"])
async def test_publish_resumes_after_a_restart_without_posting_twice(
    store: Repository,
    tmp_path: Path,
    emulator: XEmulator,
    x: TweepyXClient,
    after_send: bool,
) -> None:
    recap = small_chat(store, tmp_path)
    assert len(recap.posts) >= 4
    port = SqlChatStore(store)
    with pytest.raises(SimulatedCrash):
        crashing = CrashingX(x, crash_on=3, after_send=after_send)
        await publish_recap(port, publisher(port, crashing), recap, now=NOW)
    assert recap.occurrence_id is not None
    states = {p.key: p.state for p in store.bot_posts(recap.occurrence_id)}
    assert states["recap-1"] == states["recap-2"] == "sent"
    assert states["recap-3"] == "intended"

    restarted = make_client(emulator)  # a new process: a new client, the same database
    try:
        ids = await publish_recap(port, publisher(port, restarted), recap, now=NOW)
        before = emulator.request_counts().get("POST /2/tweets", 0)
        again = await publish_recap(port, publisher(port, restarted), recap, now=NOW)
    finally:
        await restarted.close()

    assert again == ids
    assert emulator.request_counts().get("POST /2/tweets", 0) == before  # nothing re-posted
    # The half-done post was looked up on X before sending, not left to X's duplicate check.
    statuses = [e.status for e in emulator.request_log.entries if e.endpoint == "POST /2/tweets"]
    assert 403 not in statuses
    posted = host_posts(emulator)
    assert [p.submitted_text for p in posted] == recap.posts  # each exactly once, in order
    assert [p.id for p in posted] == ids
    assert posted[0].media_keys and not any(p.media_keys for p in posted[1:])
    assert posted[0].in_reply_to_post_id is None
    assert [p.in_reply_to_post_id for p in posted[1:]] == ids[:-1]
    occ = store.get_occurrence(recap.occurrence_id)
    assert occ is not None and occ.recap_state == "published"


async def test_approval_is_required_when_the_chat_asks_for_it(
    store: Repository, tmp_path: Path, emulator: XEmulator, x: TweepyXClient
) -> None:
    recap = small_chat(store, tmp_path, require_approval=True)
    assert recap.state == "awaiting_approval" and recap.occurrence_id is not None
    port = SqlChatStore(store)
    with pytest.raises(RecapNotApprovedError):
        await publish_recap(port, publisher(port, x), recap, now=NOW)
    assert host_posts(emulator) == []
    assert await approve_recap(port, recap.occurrence_id) == "approved"
    ids = await publish_recap(port, publisher(port, x), recap, now=NOW)
    assert len(ids) == len(recap.posts)
    assert await approve_recap(port, recap.occurrence_id) == "published"


async def test_metrics_are_refreshed_in_one_batched_lookup(
    store: Repository, emulator: XEmulator, x: TweepyXClient
) -> None:
    ids = [emulator.add_post(f"fan{i % 7}", f"A1: thought {i} #SMBchat") for i in range(150)]
    posts: list[XPost] = await x.get_posts(ids)
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    store.store_posts(
        occurrence_id=w.occurrence_id, posts=posts, now=NOW, host_user_id=HOST_USER_ID
    )
    for i, post_id in enumerate(ids):
        emulator.set_metrics(post_id, like_count=i, impression_count=10 * i)
    lookups = emulator.request_counts().get("GET /2/tweets", 0)

    assert await refresh_metrics(SqlChatStore(store), x, w.occurrence_id) == 150
    assert emulator.request_counts()["GET /2/tweets"] - lookups == math.ceil(150 / 100)
    stored = store.posts_by_id(ids)
    assert stored[ids[42]].like_count == 42 and stored[ids[42]].impression_count == 420
