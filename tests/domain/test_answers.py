"""Answer labels and assignment of posts to questions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.answers import (
    GENERAL,
    AnswerAssigner,
    parse_labels,
    question_number_of_host_post,
)
from chatbot.domain.posts import XPost, XUser

T0 = datetime(2026, 11, 24, 1, tzinfo=UTC)
HOST = XUser(id=1, username="Host")
ANN = XUser(id=2, username="ann")
BOB = XUser(id=3, username="bob")
SPAM = XUser(id=4, username="SpamBot")
Q1_POST, Q2_POST = 1001, 1002


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A1 we post daily #SMBchat", [(1, "A1")]),
        ("a1: we post daily", [(1, "A1")]),
        ("A1. we post daily", [(1, "A1")]),
        ("A1) we post daily", [(1, "A1")]),
        ("A 1 we post daily", [(1, "A1")]),
        ("A1a first part", [(1, "A1a")]),
        ("A1b: second part", [(1, "A1b")]),
        ("Q1 A1: both prefixes", [(1, "A1")]),
        ("A1/A2 covers two", [(1, "A1"), (2, "A2")]),
        ("A1 and A3: two again", [(1, "A1"), (3, "A3")]),
        ("@ann @bob A3: after mentions", [(3, "A3")]),
        ("Love this! A2: we reply within the hour", [(2, "A2")]),
        ("A10: double digits", [(10, "A10")]),
    ],
)
def test_labels_participants_write_are_recognised(text: str, expected: list) -> None:
    assert parse_labels(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a 10% discount works wonders",
        "Grade A1 quality service",
        "Answer: we don't know",
        "Great chat everyone! #SMBchat",
        "Our A1 sauce sells itself",
        "#A1 is a hashtag",
    ],
)
def test_text_that_only_looks_like_a_label_is_not_one(text: str) -> None:
    assert parse_labels(text) == []


def test_question_posts_are_recognised() -> None:
    assert question_number_of_host_post("Q3: How do you reply? #SMBchat") == 3
    assert question_number_of_host_post("Welcome to #SMBchat") is None


def _post(
    pid: int, user: XUser, text: str, *, reply_to: int | None = None, quote: int | None = None
) -> XPost:
    return XPost(
        id=pid,
        author=user,
        text=text,
        created_at=T0,
        in_reply_to_post_id=reply_to,
        quoted_post_id=quote,
    )


def _assigner(**kw) -> AnswerAssigner:
    return AnswerAssigner(
        question_posts={Q1_POST: 1, Q2_POST: 2}, host_user_id=HOST.id, question_count=5, **kw
    )


def _by_post(assignments) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = {}
    for a in assignments:
        out.setdefault(a.post_id, []).append((a.question_number, a.method))
    return out


def test_replies_to_questions_and_answers_find_their_question() -> None:
    posts = [
        _post(2001, ANN, "A1: labelled"),
        _post(2002, BOB, "unlabelled reply to Q2", reply_to=Q2_POST),
        _post(2003, BOB, "agree with you!", reply_to=2001),
        _post(2004, ANN, "thanks!", reply_to=2003),
        _post(2005, ANN, "just saying hi #SMBchat"),
        _post(2006, BOB, "quoting Q1 here", quote=Q1_POST),
        _post(2007, ANN, "A2: labelled reply to Q1 keeps its label", reply_to=Q1_POST),
    ]
    result = _by_post(_assigner().assign(posts))
    assert result == {
        2001: [(1, "label")],
        2002: [(2, "reply_to_question")],
        2003: [(1, "inherited")],
        2004: [(1, "inherited")],
        2005: [(GENERAL, "general")],
        2006: [(1, "reply_to_question")],
        2007: [(2, "label")],
    }


def test_parent_links_are_kept() -> None:
    result = _assigner().assign([_post(2001, ANN, "A1: x"), _post(2002, BOB, "y", reply_to=2001)])
    assert [a.parent_post_id for a in result] == [None, 2001]


def test_host_and_hidden_users_are_not_answers() -> None:
    assigner = _assigner(hidden={"@spambot"})
    posts = [_post(2001, HOST, "A1: host example"), _post(2002, SPAM, "A1: buy followers")]
    assert assigner.assign(posts) == []
    assigner.hide("ann")
    assert assigner.assign([_post(2003, ANN, "A1: x")]) == []


def test_labels_beyond_the_question_count_are_general() -> None:
    assert _by_post(_assigner().assign([_post(2001, ANN, "A9: no such question")])) == {
        2001: [(GENERAL, "general")]
    }


def test_inheritance_survives_a_restart_through_known_answers() -> None:
    assigner = _assigner(known={2001: [2]})
    assert _by_post(assigner.assign([_post(2002, BOB, "yes!", reply_to=2001)])) == {
        2002: [(2, "inherited")]
    }


@given(st.text())
def test_any_text_parses_to_valid_labels(text: str) -> None:
    labels = parse_labels(text)
    numbers = [n for n, _ in labels]
    assert len(numbers) == len(set(numbers))
    for number, label in labels:
        assert label.startswith(f"A{number}")


@given(st.integers(1, 99), st.sampled_from(["", ":", ".", ")", " -"]), st.text(max_size=40))
def test_a_leading_label_is_always_found(number: int, sep: str, rest: str) -> None:
    text = f"A{number}{sep} {rest}"
    assert parse_labels(text)[0] == (number, f"A{number}")
