"""Mastodon's text as the adapter reads and counts it: HTML to plain text (untrusted),
handles, and the length a status is measured by."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from chatbot.mastodon.convert import handle_of
from chatbot.mastodon.html import html_to_text
from chatbot.mastodon.textrules import countable_text, status_length


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>A1: yes</p><p>second paragraph</p>", "A1: yes\n\nsecond paragraph"),
        ("<p>line one<br />line two<br>line three</p>", "line one\nline two\nline three"),
        (
            "<p>Tom &amp; Jerry &lt;3 &quot;hi&quot; &#39;x&#39; &#x1F600;</p>",
            "Tom & Jerry <3 \"hi\" 'x' 😀",
        ),
        ("<p>&amp;lt;script&amp;gt;</p>", "&lt;script&gt;"),  # unescaped once, never twice
        ("<script>alert('x')</script><p>safe</p>", "safe"),
        ("<style>p { color: red }</style>A<template><b>B</b></template>", "A"),
        ('<p><a href="javascript:alert(1)" onclick="evil()">click</a></p>', "click"),
        ('<img src=x onerror="alert(1)">after', "after"),
        ("<p>A1\x00 \x1b[2Jclear</p>", "A1 [2Jclear"),
        ("<p>  spaced\n  source   text </p>", "spaced source text"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("", ""),
    ],
)
def test_html_becomes_the_text_as_written(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_a_link_keeps_the_address_mastodon_hides_in_spans() -> None:
    html = (
        '<p><a href="https://example.com/page/that/is/very/long" rel="nofollow noopener">'
        '<span class="invisible">https://</span><span class="ellipsis">example.com/page/that'
        '</span><span class="invisible">/is/very/long</span></a></p>'
    )
    assert html_to_text(html) == "https://example.com/page/that/is/very/long"


@given(st.text())
def test_any_html_gives_text_without_tags_or_control_characters(html: str) -> None:
    text = html_to_text(html)
    assert "\x00" not in text and not regex.search(r"[\x01-\x08\x0b-\x1f\x7f]", text)


@pytest.mark.parametrize(
    ("acct", "handle"),
    [("ana", "ana@mastodon.example"), ("ana@fosstodon.org", "ana@fosstodon.org"),
     ("@bo@mas.to", "bo@mas.to")],
)  # fmt: skip
def test_handles_carry_their_instance(acct: str, handle: str) -> None:
    assert handle_of(acct, "mastodon.example") == handle


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("hello", 5),
        ("https://example.com/" + "a" * 100, 23),  # any link counts 23
        ("see http://x.co", 4 + 23),
        ("example.com/long/path", 21),  # no scheme: no link, counted as written
        ("@ana@a-very-long-instance.example hi", 4 + 3),  # a mention counts its local part
        ("mail ana@example.com", 20),  # an address is no mention
        ("👩‍👩‍👧‍👦🇫🇷é", 3),  # a family, a flag, e + combining accent: one each
    ],
)
def test_a_status_is_counted_as_mastodon_counts_it(text: str, length: int) -> None:
    assert status_length(text) == length


def test_the_content_warning_counts_too() -> None:
    assert status_length("body", spoiler_text="CW: food") == 12


def test_a_link_is_counted_as_the_instance_says() -> None:
    assert status_length("https://example.com/x", url_length=30) == 30


@given(st.text(alphabet=st.characters(blacklist_characters="@#:/", codec="utf-8")))
def test_text_without_links_or_mentions_counts_its_graphemes(text: str) -> None:
    assert countable_text(text) == text
    assert status_length(text) == len(regex.findall(r"\X", text))
