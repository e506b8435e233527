"""The emulator's own TIDs and text rules, from the AT Protocol specs and lexicons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.emulator.bluesky.text import grapheme_length, tags_of, utf8_length
from chatbot.emulator.bluesky.tid import is_tid, tid_at


def test_a_tid_is_53_bits_of_microseconds_and_10_of_clock_in_base32_sortable() -> None:
    assert tid_at(datetime(1970, 1, 1, tzinfo=UTC), 0) == "2222222222222"
    assert tid_at(datetime(1970, 1, 1, tzinfo=UTC), 1023) == "22222222222zz"
    moment = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    earlier, later = tid_at(moment, 5), tid_at(moment + timedelta(microseconds=1), 0)
    assert len(earlier) == 13 and earlier < later and is_tid(earlier)
    assert not is_tid("k222222222222")  # the top bit is always 0
    assert not is_tid("3jzfcijpj2z2")  # 12 characters


def test_graphemes_and_bytes_count_as_the_lexicon_does() -> None:
    family, flag = "👨‍👩‍👧‍👦", "🇨🇦"
    assert grapheme_length(family + flag + "e\u0301") == 3
    assert utf8_length(family) == 25


def test_hashtags_come_from_tag_facets_and_tags_never_the_text() -> None:
    facet = {
        "index": {"byteStart": 4, "byteEnd": 12},
        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "SMBchat"}],
    }
    record = {"text": "A1: #SMBchat #other", "facets": [facet], "tags": ["smbchat", "extra"]}
    assert tags_of(record) == ("SMBchat", "extra")
    assert tags_of({"text": "#SMBchat"}) == ()
