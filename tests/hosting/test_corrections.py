"""A moderator's correction through HostControl: kept by the collector, a restart, the recap."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest

from chatbot.domain.views import RecapPreview
from chatbot.hosting.corrections import AnswerCorrections
from chatbot.hosting.host_control import HostControl
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from tests.hosting.conftest import T0, Rig
from tests.hosting.test_host_control import open_at_t0, run_until

FAN, FRIEND = "real_fan", "fan_friend"


def control_of(rig: Rig, tmp_path: Path) -> HostControl:
    assert rig.host is not None
    recaps = RecapService(
        catalog=rig.catalog, deps=rig.host.deps, records=rig.store, out_dir=tmp_path / "recaps"
    )
    return HostControl(host=rig.host, recaps=recaps)


@pytest.fixture
def control(rig: Rig, tmp_path: Path) -> HostControl:
    return control_of(rig, tmp_path)


def answers(rig: Rig, runner: ChatRunner) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    for a in rig.store.answers(runner.occurrence_id):
        found.setdefault(a.post_id, []).append((a.question_number, a.method))
    return found


async def reply(rig: Rig, runner: ChatRunner, to: int, text: str) -> int:
    """A reply to ``to``, collected by the first pass after X's search shows it."""
    post_id = rig.emulator.add_post(FRIEND, f"{text} #SMBchat", reply_to=to)
    await run_until(rig, runner, rig.clock.now() + timedelta(minutes=1))
    return post_id


async def live_answer_to_q1(rig: Rig) -> tuple[ChatRunner, int, int]:
    """A chat at minute 14 (Q2 is out) with an answer labelled A1 and a reply to it."""
    runner = await open_at_t0(rig)
    await run_until(rig, runner, T0 + timedelta(minutes=6))
    answer = rig.emulator.add_post(FAN, "A1: we answer every DM #SMBchat")
    await run_until(rig, runner, T0 + timedelta(minutes=14))
    first_reply = await reply(rig, runner, answer, "Same for us")
    assert answers(rig, runner)[first_reply] == [(1, "inherited")]
    return runner, answer, first_reply


async def test_a_moved_answer_takes_its_replies_and_later_ones_along(
    rig: Rig, control: HostControl
) -> None:
    runner, answer, first_reply = await live_answer_to_q1(rig)

    result = await control.assign(f"https://x.com/{FAN}/status/{answer}", "2")

    assert result.ok, result.message
    assert result.message == (
        "@real_fan's post now answers Q2 (it was Q1). 1 reply that took its question followed it."
    )
    assert answers(rig, runner)[answer] == [(2, "moderator")]
    assert answers(rig, runner)[first_reply] == [(2, "inherited")]
    later = await reply(rig, runner, first_reply, "Thanks both")
    assert answers(rig, runner)[later] == [(2, "inherited")]


async def test_a_restart_keeps_the_correction_and_replies_still_follow_it(
    rig: Rig, control: HostControl, tmp_path: Path
) -> None:
    _, answer, first_reply = await live_answer_to_q1(rig)
    assert (await control.assign(str(answer), "none")).ok
    await rig.ports[-1].close()  # the process stops…
    host = rig.new_host()  # …and a new one resumes the chat from the database
    await host.resume_all()
    resumed = host.runners["smbchat"]

    later = await reply(rig, resumed, answer, "Love this")

    found = answers(rig, resumed)
    assert found[answer] == [(0, "moderator")]
    assert found[first_reply] == found[later] == [(0, "inherited")]  # counted nowhere
    result = await control_of(rig, tmp_path).assign(str(answer), "Q2")
    assert result.ok and result.message.startswith("@real_fan's post now answers Q2 (it was no")
    found = answers(rig, resumed)
    assert found[first_reply] == found[later] == [(2, "inherited")]


async def test_the_recap_files_show_the_corrected_question(rig: Rig, control: HostControl) -> None:
    runner, answer, first_reply = await live_answer_to_q1(rig)
    assert (await control.assign(f"twitter.com/{FAN}/status/{answer}?s=20", "Q2")).ok
    await control.end()
    await run_until(rig, runner, T0 + timedelta(minutes=40))

    preview = await control.recap_preview("smbchat")

    assert isinstance(preview, RecapPreview)
    [posts_csv] = [Path(f) for f in preview.files if f.endswith(".csv")]
    with posts_csv.open(encoding="utf-8") as handle:
        question = {int(row["id"]): row["question"] for row in csv.DictReader(handle)}
    assert question[answer] == question[first_reply] == "2"


async def test_each_refusal_says_what_is_wrong(rig: Rig, control: HostControl) -> None:
    runner, answer, _ = await live_answer_to_q1(rig)
    before = answers(rig, runner)
    question_post = rig.store.bot_post(runner.occurrence_id, "q1")
    assert question_post is not None and question_post.x_post_id is not None
    refusals = {
        "https://example.com/status/1": (
            "'https://example.com/status/1' is not a collected post: give its link (x.com, "
            "bsky.app or its Mastodon address, as the Discord feed shows it) or its id."
        ),
        "123": "Post 123 was not collected in any chat.",
        str(question_post.x_post_id): (
            f"Post {question_post.x_post_id} is the host's own: it answers nothing."
        ),
    }
    for post, message in refusals.items():
        assert (await control.assign(post, "2")).message == message
    late = await control.assign(str(answer), "3")
    assert late.message == "Q3 was not asked in #SMBchat on 2026-11-24 (asked: Q1, Q2)."
    wrong = await control.assign(str(answer), "second")
    assert not wrong.ok and "'second' is not a question" in wrong.message
    assert answers(rig, runner) == before


async def test_another_process_may_correct_a_chat_only_once_its_collection_ended(
    rig: Rig, control: HostControl
) -> None:
    """The command line, while the bot collects the chat, would miss its live replies."""
    runner, answer, _ = await live_answer_to_q1(rig)
    elsewhere = AnswerCorrections(store=rig.ports[-1], clock=rig.clock)

    busy = await elsewhere.assign(str(answer), "2")

    assert not busy.ok and "still being collected, and not by this process" in busy.message
    await control.end()
    await run_until(rig, runner, T0 + timedelta(minutes=40))
    assert runner.finished
    assert (await elsewhere.assign(str(answer), "2")).ok
    assert answers(rig, runner)[answer] == [(2, "moderator")]
