"""One chat on X, Bluesky and Mastodon at once: the same steps at the same moments, each
network's posts threaded its own way, every network's answers collected and assigned."""

from __future__ import annotations

import asyncio
import html
import random
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chatbot.domain.network import Network, stored_id
from chatbot.emulator.bluesky import BlueskyCrowd
from chatbot.emulator.mastodon.crowd import CrowdStage
from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.host_control import HostControl
from chatbot.hosting.outlets import idempotency_key
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from chatbot.recap.build import thread_posts
from chatbot.simulation import Crowd
from tests.hosting.conftest import T0, Rig
from tests.hosting.networks import Nets, host_on, run_until, settle

FIRST_WORDS = ["👋", "How", "Q1:", "Q2:", "Q3:", "Q4:", "Q5:", "Q6:", "⏰", "That's"]


def _minute(moment: str) -> float:
    made = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return round((made - T0).total_seconds() / 60, 1)


def bluesky_posts(nets: Nets) -> list[dict]:
    """The host's posts on the Bluesky emulator, oldest first."""
    did = nets.bluesky.host_did
    mine = [p for p in nets.bluesky.posts() if p["author"]["did"] == did]
    return sorted(mine, key=lambda p: p["indexedAt"])


def masto_first_word(status: dict) -> str:
    """The first word of a status as people read it (no HTML)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", status["content"]))
    return text.split()[0]


def mastodon_posts(nets: Nets) -> list[dict]:
    """The host's statuses on the Mastodon emulator, oldest first."""
    return [s for s in nets.mastodon.statuses() if s["account"]["username"] == "smbchat"]


async def test_a_chat_goes_out_on_three_networks_threaded_each_its_own_way(
    rig: Rig, nets: Nets
) -> None:
    host_on(rig, nets)
    x_crowd = Crowd(rig.emulator, "#SMBchat", HOST_USER_ID, seed=3, size=8)
    bsky_crowd = BlueskyCrowd(nets.bluesky, "#SMBchat", seed=4, size=8)
    stage = CrowdStage(nets.mastodon)
    masto_crowd = Crowd(stage, "#SMBchat", stage.host_id, seed=5, size=8)

    def act(now: datetime) -> None:
        if now < T0 + timedelta(minutes=62):
            x_crowd.act(now, intensity=0.15)
            bsky_crowd.act(now, intensity=0.15)
            masto_crowd.act(now, intensity=0.15)

    runner = await run_until(rig, T0 + timedelta(minutes=80), act=act)

    x_posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    bsky = bluesky_posts(nets)
    masto = mastodon_posts(nets)
    # The same ten steps on every network, at the same moments.
    assert [p["text"].split()[0] for p in x_posts] == FIRST_WORDS
    assert [p["record"]["text"].split()[0] for p in bsky] == FIRST_WORDS
    assert [masto_first_word(s) for s in masto] == FIRST_WORDS
    x_minutes = [_minute(p["created_at"]) for p in x_posts]
    assert [_minute(p["indexedAt"]) for p in bsky] == x_minutes
    assert [_minute(s["created_at"]) for s in masto] == x_minutes
    # Each network's thread: every post replies to the one before it, there.
    assert [p["record"]["reply"]["parent"]["uri"] for p in bsky[1:]] == [
        p["uri"] for p in bsky[:-1]
    ]
    assert all(p["record"]["reply"]["root"]["uri"] == bsky[0]["uri"] for p in bsky[1:])
    assert [s["in_reply_to_id"] for s in masto[1:]] == [s["id"] for s in masto[:-1]]

    # Every participant's post of every network is collected once, under its network.
    stored = {p.id: p for p in rig.store.collected_posts(runner.occurrence_id)}
    bsky_ids = {stored_id(Network.BLUESKY, uri) for uri in bsky_crowd.truth}
    masto_ids = {stored_id(Network.MASTODON, str(i)) for i in masto_crowd.truth}
    assert bsky_ids <= set(stored)
    assert masto_ids <= set(stored)
    assert {stored[i].network for i in bsky_ids} == {Network.BLUESKY}
    assert all(stored[i].url.startswith("https://bsky.app/") for i in bsky_ids)
    # X's reads are counted as before; the others cost nothing.
    assert rig.emulator.billed_reads() == len(x_crowd.truth) + len(x_posts)

    # Answers are found on every network as on X: labels, replies to the question there.
    answers = {a.post_id: a.question_number for a in rig.store.answers(runner.occurrence_id)}
    for uri, truth in bsky_crowd.truth.items():
        if bsky_crowd.methods[uri] in ("label", "reply_to_question"):
            assert answers[stored_id(Network.BLUESKY, uri)] == truth, uri
    right = sum(
        answers.get(stored_id(Network.MASTODON, str(i))) == q
        for i, q in masto_crowd.truth.items()
        if masto_crowd.methods[i] in ("label", "reply_to_question")
    )
    labelled = sum(
        1 for i in masto_crowd.truth if masto_crowd.methods[i] in ("label", "reply_to_question")
    )
    assert labelled and right == labelled
    # Discord mirrors them with a link to the post on its own network.
    urls = {m.url for m in rig.moderators.mirrored}
    assert any(u.startswith("https://bsky.app/") for u in urls)
    assert any(nets.mastodon.domain in u for u in urls)
    for mirrored in rig.moderators.mirrored:  # each marked with its network
        assert mirrored.network == stored[mirrored.post_id].network
    # Each question's thread on Discord hears where it went out on the other networks.
    elsewhere = sorted((n, q) for n, q, _ in rig.moderators.elsewhere)
    assert elsewhere == sorted((n, q) for n in ("bluesky", "mastodon") for q in range(1, 7))


async def test_bluesky_down_delays_nothing_elsewhere_and_its_posts_follow_when_back(
    rig: Rig, nets: Nets
) -> None:
    host_on(rig, nets)
    nets.bluesky.inject_errors(1_000_000, status=503)
    runner = await run_until(rig, T0 + timedelta(minutes=12))
    x_posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    assert [_minute(p["created_at"]) for p in x_posts] == [0, 0, 5]
    assert [_minute(s["created_at"]) for s in mastodon_posts(nets)] == [0, 0, 5]
    assert bluesky_posts(nets) == []
    assert any("Bluesky did not take welcome" in n for n in rig.moderators.notices)

    nets.bluesky.clear_faults()
    await run_until(rig, T0 + timedelta(minutes=80), runner=runner)
    bsky = bluesky_posts(nets)
    assert [p["record"]["text"].split()[0] for p in bsky] == FIRST_WORDS
    # What waited went out together when Bluesky came back, in order, still threaded;
    # the rest on time.
    minutes = [_minute(p["indexedAt"]) for p in bsky]
    assert 12 < minutes[0] <= minutes[2] <= 13
    assert 13 <= minutes[3] <= 14  # Q2, due at 13, behind them (the test's clock runs on)
    assert minutes[4:] == [21, 31, 39, 47, 55, 60]
    assert [p["record"]["reply"]["parent"]["uri"] for p in bsky[1:]] == [
        p["uri"] for p in bsky[:-1]
    ]
    assert any("Bluesky takes our posts again" in n for n in rig.moderators.notices)


async def test_mastodon_down_past_the_last_call_drops_the_questions_there_only(
    rig: Rig, nets: Nets
) -> None:
    host_on(rig, nets)
    nets.mastodon.inject_errors(1_000_000, status=503)
    runner = await run_until(rig, T0 + timedelta(minutes=56))
    nets.mastodon.clear_faults()
    await run_until(rig, T0 + timedelta(minutes=80), runner=runner)

    x_posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    assert len(x_posts) == len(bluesky_posts(nets)) == 10  # the others never waited
    masto = mastodon_posts(nets)
    firsts = [masto_first_word(s) for s in masto]
    assert "Q1:" not in firsts and len(masto) in (3, 4)  # welcome, rules, (last call,) closing
    assert firsts[:2] == ["👋", "How"] and firsts[-1] == "That's"
    failed = [
        p
        for p in rig.store.bot_posts(runner.occurrence_id, Network.MASTODON)
        if p.state == "failed"
    ]
    assert {p.key for p in failed} >= {"q1", "q6"}
    assert any("q1 is dropped there" in n or "too late for q1" in n for n in rig.moderators.notices)


async def restart(rig: Rig, nets: Nets, runner: ChatRunner) -> ChatRunner | None:
    """The process dies (its background sends and reads stop wherever they are); a new one
    logs in again and resumes from the database."""
    await runner.close()
    await rig.ports[-1].close()
    await nets.connect()
    host_on(rig, nets)
    assert rig.host is not None
    await rig.host.resume_all()
    return rig.host.runners.get("smbchat")


@pytest.mark.parametrize("seed", [1, 2])
async def test_killed_at_random_points_no_network_gets_a_post_twice_or_loses_an_answer(
    rig: Rig, nets: Nets, seed: int
) -> None:
    rng = random.Random(seed)
    host_on(rig, nets)
    bsky_crowd = BlueskyCrowd(nets.bluesky, "#SMBchat", seed=seed, size=6)
    stage = CrowdStage(nets.mastodon)
    masto_crowd = Crowd(stage, "#SMBchat", stage.host_id, seed=seed, size=6)
    chat = rig.catalog.chats["smbchat"]
    assert rig.host is not None
    runner: ChatRunner | None = None
    crashes = 0
    while rig.clock.now() < T0 + timedelta(minutes=80):
        now = rig.clock.now()
        if runner is None and now >= T0:
            runner = await rig.host.open_chat(chat, T0)
        if now < T0 + timedelta(minutes=62):
            bsky_crowd.act(now, intensity=0.1)
            masto_crowd.act(now, intensity=0.1)
        if runner is not None:
            if rng.random() < 0.3:
                # Killed somewhere in a step, or while a background send or read is on the
                # wire: a few loop turns, or a few real milliseconds, after it began.
                task = asyncio.create_task(runner.step())
                if rng.random() < 0.5:
                    for _ in range(rng.randrange(0, 60)):
                        await asyncio.sleep(0)
                else:
                    await asyncio.sleep(rng.random() * 0.03)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                crashes += 1
                resumed = await restart(rig, nets, runner)
                if resumed is None:
                    break
                runner = resumed
            await runner.step()
        await settle()
        await rig.clock.advance(timedelta(seconds=30))
    assert crashes > 10
    assert runner is not None
    for texts in (
        [p["record"]["text"] for p in bluesky_posts(nets)],
        [s["content"] for s in mastodon_posts(nets)],
    ):
        assert [t for t, n in Counter(texts).items() if n > 1] == []
        assert len(texts) == 10
    stored = {p.id for p in rig.store.collected_posts(runner.occurrence_id)}
    assert {stored_id(Network.BLUESKY, uri) for uri in bsky_crowd.truth} <= stored
    missing = [i for i in masto_crowd.truth if stored_id(Network.MASTODON, str(i)) not in stored]
    assert missing == [], [
        (i, nets.mastodon.status(i).created_at, nets.mastodon.status(i).text) for i in missing
    ]
    answered = {a.post_id for a in rig.store.answers(runner.occurrence_id)}
    assert {stored_id(Network.BLUESKY, uri) for uri in bsky_crowd.truth} <= answered


async def test_a_moderator_command_acts_on_every_network_at_once(rig: Rig, nets: Nets) -> None:
    host_on(rig, nets)
    assert rig.host is not None
    control = HostControl(
        host=rig.host,
        recaps=RecapService(
            catalog=rig.catalog, deps=rig.host.deps, records=rig.store, out_dir=Path("unused")
        ),
    )
    runner = await run_until(rig, T0 + timedelta(minutes=7))

    result = await control.next_question()
    assert result.ok
    await runner.step()
    await asyncio.sleep(0.3)  # the other networks' sends, in the background
    assert [_minute(p["indexedAt"]) for p in bluesky_posts(nets)][-1] == 7
    assert masto_first_word(mastodon_posts(nets)[-1]) == "Q2:"
    assert [_minute(s["created_at"]) for s in mastodon_posts(nets)][-1] == 7

    result = await control.end()
    assert result.ok
    await asyncio.sleep(0.3)
    for first_words in (
        [p["record"]["text"].split()[0] for p in bluesky_posts(nets)],
        [masto_first_word(s) for s in mastodon_posts(nets)],
    ):
        assert first_words[-1] == "That's"  # closed everywhere with X


async def test_reminders_go_out_on_every_network(rig: Rig, nets: Nets) -> None:
    host_on(rig, nets)
    assert rig.host is not None
    chat = rig.catalog.chats["smbchat"]
    rig.clock.set(T0 - timedelta(hours=1))
    await rig.host.send_reminder(chat, T0, timedelta(hours=1))
    await asyncio.sleep(0.3)
    x_texts = [p["text"] for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    assert len(x_texts) == 1
    assert [p["record"]["text"] for p in bluesky_posts(nets)] == x_texts
    assert len(mastodon_posts(nets)) == 1
    occurrence = rig.store.find_occurrence("smbchat", "2026-11-24")
    assert occurrence is not None
    for network in (Network.BLUESKY, Network.MASTODON):
        assert rig.store.bot_post(occurrence.id, "reminder-60m", network).state == "sent"


async def test_posts_made_while_the_bot_was_down_or_its_streams_dropped_are_read_once(
    rig: Rig, nets: Nets
) -> None:
    host_on(rig, nets)
    bsky_crowd = BlueskyCrowd(nets.bluesky, "#SMBchat", seed=9, size=6)
    stage = CrowdStage(nets.mastodon)
    masto_crowd = Crowd(stage, "#SMBchat", stage.host_id, seed=9, size=6)

    def act(now: datetime) -> None:
        if now < T0 + timedelta(minutes=62):
            bsky_crowd.act(now, intensity=0.2)
            masto_crowd.act(now, intensity=0.2)

    runner = await run_until(rig, T0 + timedelta(minutes=10), act=act)
    # The process dies; people go on posting for five minutes (only search and the tag
    # timeline can show the bot those posts).
    await runner.close()
    while rig.clock.now() < T0 + timedelta(minutes=15):
        act(rig.clock.now())
        await rig.clock.advance(timedelta(seconds=30))
    resumed = await restart(rig, nets, runner)
    assert resumed is not None
    runner = await run_until(rig, T0 + timedelta(minutes=30), runner=resumed, act=act)
    # Both live streams drop (a network blip): each reconnects and misses nothing.
    assert await nets.bluesky.drop_stream_connections() >= 1
    assert nets.mastodon.drop_streams() >= 1
    runner = await run_until(rig, T0 + timedelta(minutes=80), runner=runner, act=act)

    assert runner.finished
    stored = [p.id for p in rig.store.collected_posts(runner.occurrence_id)]
    assert len(stored) == len(set(stored))
    wanted = {stored_id(Network.BLUESKY, uri) for uri in bsky_crowd.truth}
    wanted |= {stored_id(Network.MASTODON, str(i)) for i in masto_crowd.truth}
    assert wanted <= set(stored)
    occurrence = rig.store.get_occurrence(runner.occurrence_id)
    assert occurrence.collected_at is not None  # every network's window is read


async def test_the_recap_thread_hangs_under_each_networks_closing_post(
    rig: Rig, nets: Nets, tmp_path: Path
) -> None:
    host_on(rig, nets)
    assert rig.host is not None
    bsky_crowd = BlueskyCrowd(nets.bluesky, "#SMBchat", seed=2, size=4)
    quiet = T0 + timedelta(minutes=60)
    runner = await run_until(
        rig,
        T0 + timedelta(minutes=80),
        act=lambda now: bsky_crowd.act(now, intensity=0.2) if now < quiet else 0,
    )
    assert runner.finished
    recaps = RecapService(
        catalog=rig.catalog, deps=rig.host.deps, records=rig.store, out_dir=tmp_path / "recaps"
    )
    chat = rig.catalog.chats["smbchat"]
    occurrence = rig.store.get_occurrence(runner.occurrence_id)
    result = await recaps.publish(chat, occurrence)
    assert result.ok, result.message
    x_recap = [p for p in rig.store.bot_posts(runner.occurrence_id) if p.key.startswith("recap-")]
    for network in (Network.BLUESKY, Network.MASTODON):
        mine = rig.store.bot_posts(runner.occurrence_id, network)
        recap = [p for p in mine if p.key.startswith("recap-")]
        assert len(recap) == len(x_recap) and all(p.state == "sent" for p in recap)
        closing = next(p for p in mine if p.key == "closing")
        parents = [closing.x_post_id, *(p.x_post_id for p in recap[:-1])]
        assert [p.reply_to_post_id for p in recap] == parents
    bsky = bluesky_posts(nets)
    assert bsky[-len(x_recap)]["record"]["reply"]["parent"]["uri"] == bsky[-len(x_recap) - 1]["uri"]
    # Each network gets the recap's own thread for it (its people, its mention syntax).
    built = await recaps.build(chat, rig.store.get_occurrence(runner.occurrence_id))
    texts = [p.text for p in rig.store.bot_posts(runner.occurrence_id, Network.BLUESKY)]
    assert texts[-len(x_recap) :] == thread_posts(built, Network.BLUESKY)
    assert f"{len(x_recap)} posts on bluesky" in result.message


@pytest.mark.parametrize("network", [Network.BLUESKY, Network.MASTODON])
async def test_sent_but_not_recorded_before_a_crash_is_found_not_posted_again(
    rig: Rig, nets: Nets, network: Network
) -> None:
    host_on(rig, nets)
    runner = await run_until(rig, T0 + timedelta(minutes=1))
    await asyncio.sleep(0.3)
    # The process records Q1's intent, sends it, and dies before recording it as sent.
    text = "Q1: Which social platform brings you the most engaged customers? #SMBchat"
    outlet = nets.outlets[network]
    intent, created = rig.store.intend_post(
        occurrence_id=runner.occurrence_id,
        key="q1",
        text=text,
        now=rig.clock.now(),
        network=network,
        native_id=outlet.planned_id(rig.clock.now()),
    )
    assert created
    made = await outlet.send(
        text,
        reply_to=None,
        planned_id=intent.native_id,
        key=idempotency_key(intent, runner.occurrence_id),
    )
    resumed = await restart(rig, nets, runner)
    assert resumed is not None
    await run_until(rig, T0 + timedelta(minutes=6), runner=resumed)
    await asyncio.sleep(0.3)

    stored = rig.store.bot_post(runner.occurrence_id, "q1", network)
    assert stored.state == "sent" and stored.native_id == made.id
    if network is Network.BLUESKY:
        texts = [p["record"]["text"] for p in bluesky_posts(nets)]
    else:
        texts = [html.unescape(re.sub("<[^>]+>", "", s["content"])) for s in mastodon_posts(nets)]
    assert sum(t.startswith("Q1:") for t in texts) == 1
