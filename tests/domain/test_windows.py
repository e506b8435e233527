"""The live question at a post id, from the host's posts alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.windows import QuestionWindows
from chatbot.x.snowflake import snowflake_at

T0 = datetime(2026, 11, 24, 1, tzinfo=UTC)


def at(minute: float) -> int:
    """The id X gives a post made ``minute`` minutes into the chat."""
    return snowflake_at(T0 + timedelta(minutes=minute))


def test_each_question_is_live_until_the_next_and_the_last_call_ends_it() -> None:
    windows = QuestionWindows({at(5): 1, at(13): 2}, ends=[at(0), at(55)])
    assert [windows.live(at(m)) for m in (1, 6, 12.99, 13.01, 54, 56)] == [
        None,
        1,
        1,
        2,
        2,
        None,
    ]


def test_posts_made_in_the_same_millisecond_are_ordered_by_sequence() -> None:
    question = snowflake_at(T0, sequence=5)
    windows = QuestionWindows({question: 1})
    assert windows.live(snowflake_at(T0, sequence=4)) is None
    assert windows.live(snowflake_at(T0, sequence=6)) == 1


def test_a_question_post_stays_a_question_when_also_seen_as_a_host_post() -> None:
    windows = QuestionWindows({at(5): 1})
    windows.close(at(5))
    assert windows.live(at(6)) == 1


def test_which_questions_were_asked_before_a_post() -> None:
    windows = QuestionWindows({})
    assert not windows.any_asked and windows.last_asked == 0
    windows.open(at(13), 2)
    windows.open(at(5), 1)
    assert windows.asked_before(1, at(6)) and not windows.asked_before(2, at(6))
    assert windows.last_asked == 2


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=12, unique=True), st.integers())
def test_the_live_question_is_the_latest_opened_before_the_post(ids: list[int], post: int) -> None:
    ids.sort()
    windows = QuestionWindows({pid: n for n, pid in enumerate(ids, 1)})
    earlier = [n for n, pid in enumerate(ids, 1) if pid < post]
    assert windows.live(post) == (earlier[-1] if earlier else None)
