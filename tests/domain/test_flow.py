"""The chat flow as a pure state machine, driven by a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.commands import Ask, End, Extend, NextNow, Pause, Resume, Skip
from chatbot.domain.flow import ChatFacts, Flow, FlowState, Notice, Post, Step, StepStatus

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
FACTS = ChatFacts("#SMBchat", "America/New_York", lambda step: f"text of {step.key}")


def _flow(questions: int = 3, *, thread: bool = True, intervals: list[float] | None = None) -> Flow:
    return Flow.plan(
        start=T0,
        duration=timedelta(minutes=60),
        first_question_after=5,
        intervals=intervals or [8.0] * questions,
        last_call_lead=5,
        thread=thread,
    )


def _run(flow: Flow, until: datetime) -> list[tuple[str, int, str]]:
    return _run_from(flow, flow.start, until)


def test_a_whole_chat_posts_each_step_on_time() -> None:
    flow = _flow(3)
    assert _run(flow, T0 + timedelta(minutes=70)) == [
        ("0", 0, "welcome"),
        ("0", 0, "rules"),
        ("5", 1, "question"),
        ("13", 2, "question"),
        ("21", 3, "question"),
        ("55", 0, "last_call"),
        ("60", 0, "closing"),
    ]
    assert flow.status == FlowState.ENDED


def test_threaded_posts_reply_to_the_previous_post_and_rules_to_welcome() -> None:
    flow = _flow(1)
    replies = []
    now = T0
    for post_id in range(1, 10):
        actions = [a for a in flow.tick(now) if isinstance(a, Post)]
        if actions:
            replies.append((actions[0].step.kind, actions[0].reply_to))
            flow.posted(actions[0].step.key, post_id=post_id, at=now)
        now += timedelta(minutes=5)
    assert replies[:3] == [("welcome", None), ("rules", 1), ("question", 2)]


def test_unthreaded_questions_stand_alone() -> None:
    flow = _flow(1, thread=False)
    flow.posted("welcome", post_id=1, at=T0)
    flow.posted("rules", post_id=2, at=T0)
    (action,) = flow.tick(T0 + timedelta(minutes=5))
    assert isinstance(action, Post) and action.reply_to is None


def test_next_now_posts_at_once_and_shifts_the_rest() -> None:
    flow = _flow(3)
    _run(flow, T0 + timedelta(minutes=6))  # welcome, rules, Q1 at 5
    result = flow.handle(NextNow(), T0 + timedelta(minutes=7), FACTS)
    assert result.ok and result.message == "Posting Q2 now; what follows moves up."
    made = _run_from(flow, T0 + timedelta(minutes=7), T0 + timedelta(minutes=30))
    assert made[:2] == [("7", 2, "question"), ("15", 3, "question")]


def _run_from(flow: Flow, start: datetime, until: datetime) -> list[tuple[str, int, str]]:
    """Tick every 30 s from ``start``, 'posting' every due step; return (minute, n, kind)."""
    made, now, next_id = [], start, 500
    while now <= until:
        while posts := [a for a in flow.tick(now) if isinstance(a, Post)]:
            next_id += 1
            flow.posted(posts[0].step.key, post_id=next_id, at=now)
            minute = f"{(now - T0).total_seconds() / 60:g}"
            made.append((minute, posts[0].step.number, posts[0].step.kind))
        now += timedelta(seconds=30)
    return made


def test_skip_drops_a_question_and_numbers_stay_consecutive() -> None:
    flow = _flow(3)
    _run(flow, T0 + timedelta(minutes=6))
    assert flow.handle(Skip(), T0 + timedelta(minutes=6), FACTS).message == (
        "Skipped the next question: text of q-2"
    )
    made = _run_from(flow, T0 + timedelta(minutes=6), T0 + timedelta(minutes=61))
    assert [m for m in made if m[2] == "question"] == [("13", 2, "question")]
    assert [s.status for s in flow.steps if s.kind == "question"][1] == StepStatus.SKIPPED
    refused = flow.handle(Skip(), T0 + timedelta(minutes=61), FACTS)
    assert not refused.ok and refused.message == "#SMBchat has ended."


def test_pause_holds_everything_and_resume_shifts_the_end() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    assert flow.handle(Pause(), T0 + timedelta(minutes=8), FACTS).ok
    again = flow.handle(Pause(), T0 + timedelta(minutes=9), FACTS)
    assert (again.ok, again.message) == (False, "The chat is already paused.")
    assert not flow.handle(NextNow(), T0 + timedelta(minutes=9), FACTS).ok
    assert flow.tick(T0 + timedelta(minutes=20)) == []
    resumed = flow.handle(Resume(), T0 + timedelta(minutes=18), FACTS)
    assert resumed.message == "Resumed; the rest of the chat moved by 10.0 min."
    assert not flow.handle(Resume(), T0 + timedelta(minutes=18), FACTS).ok
    made = _run_from(flow, T0 + timedelta(minutes=18), T0 + timedelta(minutes=80))
    assert made == [("23", 2, "question"), ("65", 0, "last_call"), ("70", 0, "closing")]


def test_extend_gives_the_current_question_more_time() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    result = flow.handle(Extend(4), T0 + timedelta(minutes=6), FACTS)
    assert result.message == "Extended by 4 min; the chat now ends at 21:04."
    made = _run_from(flow, T0 + timedelta(minutes=6), T0 + timedelta(minutes=70))
    assert made == [("17", 2, "question"), ("59", 0, "last_call"), ("64", 0, "closing")]


def test_ad_hoc_question_takes_the_next_number() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    result = flow.handle(Ask(" What surprised you? "), T0 + timedelta(minutes=7), FACTS)
    assert result.message == "Posting Q2 now: Q2: What surprised you? #SMBchat"
    made = _run_from(flow, T0 + timedelta(minutes=7), T0 + timedelta(minutes=20))
    assert made == [("7", 2, "question"), ("15", 3, "question")]
    step = next(s for s in flow.steps if s.key == "ask-1")
    assert step.text == "What surprised you?" and step.number == 2


def test_end_closes_now_without_the_remaining_questions() -> None:
    flow = _flow(3)
    _run(flow, T0 + timedelta(minutes=6))
    assert flow.handle(End(), T0 + timedelta(minutes=10), FACTS).message == "Closing #SMBchat now."
    made = _run_from(flow, T0 + timedelta(minutes=10), T0 + timedelta(minutes=70))
    assert made == [("10", 0, "closing")]
    assert flow.status == FlowState.ENDED


def test_a_late_join_posts_only_the_questions_that_still_fit() -> None:
    flow = _flow(6)
    made = _run_from(flow, T0 + timedelta(minutes=30), T0 + timedelta(minutes=61))
    kinds = [(m[0], m[2]) for m in made]
    assert kinds == [
        ("30", "welcome"),
        ("30", "rules"),
        ("35", "question"),
        ("43", "question"),
        ("51", "question"),
        ("55", "last_call"),
        ("60", "closing"),
    ]
    assert [s.status for s in flow.steps if s.kind == "question"][3:] == [StepStatus.DROPPED] * 3


def test_dropping_a_question_tells_moderators() -> None:
    flow = _flow(1)
    flow.posted("welcome", post_id=1, at=T0 + timedelta(minutes=54))
    flow.posted("rules", post_id=2, at=T0 + timedelta(minutes=54))
    actions = flow.tick(T0 + timedelta(minutes=55))
    assert isinstance(actions[0], Notice)
    assert isinstance(actions[1], Post) and actions[1].step.kind == "last_call"


def test_a_step_being_posted_is_posted_again_after_a_restart() -> None:
    flow = _flow(1)
    (action,) = flow.tick(T0)
    stored = Flow.from_json(flow.to_json())  # the process died while posting the welcome
    (again,) = stored.tick(T0 + timedelta(minutes=1))
    assert isinstance(again, Post) and again.step.key == action.step.key == "welcome"


def test_json_round_trip_keeps_everything() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    flow.handle(Pause(), T0 + timedelta(minutes=7), FACTS)
    assert Flow.from_json(flow.to_json()) == flow


def test_a_flow_stored_by_an_earlier_version_loads() -> None:
    """Rows written before the enums and datetimes: plain strings, posted_at as ISO text."""
    stored = (
        '{"start": "2026-11-25T01:00:00+00:00", "end": "2026-11-25T02:00:00+00:00", '
        '"last_call_lead": 5, "thread": true, "status": "paused", '
        '"next_due": "2026-11-25T01:13:00+00:00", "paused_at": "2026-11-25T01:07:00+00:00", '
        '"asks": 0, "steps": [{"key": "welcome", "kind": "welcome", "gap": 0.0, "source": 0, '
        '"text": "", "status": "posted", "number": 0, '
        '"posted_at": "2026-11-25T01:00:00+00:00", "post_id": 7}, {"key": "q-1", '
        '"kind": "question", "gap": 5.0, "source": 0, "text": "", "status": "pending", '
        '"number": 0, "posted_at": null, "post_id": null}]}'
    )
    flow = Flow.from_json(stored)
    assert flow.status == FlowState.PAUSED and flow.paused_at == T0 + timedelta(minutes=7)
    assert flow.steps[0].posted_at == T0 and flow.steps[0].status == StepStatus.POSTED
    assert isinstance(flow.steps[1], Step) and flow.next_step() is flow.steps[1]
    assert Flow.from_json(flow.to_json()) == flow


def test_refusals_are_decided_by_the_flow() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))  # Q1 is out, Q2 comes next
    for minutes in (0, 61):
        refused = flow.handle(Extend(minutes), T0, FACTS)
        assert (refused.ok, refused.message) == (False, "Extend by 1 to 60 minutes.")
    assert flow.handle(Extend(60), T0, FACTS).ok
    too_long = flow.handle(Ask("😀" * 135), T0 + timedelta(minutes=7), FACTS)
    assert not too_long.ok and "As Q2 with the hashtag that post is 283 characters" in (
        too_long.message
    )
    assert not flow.handle(Ask("  "), T0 + timedelta(minutes=7), FACTS).ok
    assert not any(s.key.startswith("ask") for s in flow.steps)
    flow.handle(End(), T0 + timedelta(minutes=8), FACTS)
    assert not flow.handle(Skip(), T0 + timedelta(minutes=8), FACTS).ok  # closing is next


def test_back_after_the_end_only_the_closing_goes_out_and_the_last_call_is_dropped() -> None:
    """The bot was down from minute 40 to three minutes after the end: "a few minutes
    left" would be wrong, so only the closing goes out, late."""
    flow = _flow(6)
    _run(flow, T0 + timedelta(minutes=40))
    actions = flow.tick(T0 + timedelta(minutes=63))
    notices = [a.text for a in actions if isinstance(a, Notice)]
    (post,) = [a for a in actions if isinstance(a, Post)]
    assert post.step.kind == "closing" and not post.late
    assert notices == [
        "No time left for a question; dropped it (q-6).",
        "Too late for the last call; dropped it.",
    ]
    assert [s.status for s in flow.steps if s.kind != "closing"][-2:] == [StepStatus.DROPPED] * 2


def test_a_last_call_with_less_than_a_minute_left_is_dropped() -> None:
    flow = _flow(1)
    _run(flow, T0 + timedelta(minutes=6))
    made = _run_from(flow, T0 + timedelta(minutes=59, seconds=30), T0 + timedelta(minutes=61))
    assert made == [("60", 0, "closing")]
    assert flow.steps[-2].status == StepStatus.DROPPED


def test_a_closing_later_than_the_grace_period_is_dropped_and_the_chat_ends() -> None:
    flow = _flow(1)
    _run(flow, T0 + timedelta(minutes=6))
    actions = flow.tick(T0 + timedelta(minutes=76))  # the grace period is 15 minutes
    assert not [a for a in actions if isinstance(a, Post)]
    assert flow.status == FlowState.ENDED and flow.end == T0 + timedelta(minutes=60)


def test_a_step_begun_before_its_moment_passed_is_posted_late_only_if_already_on_x() -> None:
    flow = _flow(1)
    _run(flow, T0 + timedelta(minutes=6))
    (begun,) = flow.tick(T0 + timedelta(minutes=55))
    assert begun.step.kind == "last_call"
    stored = Flow.from_json(flow.to_json())  # the process died while posting it
    (again,) = stored.tick(T0 + timedelta(minutes=62))
    assert isinstance(again, Post) and again.step.key == "last_call" and again.late
    assert stored.skipped("last_call").text == "Too late for the last call; dropped it."
    (closing,) = stored.tick(T0 + timedelta(minutes=62))
    assert isinstance(closing, Post) and closing.step.kind == "closing"


def test_a_step_x_refused_outright_is_pending_again_and_held_posts_drop_late_steps() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    (q2,) = flow.tick(T0 + timedelta(minutes=13))
    flow.unstart(q2.step.key)  # X's post limit was spent
    assert flow.tick(T0 + timedelta(minutes=40), posting=False) == []
    notices = flow.tick(T0 + timedelta(minutes=56), posting=False)
    assert [n.text for n in notices if isinstance(n, Notice)] == [
        "No time left for a question; dropped it (q-2)."
    ]
