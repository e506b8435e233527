"""Moderator commands through HostControl: the chat reacts on X at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chatbot.domain.views import ControlResult, RecapPreview
from chatbot.emulator.x import HOST_USER_ID
from chatbot.hosting.host_control import HostControl
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from tests.hosting.conftest import T0, Rig

STEP = timedelta(seconds=30)


def bot_texts(rig: Rig) -> list[str]:
    return [p["text"] for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]


def bot_minutes(rig: Rig) -> list[float]:
    posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    created = [datetime.fromisoformat(p["created_at"].replace("Z", "+00:00")) for p in posts]
    return [(c - T0).total_seconds() / 60 for c in created]


@pytest.fixture
def control(rig: Rig, tmp_path) -> HostControl:
    assert rig.host is not None
    recaps = RecapService(
        catalog=rig.catalog, deps=rig.host.deps, records=rig.store, out_dir=tmp_path / "recaps"
    )
    return HostControl(host=rig.host, recaps=recaps)


async def open_at_t0(rig: Rig) -> ChatRunner:
    await rig.clock.advance(T0 - rig.clock.now())
    assert rig.host is not None
    runner = await rig.host.open_chat(rig.catalog.chats["smbchat"], T0)
    assert runner is not None
    await runner.step()
    return runner


async def run_until(rig: Rig, runner: ChatRunner, until: datetime) -> None:
    while rig.clock.now() < until:
        await rig.clock.advance(STEP)
        await runner.step()


async def test_next_posts_the_next_question_at_once_and_shifts_the_rest(
    rig: Rig, control: HostControl
) -> None:
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=7))
    assert [t.split()[0] for t in bot_texts(rig)][-1] == "Q1:"

    result = await control.next_question()

    assert result.ok and "Q2" in result.message
    assert bot_texts(rig)[-1].startswith("Q2:")
    assert bot_minutes(rig)[-1] == 7
    await run_until(rig, runner, T0 + timedelta(minutes=16))
    # Q3 now follows Q2 by the schedule's 8 minutes, from minute 7.
    assert bot_minutes(rig)[-1] == 15 and bot_texts(rig)[-1].startswith("Q3:")


async def test_pause_holds_posts_and_resume_moves_the_rest(rig: Rig, control: HostControl) -> None:
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=6))
    assert (await control.pause()).ok
    assert not (await control.pause()).ok
    await run_until(rig, runner, T0 + timedelta(minutes=20))
    assert bot_texts(rig)[-1].startswith("Q1:")  # Q2 (due at 13) held
    status = await control.status()
    assert status.live[0].state == "paused"

    result = await control.resume()
    assert result.ok and "14.0 min" in result.message
    await run_until(rig, runner, T0 + timedelta(minutes=28))
    assert bot_texts(rig)[-1].startswith("Q2:") and bot_minutes(rig)[-1] == 27


async def test_skip_drops_the_next_question_and_numbers_stay_continuous(
    rig: Rig, control: HostControl
) -> None:
    qset = rig.catalog.question_set_of(rig.catalog.chats["smbchat"])
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=6))
    result = await control.skip()
    assert result.ok and qset.questions[1].text[:30] in result.message
    await run_until(rig, runner, T0 + timedelta(minutes=14))
    last = bot_texts(rig)[-1]
    assert last.startswith("Q2:") and qset.questions[2].text[:30] in last


async def test_ask_posts_an_extra_question_now_and_refuses_one_too_long(
    rig: Rig, control: HostControl
) -> None:
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=6))
    refused = await control.ask("😀" * 139)
    assert not refused.ok and "as X counts them" in refused.message
    assert bot_texts(rig)[-1].startswith("Q1:")

    result = await control.ask("What is one tool you could not do without?")
    assert result.ok
    assert bot_texts(rig)[-1] == "Q2: What is one tool you could not do without? #SMBchat"


async def test_end_closes_now_and_drops_the_remaining_questions(
    rig: Rig, control: HostControl
) -> None:
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=14))
    result = await control.end()
    assert result.ok
    assert bot_texts(rig)[-1].startswith("That's")
    occ = rig.store.get_occurrence(runner.occurrence_id)
    assert occ.state == "ended"
    assert not (await control.next_question()).ok
    assert sum(t.startswith("Q") for t in bot_texts(rig)) == 2


async def test_hide_keeps_an_author_out_and_unhide_lets_them_back(
    rig: Rig, control: HostControl
) -> None:
    spammer, fan = "spam_bot_99", "real_fan"
    runner = await open_at_t0(rig)
    assert (await control.hide("@Spam_Bot_99")).ok
    rig.emulator.add_post(spammer, "A1: buy followers #SMBchat")
    rig.emulator.add_post(fan, "A1: we answer every DM #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=7))
    authors = {p.author_username for p in rig.store.collected_posts(runner.occurrence_id)}
    assert "real_fan" in authors and "spam_bot_99" not in authors

    assert (await control.unhide("spam_bot_99")).ok
    assert not (await control.unhide("spam_bot_99")).ok
    rig.emulator.add_post(spammer, "A2: sorry #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=8))
    authors = {p.author_username for p in rig.store.collected_posts(runner.occurrence_id)}
    assert "spam_bot_99" in authors


async def test_commands_name_the_problem_when_no_chat_fits(control: HostControl) -> None:
    assert (await control.next_question()).message == "No chat is live right now."
    unknown = await control.pause("nosuchchat")
    assert not unknown.ok and "smbchat" in unknown.message
    assert not (await control.extend(0)).ok


async def test_status_shows_the_live_chat_and_the_next_one(rig: Rig, control: HostControl) -> None:
    fan = "real_fan"
    runner = await open_at_t0(rig)
    rig.emulator.add_post(fan, "A1: hello #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=6))
    status = await control.status()
    live = status.live[0]
    assert (live.slug, live.state, live.current_question, live.question_count) == (
        "smbchat",
        "running",
        1,
        6,
    )
    assert live.next_step == "Q2" and live.next_step_at == T0 + timedelta(minutes=13)
    assert (live.posts_collected, live.participants) == (1, 1)
    assert status.upcoming[0].starts_at == T0 + timedelta(days=7)


async def test_schedule_skip_next_and_pause_keep_the_host_from_opening(
    rig: Rig, control: HostControl
) -> None:
    assert rig.host is not None
    chat = rig.catalog.chats["smbchat"]
    result = await control.schedule_skip_next("smbchat")
    assert result.ok and "Tue 24 Nov 20:00 EST" in result.message
    assert (await control.schedule_list())[0].skip_next
    await rig.clock.advance(T0 - rig.clock.now())
    assert await rig.host.open_chat(chat, T0) is None
    assert rig.store.find_occurrence("smbchat", "2026-11-24").state == "skipped"
    assert bot_texts(rig) == []

    next_week = T0 + timedelta(days=7)
    assert (await control.schedule_pause("smbchat")).ok
    assert await rig.host.open_chat(chat, next_week) is None
    assert (await control.schedule_resume("smbchat")).ok
    assert await rig.host.open_chat(chat, next_week) is not None


async def test_start_now_posts_the_welcome_at_once(rig: Rig, control: HostControl) -> None:
    result = await control.start_now("smbchat")
    assert result.ok
    assert [t.split()[0] for t in bot_texts(rig)] == ["👋", "How"]
    assert not (await control.start_now("smbchat")).ok


async def test_recap_waits_for_approval_then_publishes_under_the_closing_post(
    rig: Rig, control: HostControl
) -> None:
    chat = rig.catalog.chats["smbchat"]
    rig.catalog.chats["smbchat"] = replace(
        chat, recap=replace(chat.recap, require_approval=True, delay_minutes=0)
    )
    fan = "real_fan"
    runner = await open_at_t0(rig)
    rig.emulator.add_post(fan, "A1: we answer every DM #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=10))
    await control.end()
    await run_until(rig, runner, T0 + timedelta(minutes=26))
    assert runner.finished

    await control.recaps.after_chat(rig.catalog.chats["smbchat"], runner.occurrence_id)
    assert any("ready for approval" in n for n in rig.moderators.notices)
    closing_count = len(bot_texts(rig))

    preview = await control.recap_preview("smbchat")
    assert isinstance(preview, RecapPreview) and preview.status == "awaiting approval"
    assert any("@real_fan" in p for p in preview.posts)
    assert len(bot_texts(rig)) == closing_count  # nothing posted by a preview

    published = await control.recap_publish("smbchat")
    assert isinstance(published, ControlResult) and published.ok, published.message
    assert "post reads" in published.message
    recap_posts = [p for p in rig.emulator.posts() if int(p["author_id"]) == HOST_USER_ID]
    assert len(recap_posts) == closing_count + len(preview.posts)
    closing = rig.store.bot_post(runner.occurrence_id, "closing")
    first_recap = recap_posts[closing_count]
    assert first_recap["referenced_tweets"][0]["id"] == str(closing.x_post_id)
    again = await control.recap_publish("smbchat")
    assert not again.ok and "already" in again.message


async def test_recap_series_reads_the_weeks_from_the_database_and_writes_the_report(
    rig: Rig, control: HostControl
) -> None:
    before = await control.recap_series("smbchat")
    assert not before.ok and "no finished or imported chat" in before.message
    runner = await open_at_t0(rig)
    rig.emulator.add_post("real_fan", "A1: we answer every DM within the hour #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=10))
    await control.end()
    await run_until(rig, runner, T0 + timedelta(minutes=26))
    searches = rig.emulator.request_counts().get("GET /2/tweets/search/recent", 0)

    result = await control.recap_series("smbchat")
    assert result.ok, result.message
    assert "#SMBchat (smbchat): 1 week from" in result.message
    assert ": 1 person (1 new, 0 back, – of the week before), 1 answer, $" in result.message
    assert rig.emulator.request_counts().get("GET /2/tweets/search/recent", 0) == searches
    assert (control.recaps.out_dir / "smbchat" / "series" / "series.html").is_file()
    assert not (await control.recap_series("nope")).ok


async def test_a_date_imported_by_transcript_is_never_hosted_recapped_or_published(
    rig: Rig, control: HostControl
) -> None:
    assert rig.host is not None
    chat = rig.catalog.chats["smbchat"]
    occurrence = rig.store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set=chat.question_set,
        scheduled_start=T0,
    )
    rig.store.mark_imported(occurrence.id, started_at=T0, ended_at=T0 + timedelta(minutes=60))
    await rig.clock.advance(T0 + timedelta(minutes=30) - rig.clock.now())
    assert await rig.host.open_chat(chat, T0) is None  # not joined late, as a live chat is
    assert not (await control.start_now("smbchat")).ok
    await control.recaps.resume_pending()
    await control.recaps.wait_idle()
    assert not (await control.recap_publish("smbchat")).ok
    assert bot_texts(rig) == []
    assert rig.store.get_occurrence(occurrence.id).state == "imported"
