"""Thread splitting: every post fits X's weighted 280 and no word or handle is cut."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbot.domain.network import Network
from chatbot.render.graphemes import grapheme_length
from chatbot.render.length import DEFAULT_RULES, length_of, weighted_length
from chatbot.render.threads import (
    is_mention,
    join_into_posts,
    split_into_posts,
    trim_to_fit,
)

WORD_CHARS = st.characters(
    blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs", "Cf"),
)
words = st.text(WORD_CHARS, min_size=1, max_size=30)
handles = st.from_regex(r"@[A-Za-z0-9_]{1,15}", fullmatch=True)
emoji = st.sampled_from(["👍", "👩‍👩‍👧", "🇫🇷", "漢字", "日本語", "é", "🙂🙂🙂"])
tokens = st.lists(st.one_of(words, handles, emoji), min_size=0, max_size=120)
affixes = st.sampled_from(["", "Thanks ", "🎉 Welcome: ", "感谢 "])


def _bodies(posts: list[str], prefix: str, suffix: str) -> list[list[str]]:
    out = []
    for post in posts:
        assert post.startswith(prefix) and post.endswith(suffix)
        out.append(post[len(prefix) : len(post) - len(suffix)].split(" "))
    return out


@settings(max_examples=150, deadline=None)
@given(items=tokens, prefix=affixes, suffix=st.sampled_from(["", " #SMBchat"]))
def test_every_post_fits_and_no_token_is_lost_duplicated_or_moved(
    items: list[str], prefix: str, suffix: str
) -> None:
    posts = split_into_posts(items, prefix=prefix, suffix=suffix)
    assert all(weighted_length(p) <= 280 for p in posts)
    flat = [t for body in _bodies(posts, prefix, suffix) for t in body]
    assert flat == items


@settings(max_examples=100, deadline=None)
@given(items=tokens, cap=st.integers(min_value=1, max_value=10))
def test_mention_cap_per_post_and_handles_intact(items: list[str], cap: int) -> None:
    posts = split_into_posts(items, prefix="Thanks ", max_mentions=cap)
    for body in _bodies(posts, "Thanks ", ""):
        assert sum(is_mention(t) for t in body) <= cap
    flat = [t for body in _bodies(posts, "Thanks ", "") for t in body]
    assert [t for t in flat if is_mention(t)] == [t for t in items if is_mention(t)]


@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.one_of(words, handles, emoji), min_size=1, max_size=400))
def test_numbering_counts_posts_and_still_fits(items: list[str]) -> None:
    posts = split_into_posts(items, numbering=True, limit=120)
    assert all(weighted_length(p) <= 120 for p in posts)
    if len(posts) > 1:
        for i, post in enumerate(posts, start=1):
            assert re.search(rf" \({i}/{len(posts)}\)$", post)
        bodies = [re.sub(r" \(\d+/\d+\)$", "", p) for p in posts]
        assert " ".join(bodies).split(" ") == items


def test_emoji_and_cjk_count_double() -> None:
    posts = split_into_posts(["漢字"] * 100)  # 4 weighted + 1 space each
    assert len(posts) == 2
    assert [weighted_length(p) for p in posts] == [279, 219]


def test_a_plain_word_too_long_is_cut_but_a_handle_never_is() -> None:
    posts = split_into_posts(["x" * 600], limit=280)
    assert "".join(posts) == "x" * 600
    assert all(weighted_length(p) <= 280 for p in posts)
    with pytest.raises(ValueError):
        split_into_posts(["@" + "a" * 15], prefix="y" * 270)


def test_join_into_posts_merges_while_it_fits() -> None:
    posts = join_into_posts(["a " * 50, "b " * 50, "c " * 100], limit=280)
    assert len(posts) == 2
    capped = join_into_posts(["@a @b", "@c @d"], max_mentions=3)
    assert capped == ["@a @b", "@c @d"]


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=5, max_value=280))
def test_trim_to_fit_stays_within_limit(text: str, limit: int) -> None:
    trimmed = trim_to_fit(text, limit=limit)
    assert weighted_length(trimmed) <= limit
    if weighted_length(" ".join(text.split())) <= limit:
        assert trimmed == " ".join(text.split())


@settings(max_examples=100, deadline=None)
@given(
    items=st.lists(st.one_of(words, emoji, handles), max_size=150),
    limit=st.integers(min_value=5, max_value=500),
    network=st.sampled_from([Network.BLUESKY, Network.MASTODON]),
)
def test_trim_to_fit_keeps_each_networks_own_count(
    items: list[str], limit: int, network: Network
) -> None:
    """Bluesky and Mastodon count grapheme clusters (a family emoji is one, not X's 2)."""
    rule = DEFAULT_RULES[network]
    text = " ".join(items)
    trimmed = trim_to_fit(text, limit=limit, measure=lambda t: length_of(t, rule))
    assert length_of(trimmed, rule) <= limit
    if length_of(" ".join(text.split()), rule) <= limit:
        assert trimmed == " ".join(text.split())


def test_a_bluesky_post_holds_more_emoji_than_an_x_post() -> None:
    text = " ".join(["👩‍👩‍👧"] * 200)
    on_bluesky = trim_to_fit(text, limit=300, measure=grapheme_length)
    assert grapheme_length(on_bluesky) <= 300 < weighted_length(on_bluesky)
    assert len(trim_to_fit(text, limit=280)) < len(on_bluesky)
