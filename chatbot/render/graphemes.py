"""Counting user-perceived characters (grapheme clusters), as Bluesky and Mastodon do.

Both count a post's length in Unicode extended grapheme clusters (UAX #29): Bluesky's
PDS with ``Intl.Segmenter``, Mastodon with Ruby's ``each_grapheme_cluster``. The
``regex`` module's ``\\X`` matches the same clusters, so a family emoji, a flag or a
letter with its combining accent counts one on both.
"""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")


def grapheme_length(text: str) -> int:
    """The number of extended grapheme clusters in ``text``."""
    return len(_GRAPHEME.findall(text))
