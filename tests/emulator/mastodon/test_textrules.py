"""The emulator's own reading of a status's text, from Mastodon's sources."""

from __future__ import annotations

import pytest

from chatbot.emulator.mastodon.textrules import hashtags_in, html_to_text, status_length


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("A1: yes #SMBchat", ("SMBchat",)),
        ("#2026 is no hashtag, #a_b and ＃full are", ("a_b", "full")),
        ("only after a space: (#paren) x#word <b>#bold</b>", ()),
        ("#SMBchat·tag #smbchat", ("SMBchat·tag", "smbchat")),
        ("https://example.com/#frag #tag", ("tag",)),
    ],
)
def test_hashtags_are_found_as_tag_hashtag_re_finds_them(text: str, tags: tuple[str, ...]) -> None:
    assert hashtags_in(text) == tags


def test_length_counts_links_as_23_and_mentions_as_their_local_part() -> None:
    assert status_length("https://example.com/" + "x" * 80) == 23
    assert status_length("@ana@mastodon.social hi") == len("@ana hi")
    assert status_length("example.com") == len("example.com")  # no scheme: no link
    assert status_length("👨‍👩‍👧‍👦🇨🇦", spoiler_text="CW") == 4


def test_html_becomes_its_plain_text() -> None:
    html = '<p>A1 &amp; <a href="x">#<span>SMBchat</span></a><br />two</p><p>three</p>'
    assert html_to_text(html) == "A1 & #SMBchat\ntwo\n\nthree"
