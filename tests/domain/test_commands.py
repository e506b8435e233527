"""What a moderator's command names: a post, a question."""

from __future__ import annotations

import pytest

from chatbot.domain.commands import post_id_of, question_choice

ID = 1987654321987654321


@pytest.mark.parametrize(
    "text",
    [
        f"https://x.com/real_fan/status/{ID}",
        f"https://twitter.com/Real_Fan/status/{ID}?s=20&t=abc",
        f"http://mobile.twitter.com/real_fan/status/{ID}/photo/1",
        f"www.x.com/i/web/status/{ID}",
        f"x.com/i/status/{ID}#m",
        f"<https://x.com/real_fan/status/{ID}>",  # as the Discord feed shows it
        f"  {ID} ",
    ],
)
def test_a_post_is_named_by_its_link_or_its_id(text: str) -> None:
    assert post_id_of(text) == ID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://example.com/real_fan/status/1",
        "https://x.com/real_fan",
        "https://x.com/real_fan/status/",
        "https://x.com/handle_far_too_long/status/1",
        f"https://x.com/real_fan/status/{ID}extra",
        "１２３",  # full-width digits are not an id anyone copies
        "1" * 21,
    ],
)
def test_anything_else_names_no_post(text: str) -> None:
    assert post_id_of(text) is None


def test_a_bluesky_or_mastodon_post_is_named_by_its_stored_id() -> None:
    assert post_id_of(" -4611686018427387904 ") == -4611686018427387904
    assert post_id_of("--12") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("2", 2), ("Q2", 2), (" q 12 ", 12), ("２", 2), ("0", 0), ("none", 0), ("Not an  answer", 0)],
)
def test_a_question_is_a_number_or_none(text: str, number: int) -> None:
    assert question_choice(text) == number


@pytest.mark.parametrize("text", ["", "two", "Q", "-1", "2.5", "Q2 Q3", "12345"])
def test_anything_else_names_no_question(text: str) -> None:
    assert question_choice(text) is None
