"""Bluesky's text rules: grapheme counting, hashtag matching, record keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.bluesky import LENGTH_RULE, grapheme_length, length_problem
from chatbot.bluesky.text import carries_hashtag
from chatbot.bluesky.tid import is_tid, new_rkey, tid_at


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [
        ("hello", 5),
        ("👨‍👩‍👧‍👦", 1),  # a family: seven code points joined
        ("🇫🇷🇯🇵", 2),  # flags are pairs of regional indicators
        ("👍🏽", 1),  # a skin tone modifier
        ("e\u0301", 1),  # e + combining acute
        ("한국어", 3),
        ("Ａ１：", 3),
        ("1️⃣", 1),  # keycap
        ("\r\n", 1),
    ],
)
def test_graphemes_are_counted_as_people_see_them(text: str, graphemes: int) -> None:
    assert grapheme_length(text) == graphemes


@given(st.text())
def test_a_text_never_has_more_graphemes_than_code_points(text: str) -> None:
    assert grapheme_length(text) <= len(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_counts_one_grapheme_a_character(text: str) -> None:
    assert grapheme_length(text) == len(text)


@given(st.text(min_size=1), st.text(min_size=1))
def test_joining_two_texts_never_adds_graphemes(left: str, right: str) -> None:
    assert grapheme_length(left + right) <= grapheme_length(left) + grapheme_length(right)


def test_the_length_rule_names_graphemes_and_says_what_is_wrong() -> None:
    assert (LENGTH_RULE.limit, LENGTH_RULE.unit) == (300, "graphemes")
    assert length_problem("x" * 300) is None
    assert length_problem("x" * 301) == "301 graphemes, Bluesky allows 300"
    assert length_problem("👩🏽‍💻" * 200) is None  # 3000 bytes exactly
    assert length_problem("👩🏽‍💻" * 201) == "3015 bytes, Bluesky allows 3000"


@pytest.mark.parametrize(
    ("text", "carries"),
    [
        ("A1: yes #SMBchat", True),
        ("A1: yes #smbchat!", True),
        ("A1: full width ＃SMBchat", True),
        ("A1: #SMBchatter is another chat", False),
        ("A1: email me at x#SMBchat", False),
        ("A1: ##SMBchat", False),
        ("A1: no tag", False),
    ],
)
def test_a_hashtag_in_the_text_counts_only_as_a_whole_tag(text: str, carries: bool) -> None:
    assert carries_hashtag({"text": text}, "#SMBchat") is carries


def test_a_tag_facet_or_the_tags_field_carries_the_hashtag_without_the_text() -> None:
    facet = {"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "smbChat"}]}
    assert carries_hashtag({"text": "A1", "facets": [facet]}, "SMBchat")
    assert carries_hashtag({"text": "A1", "tags": ["SMBchat"]}, "SMBchat")


def test_record_keys_are_tids_that_sort_by_time() -> None:
    start = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    keys = [tid_at(start + timedelta(microseconds=n), 1023) for n in (0, 1, 2, 10**6)]
    assert keys == sorted(keys)
    assert all(is_tid(key) for key in keys)
    assert is_tid(new_rkey())
    assert new_rkey(start)[:10] == tid_at(start, 0)[:10]  # the time part; the clock id varies
    assert not is_tid("not-a-tid")
