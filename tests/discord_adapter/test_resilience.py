"""Discord is the control plane, not the critical path: outages never stall the chat."""

from __future__ import annotations

import asyncio
import time

import pytest

from chatbot.discord_adapter import ModeratorBot
from chatbot.domain.views import MirroredAnswer
from tests.discord_adapter.conftest import eventually, make_bot
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fakes import FakeAudit, FakeControl

PROMPT = 0.05  # seconds: a ModeratorChannel call must return at least this fast


async def feed_everything(bot: ModeratorBot, tag: str) -> float:
    """Call every ModeratorChannel method; return the slowest call's duration."""
    answer = MirroredAnswer(
        post_id=1,
        question_number=1,
        author_username="ann",
        author_name="Ann",
        text=f"answer {tag}",
        url="https://x.com/ann/status/1",
    )
    calls = [
        bot.channel.notify(f"notice {tag}"),
        bot.channel.chat_started(
            occurrence_id=3, slug="s", title="T", hashtag="#T", questions=[(1, "Q?")]
        ),
        bot.channel.question_posted(occurrence_id=3, number=1, text="Q1", url="https://x.com/q"),
        bot.channel.mirror_answers(occurrence_id=3, answers=[answer]),
    ]
    slowest = 0.0
    for call in calls:
        started = time.monotonic()
        await call
        slowest = max(slowest, time.monotonic() - started)
    return slowest


def sent_text(fake: FakeDiscord) -> str:
    return "\n".join(r.body.get("content") or "" for r in fake.posts())


async def test_outage_queues_feed_and_bot_reconnects_when_discord_returns(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    sessions_before = len(fake_discord.ops(2)) + len(fake_discord.ops(6))
    await fake_discord.stop()
    assert await feed_everything(bot, "during outage") < PROMPT
    await asyncio.sleep(0.5)  # let the senders fail at least once
    assert bot.channel.pending() > 0
    await fake_discord.start()
    await eventually(
        lambda: len(fake_discord.ops(2)) + len(fake_discord.ops(6)) > sessions_before, within=20
    )
    await eventually(lambda: "answer during outage" in sent_text(fake_discord), within=10)
    assert "notice during outage" in sent_text(fake_discord)
    await eventually(lambda: bot.channel.pending() == 0)


async def test_login_is_retried_until_discord_is_reachable(
    control: FakeControl, audit: FakeAudit, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDiscord()
    await fake.start()
    await fake.stop()  # keep the port, refuse connections
    moderator_bot = make_bot(fake, control=control, audit=audit)
    try:
        started = time.monotonic()
        await moderator_bot.start()
        assert time.monotonic() - started < PROMPT
        assert await feed_everything(moderator_bot, "before login") < PROMPT
        await asyncio.sleep(1.0)  # several failed logins
        await fake.start()
        await eventually(lambda: fake.commands is not None and fake.ops(2), within=10)
        await eventually(lambda: "answer before login" in sent_text(fake), within=10)
        token = await fake.invoke("chat next")
        await fake.answers_for(token)
        assert control.called("next_question") == [(None,)]
    finally:
        await moderator_bot.close()
        await fake.stop()


async def test_without_a_token_the_bot_stays_off_and_calls_are_dropped(
    control: FakeControl, audit: FakeAudit
) -> None:
    fake = FakeDiscord()
    await fake.start()
    moderator_bot = make_bot(fake, control=control, audit=audit, token="")
    try:
        await moderator_bot.start()
        assert await feed_everything(moderator_bot, "no token") < PROMPT
        await asyncio.sleep(0.1)
        assert moderator_bot.client is None
        assert moderator_bot.channel.pending() == 0
        assert fake.requests == []
    finally:
        await moderator_bot.close()
        await fake.stop()


async def test_close_returns_promptly_while_discord_is_down(
    bot: ModeratorBot, fake_discord: FakeDiscord
) -> None:
    await fake_discord.stop()
    await feed_everything(bot, "never sent")
    started = time.monotonic()
    await bot.close()
    assert time.monotonic() - started < 2.0
    await fake_discord.start()  # the fixture stops it again


async def test_feed_queue_is_bounded(bot: ModeratorBot, fake_discord: FakeDiscord) -> None:
    await fake_discord.stop()
    for n in range(800):
        await bot.channel.notify(f"notice {n}")
    assert bot.channel.pending() == 500  # the oldest 300 were dropped
    await fake_discord.start()
