"""Answer labels: every shape participants write is read, and look-alikes are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.labels import parse_labels, question_number_of_host_post

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def read(text: str, **kw) -> list[tuple[int, str]]:
    return [(label.number, label.text) for label in parse_labels(text, **kw)]


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
        # Full-width, as Japanese and Chinese keyboards type it.
        ("Ａ６：インスタです", [(6, "A6")]),
        ("ａ６．小さなお店です", [(6, "A6")]),
        ("Ｑ６　Ａ６：両方", [(6, "A6")]),
        ("Ａ１２：二桁", [(12, "A12")]),
        # Spelled out.
        ("Answer 5: reels", [(5, "A5")]),
        ("ANSWER 5 - reels", [(5, "A5")]),
        ("answer 5: reels", [(5, "A5")]),
        ("Ans. 5: reels", [(5, "A5")]),
        ("Answer #5: reels", [(5, "A5")]),
        ("Great q! Answer 2: reels", [(2, "A2")]),
        # Keycaps, with and without the emoji variation selector, and 🔟.
        ("A6️⃣ reels", [(6, "A6")]),
        ("A6\u20e3 reels", [(6, "A6")]),
        ("A🔟 reels", [(10, "A10")]),
        ("Q6️⃣ A6️⃣ reels", [(6, "A6")]),
    ],
)
def test_labels_participants_write_are_recognised(text: str, expected: list) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a 10% discount works wonders",
        "A 10% discount works wonders",
        "our A4 flyers bring people in",
        "I gave them an A1 reply",
        "Q5 is a tough one",
        "Q5: is a tough one",
        "Grade A1 quality service",
        "Answer: we don't know",
        "Answer 5 questions and win!",
        "They answered 5: all of them",
        "Great chat everyone! #SMBchat",
        "Our A1 sauce sells itself",
        "#A1 is a hashtag",
        "@A1 is an account",
        "HbA1c: a lab value",
        "Ａ４用紙で印刷",  # "printed on A4 paper"
        "6️⃣ reasons we love reels",
    ],
)
def test_text_that_only_looks_like_a_label_is_not_one(text: str) -> None:
    assert read(text) == []


def test_labels_beyond_the_last_question_or_zero_are_not_labels() -> None:
    assert read("A9: no such question", last=6) == []
    assert read("A0: no such question") == []
    assert read("A6: the last one", last=6) == [(6, "A6")]
    assert read("A2/A9: one real, one not", last=6) == [(2, "A2")]


def test_a_label_followed_by_a_word_is_bare() -> None:
    """A bare label may be a word ("A4 flyers"): the assigner checks it against the chat."""
    assert [lb.bare for lb in parse_labels("A4 flyers sell best")] == [True]
    assert [lb.bare for lb in parse_labels("A 5 star review")] == [True]
    for firm in ("A4: flyers", "A4. flyers", "A4", "A4a flyers", "Q4 A4 flyers", "A4/A5 x"):
        assert not any(lb.bare for lb in parse_labels(firm)), firm


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R1: las historias de Instagram", [(1, "R1")]),
        ("r1: las historias", [(1, "R1")]),
        ("R 1 las historias", [(1, "R1")]),
        ("P1 R1: ambas", [(1, "R1")]),
        ("Ｒ１：全角", [(1, "R1")]),
        ("Answer 3: also read", [(3, "R3")]),
        ("A1: the default letter is not this chat's", []),
        ("r 10 minutos", []),
    ],
)
def test_the_chats_own_answer_letter(text: str, expected: list) -> None:
    assert read(text, letter="R") == expected


def test_question_posts_are_recognised() -> None:
    assert question_number_of_host_post("Q3: How do you reply? #SMBchat") == 3
    assert question_number_of_host_post("Ｑ３：全角の質問") == 3
    assert question_number_of_host_post("Welcome to #SMBchat") is None


@given(st.text(), st.integers(1, 20))
def test_any_text_yields_only_questions_of_the_chat(text: str, last: int) -> None:
    labels = parse_labels(text, last=last)
    numbers = [label.number for label in labels]
    assert len(numbers) == len(set(numbers))
    assert all(1 <= n <= last for n in numbers)
    for label in labels:
        assert label.text.startswith(f"A{label.number}")


@given(st.integers(1, 99), st.sampled_from(["", ":", ".", ")", " -"]), st.text(max_size=40))
def test_a_leading_label_is_always_found(number: int, sep: str, rest: str) -> None:
    assert read(f"A{number}{sep} {rest}")[0] == (number, f"A{number}")


@given(st.text())
def test_normalising_never_changes_the_question_of_a_plain_label(rest: str) -> None:
    assert read(f"A3: {rest}")[0] == (3, "A3")
    assert read(f"A3️⃣ {rest}")[0] == (3, "A3")


@given(st.from_regex(r"(Q\d{1,2} ?)?A ?\d{1,2}[a-z]?[:.)/]? ?[A-Za-z0-9 :.]{0,20}", fullmatch=True))
def test_full_width_text_reads_like_ascii(text: str) -> None:
    assert read(text.translate(FULL_WIDTH)) == read(text)
