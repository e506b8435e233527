"""Each network counts a post its own way: one function, one rule per network."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.network import LengthRule, Network
from chatbot.render.graphemes import grapheme_length
from chatbot.render.length import DEFAULT_RULES, fits, length_of

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme
LINK = "https://example.com/a/very/long/path/indeed"  # 43 characters


@pytest.mark.parametrize(
    ("text", "x", "bluesky", "mastodon"),
    [
        # CJK weighs 2 on X; a family emoji weighs 2 on X and is one grapheme elsewhere.
        (f"日本 {FAMILY}", 7, 4, 4),
        # A link is 23 on X and Mastodon; Bluesky counts what is written.
        (f"see {LINK}", 27, 47, 27),
        # A Mastodon mention counts its local part only.
        ("@ana@mastodon.social hi", 23, 23, 7),
        ("e\u0301", 1, 1, 1),  # e and a combining accent: one grapheme (X makes it é)
    ],
)
def test_the_same_text_counts_as_each_network_counts_it(
    text: str, x: int, bluesky: int, mastodon: int
) -> None:
    counted = {network: length_of(text, rule) for network, rule in DEFAULT_RULES.items()}
    assert counted == {Network.X: x, Network.BLUESKY: bluesky, Network.MASTODON: mastodon}


@pytest.mark.parametrize(("network", "limit"), [("x", 280), ("bluesky", 300), ("mastodon", 500)])
def test_each_network_takes_its_limit_and_not_one_more(network: str, limit: int) -> None:
    rule = DEFAULT_RULES[Network(network)]
    assert fits("a" * limit, rule)
    assert not fits("a" * (limit + 1), rule)


def test_a_mastodon_instance_may_count_links_otherwise() -> None:
    instance = LengthRule(limit=40, unit="characters", url_length=30)
    assert length_of(LINK, instance) == 30
    assert fits(f"{LINK} 123456789", instance)
    assert not fits(f"{LINK} 1234567890", instance)


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown length unit 'bytes'"):
        length_of("hi", LengthRule(10, "bytes"))


@given(st.lists(st.sampled_from(["a", "é", "e\u0301", FAMILY, "🇫🇷", "日"]), max_size=50))
def test_each_user_perceived_character_is_one_grapheme(characters: list[str]) -> None:
    assert grapheme_length("".join(characters)) == len(characters)
