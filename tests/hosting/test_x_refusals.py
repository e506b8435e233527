"""When X will not take a post: hold, back off, tell the moderators once, and go on.

X suspends apps that hammer it: a post X refuses is never retried in a loop. How long
posting holds depends on why (see ``chatbot/hosting/posting_hold.py``); meanwhile answers
are still collected, and the steps whose moment passes are dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from chatbot.domain.commands import Resume
from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.runner import ChatRunner
from tests.hosting.conftest import T0, Rig
from tests.hosting.test_collection_window import step_until

POSTS = "POST /2/tweets"


def bot_posts(rig: Rig) -> dict[str, datetime]:
    """The host's posts on X: the first word of each ('Q2:'), and when it was made."""
    return {
        p["text"].split()[0]: datetime.fromisoformat(p["created_at"].replace("Z", "+00:00"))
        for p in rig.emulator.posts()
        if int(p["author_id"]) == HOST_USER_ID
    }


def post_attempts(rig: Rig, since: datetime) -> int:
    entries = rig.emulator.request_log.entries
    return len([e for e in entries if e.endpoint == POSTS and e.at >= since])


async def open_driven(rig: Rig) -> ChatRunner:
    """A host that drives its chat in a task, as `chatbot run` does, opened at T0."""
    await rig.close()
    host = rig.new_host(drive=True)
    await rig.clock.advance(T0 - rig.clock.now())
    runner = await host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    return runner


async def test_a_rate_limit_hours_away_holds_posting_and_the_chat_still_ends(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """X's 24-hour post limit runs out after Q1: no retry until it resets, the steps whose
    moment passes are dropped, and the chat ends at its planned end, collected."""
    rig.emulator.set_daily_limit(POSTS, user=3)
    runner = await open_driven(rig)

    with caplog.at_level(logging.WARNING):
        await rig.live(T0 + timedelta(minutes=80))

    assert list(bot_posts(rig)) == ["👋", "How", "Q1:"]
    assert post_attempts(rig, T0) == 4  # the three posts, and Q2 once: X said when to retry
    assert any("spent until" in r.getMessage() for r in caplog.records)
    assert runner.finished  # the closing was too late, and the window was read to its end
    occurrence = rig.store.get_occurrence(runner.occurrence_id)
    assert occurrence.collect_until == T0 + timedelta(minutes=75)


async def test_a_post_x_refuses_for_good_is_skipped_once_with_an_alert(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    await step_until(rig, runner, T0 + timedelta(minutes=13))  # Q2 is due at 13:30
    rig.emulator.inject_errors(1, status=400)  # the next request: Q2's post

    with caplog.at_level(logging.WARNING):
        await step_until(rig, runner, T0 + timedelta(minutes=22))

    (refused,) = [e for e in rig.emulator.request_log.entries if e.status == 400]
    assert refused.endpoint == POSTS
    # Q2 was tried once and dropped; Q3 goes out in its place.
    assert "Q2:" not in bot_posts(rig) and bot_posts(rig)["Q3:"] == refused.at
    assert post_attempts(rig, T0 + timedelta(minutes=13)) == 2
    assert [r for r in caplog.records if "refused q2 for good" in r.getMessage()]
    assert any("refused q2 for good" in n for n in rig.moderators.notices)


async def test_no_credits_left_stops_posting_with_one_alert_until_a_moderator_resumes(
    rig: Rig,
) -> None:
    runner = await open_driven(rig)
    await rig.live(T0 + timedelta(minutes=10))
    rig.emulator.set_credits_exhausted()

    await rig.live(T0 + timedelta(minutes=30))

    assert post_attempts(rig, T0 + timedelta(minutes=10)) == 1
    assert len([n for n in rig.moderators.notices if "no credits left" in n]) == 1
    rig.emulator.set_credits_exhausted(False)
    result = await runner.command(Resume())
    assert result.ok
    assert bot_posts(rig)["Q2:"] == T0 + timedelta(minutes=30)


async def test_refused_credentials_are_tried_again_soon_and_said_at_warning(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """Without Discord the log is all an operator sees: the hold is a WARNING, and posting
    resumes within half a minute of the tokens working again, not five minutes later."""
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    await step_until(rig, runner, T0 + timedelta(minutes=12))
    rig.emulator.set_credentials_valid(False)

    with caplog.at_level(logging.WARNING):
        await step_until(rig, runner, T0 + timedelta(minutes=15), every=15)
    rig.emulator.set_credentials_valid(True)
    await step_until(rig, runner, T0 + timedelta(minutes=16), every=15)

    assert [r for r in caplog.records if "refused our credentials" in r.getMessage()]
    assert T0 + timedelta(minutes=15) <= bot_posts(rig)["Q2:"] <= T0 + timedelta(minutes=15.5)
    assert any("X takes our posts again" in n for n in rig.moderators.notices)
