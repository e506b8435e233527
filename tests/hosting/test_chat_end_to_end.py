"""A whole chat on a manual clock against the X emulator, with a simulated crowd."""

from __future__ import annotations

from datetime import datetime, timedelta

from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.runner import ChatRunner
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig

STEP = timedelta(seconds=30)


def bot_posts(rig: Rig) -> list[dict]:
    """The host account's posts on the emulator, oldest first."""
    return [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]


def minute(post: dict) -> float:
    created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
    return (created - T0).total_seconds() / 60


async def run_chat(
    rig: Rig, crowd: Crowd | None, until: datetime, runner: ChatRunner | None = None
) -> ChatRunner:
    """Open the chat at T0 and step it (and the crowd) every 30 s until ``until``."""
    chat = rig.catalog.chats["smbchat"]
    assert rig.host is not None
    while rig.clock.now() < until:
        if runner is None and rig.clock.now() >= T0:
            runner = await rig.host.open_chat(chat, T0)
        quiet = min(T0 + timedelta(minutes=64), until - timedelta(minutes=1))
        if crowd and rig.clock.now() < quiet:
            crowd.act(rig.clock.now())
        if runner is not None:
            await runner.step()
        await rig.clock.advance(STEP)
    assert runner is not None
    return runner


async def test_a_whole_chat_posts_on_time_and_reads_every_answer_once(rig: Rig) -> None:
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=11)
    runner = await run_chat(rig, crowd, T0 + timedelta(minutes=78))

    posts = bot_posts(rig)
    texts = [p["text"] for p in posts]
    assert [t.split()[0] for t in texts] == [
        "👋",
        "How",
        "Q1:",
        "Q2:",
        "Q3:",
        "Q4:",
        "Q5:",
        "Q6:",
        "⏰",
        "That's",
    ]
    # Q3 asks for 10 minutes, the others get the schedule's 8.
    assert [minute(p) for p in posts] == [0, 0, 5, 13, 21, 31, 39, 47, 55, 60]
    assert all("#SMBchat" in t for t in texts)
    # One thread: each post replies to the one before it.
    replies = [p.get("referenced_tweets", [{}])[0].get("id") for p in posts[1:]]
    assert replies == [p["id"] for p in posts[:-1]]

    occ = rig.store.get_occurrence(runner.occurrence_id)
    assert occ.state == "ended"
    stored = {p.id: p for p in rig.store.collected_posts(runner.occurrence_id)}
    participant_posts = set(crowd.truth)
    assert len(participant_posts) > 300
    assert participant_posts <= set(stored)
    # Read once: X billed each post exactly once, however many polls ran.
    assert rig.emulator.billed_reads() == len(stored) == len(participant_posts) + len(posts)

    answers = rig.store.answers(runner.occurrence_id)
    assigned = {}
    for a in answers:
        assigned.setdefault(a.post_id, set()).add(a.question_number)
    assert {pid: {q} for pid, q in crowd.truth.items()} == assigned
    parents = {a.post_id: a.parent_post_id for a in answers}
    assert parents == crowd.parents
    assert {m.post_id for m in rig.moderators.mirrored} == participant_posts


async def test_the_chat_cost_is_recorded(rig: Rig) -> None:
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=3, size=5)
    runner = await run_chat(rig, crowd, T0 + timedelta(minutes=65))
    usage = rig.store.usage(runner.occurrence_id)
    assert usage.posts_created == 10
    assert usage.posts_read == rig.emulator.billed_reads()
    assert usage.requests == sum(rig.emulator.request_counts().values())
    # Ten posts cost ten creates and nothing else: without a crash, no post is looked up first.
    counts = rig.emulator.request_counts()
    assert counts["POST /2/tweets"] == 10
    assert [e for e in counts if "/users/" in e and "tweets" in e] == []


async def test_hidden_users_are_kept_out_of_collection(rig: Rig) -> None:
    rig.store.hide_user(chat_slug="smbchat", username="cheap_followers_4u", by="mod", now=T0)
    crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=5, size=6)
    runner = await run_chat(rig, crowd, T0 + timedelta(minutes=30))
    assert crowd.spam, "the spammer should have posted"
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert not stored & crowd.spam
    assert (set(crowd.truth) - crowd.spam) <= stored
