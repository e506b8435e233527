"""Links in post text as X finds them (twitter-text): bare domains like ``example.com`` too.

X turns every such link into a 23-character ``https://t.co/…`` link, and bills a post
that contains one at the "with URL" price.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore")
    from twitter_text import extract_urls_with_indices


@dataclass(frozen=True, slots=True)
class Link:
    """One link in a text: code-point offsets and the link as written."""

    start: int
    end: int
    url: str


def links_in(text: str) -> list[Link]:
    """Return every link twitter-text recognises in ``text``, in order."""
    found = extract_urls_with_indices(text)
    return [Link(item["indices"][0], item["indices"][1], item["url"]) for item in found]


def has_link(text: str) -> bool:
    """True when X would see a link in ``text`` (and bill the post as one with a URL)."""
    return bool(links_in(text))


def mask_links(text: str, mask: str = "<url>") -> str:
    """Return ``text`` with every link replaced by ``mask`` (X rewrites them to t.co)."""
    pieces: list[str] = []
    last = 0
    for link in links_in(text):
        pieces.append(text[last : link.start])
        pieces.append(mask)
        last = link.end
    pieces.append(text[last:])
    return "".join(pieces)
