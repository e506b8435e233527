"""How long a post is on each network, and whether it fits.

X counts weighted characters (twitter-text v3: URLs 23, CJK and emoji 2) up to 280;
Bluesky counts grapheme clusters up to 300; Mastodon counts grapheme clusters with each
link as 23 and each mention as its local part, up to the instance's own limit (500
unless the instance says otherwise, which only a connection to it can tell).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from types import MappingProxyType

from chatbot.domain.network import LengthRule, Network
from chatbot.render.graphemes import grapheme_length
from chatbot.render.mastodon_text import DEFAULT_MAX_CHARACTERS, DEFAULT_URL_LENGTH, status_length

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet

MAX_WEIGHTED_LENGTH = 280
X_RULE = LengthRule(MAX_WEIGHTED_LENGTH, "weighted", url_length=23)
BLUESKY_RULE = LengthRule(300, "graphemes")
MASTODON_RULE = LengthRule(DEFAULT_MAX_CHARACTERS, "characters", url_length=DEFAULT_URL_LENGTH)
# Each network's rule before anything more is known (a Mastodon instance may differ).
DEFAULT_RULES: Mapping[Network, LengthRule] = MappingProxyType(
    {Network.X: X_RULE, Network.BLUESKY: BLUESKY_RULE, Network.MASTODON: MASTODON_RULE}
)


def weighted_length(text: str) -> int:
    """Return the length of ``text`` as X counts it (URLs 23, CJK and emoji 2)."""
    return int(parse_tweet(text).weightedLength)


def length_of(text: str, rule: LengthRule) -> int:
    """The length of ``text`` in ``rule``'s unit, counted as its network counts."""
    if rule.unit == "weighted":
        return weighted_length(text)
    if rule.unit == "graphemes":
        return grapheme_length(text)
    if rule.unit == "characters":
        return status_length(text, url_length=rule.url_length or DEFAULT_URL_LENGTH)
    raise ValueError(f"unknown length unit {rule.unit!r}")


def fits(text: str, rule: LengthRule) -> bool:
    """True when ``text`` is within ``rule``'s limit."""
    return length_of(text, rule) <= rule.limit
