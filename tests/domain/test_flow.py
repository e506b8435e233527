"""The chat flow as a pure state machine, driven by a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.flow import DROPPED, SKIPPED, Flow, Notice, Post

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


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
    assert flow.status == "ended"


def test_threaded_posts_reply_to_the_previous_post_and_rules_to_welcome() -> None:
    flow = _flow(1)
    replies = []
    now = T0
    for post_id in range(1, 10):
        actions = [a for a in flow.tick(now) if isinstance(a, Post)]
        if actions:
            replies.append((actions[0].step.kind, actions[0].reply_to))
            flow.posted(actions[0].step.key, post_id=post_id, at=now)
        now += timedelta(minutes=30)
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
    assert flow.next_now(T0 + timedelta(minutes=7)) == "Q2"
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
    assert flow.skip() == "Q2"
    made = _run_from(flow, T0 + timedelta(minutes=6), T0 + timedelta(minutes=61))
    assert [m for m in made if m[2] == "question"] == [("13", 2, "question")]
    assert [s.status for s in flow.steps if s.kind == "question"][1] == SKIPPED


def test_pause_holds_everything_and_resume_shifts_the_end() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    assert flow.pause(T0 + timedelta(minutes=8))
    assert flow.tick(T0 + timedelta(minutes=20)) == []
    assert flow.resume(T0 + timedelta(minutes=18)) == timedelta(minutes=10)
    made = _run_from(flow, T0 + timedelta(minutes=18), T0 + timedelta(minutes=80))
    assert made == [("23", 2, "question"), ("65", 0, "last_call"), ("70", 0, "closing")]


def test_extend_gives_the_current_question_more_time() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    flow.extend(4)
    made = _run_from(flow, T0 + timedelta(minutes=6), T0 + timedelta(minutes=70))
    assert made == [("17", 2, "question"), ("59", 0, "last_call"), ("64", 0, "closing")]


def test_ad_hoc_question_takes_the_next_number() -> None:
    flow = _flow(2)
    _run(flow, T0 + timedelta(minutes=6))
    step = flow.ask("What surprised you?", T0 + timedelta(minutes=7))
    made = _run_from(flow, T0 + timedelta(minutes=7), T0 + timedelta(minutes=20))
    assert made == [("7", 2, "question"), ("15", 3, "question")]
    assert step.text == "What surprised you?" and step.number == 2


def test_end_closes_now_without_the_remaining_questions() -> None:
    flow = _flow(3)
    _run(flow, T0 + timedelta(minutes=6))
    flow.finish(T0 + timedelta(minutes=10))
    made = _run_from(flow, T0 + timedelta(minutes=10), T0 + timedelta(minutes=70))
    assert made == [("10", 0, "closing")]
    assert flow.status == "ended"


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
    assert [s.status for s in flow.steps if s.kind == "question"][3:] == [DROPPED] * 3


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
    flow.pause(T0 + timedelta(minutes=7))
    assert Flow.from_json(flow.to_json()) == flow
