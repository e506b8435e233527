"""Text from outside, made safe for a database, a post on X and a terminal."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chatbot.render.safe_text import printable, storable


@given(st.text())
def test_printable_text_has_no_control_character_but_newline_and_tab(text: str) -> None:
    shown = printable(text)
    assert all(unicodedata.category(c) != "Cc" or c in "\n\t" for c in shown)
    assert printable(shown) == shown


def test_printable_drops_whole_escape_sequences_and_keeps_the_words() -> None:
    assert printable("\x1b[1;31mred\x1b[0m \x1b]0;title\x07ok\x1b[2J") == "red ok"
    assert printable("one\r\ntwo\rthree") == "one\ntwo\nthree"
    assert printable("safe\u202eevil") == "safeevil"  # right-to-left override
    assert printable("👩‍👩‍👧 ok") == "👩‍👩‍👧 ok"  # the joiner in an emoji stays


@given(st.text())
def test_storable_text_encodes_as_utf8_without_nul(text: str) -> None:
    stored = storable(text)
    assert "\x00" not in stored
    stored.encode("utf-8")  # a lone surrogate would raise here


def test_storable_keeps_everything_else_as_written() -> None:
    assert storable("A1\x00 \x1b[31mhi\ud800") == "A1 \x1b[31mhi\ufffd"
