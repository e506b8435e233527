"""X's weighted post length (twitter-text v3 rules)."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet

MAX_WEIGHTED_LENGTH = 280


def weighted_length(text: str) -> int:
    """Return the length of ``text`` as X counts it (URLs 23, CJK and emoji 2)."""
    return int(parse_tweet(text).weightedLength)
