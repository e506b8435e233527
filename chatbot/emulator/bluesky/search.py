"""searchPosts as the AppView's search answers it: terms, tags, a time range and pages.

The query is a list of terms, all of which must match: ``#tag`` a hashtag, ``from:handle``
an author, any other word a word of the text (case-folded, so the word ``SMBchat`` also
matches a text that writes ``#SMBchat``). Hashtags, from ``#tag`` terms or the ``tag``
parameter, are the ones the AppView indexes: the record's tag facets and ``tags``
(the lexicon's "based on rich-text facet or tag field"), never '#tag' read from the text:
a post whose client sent no tag facet is not found by its hashtag.
``since`` is inclusive and ``until`` exclusive, on the post's sortAt (the earlier of
createdAt and indexedAt), as the lexicon says. ``latest`` sorts newest first.

The cursor is opaque (base64 JSON, as the AppView's) but counts an offset into the
results: a post made between two pages pushes the older ones down, so the next page
starts with one already seen. A reader must tolerate the repeat, as on the real service.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import regex

from chatbot.emulator.bluesky.errors import invalid
from chatbot.emulator.bluesky.store import Store, StoredPost

_WORD = regex.compile(r"[\p{L}\p{N}_]+")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed searchPosts request."""

    words: tuple[str, ...]
    hashtags: tuple[str, ...]  # '#tag' terms of q
    tags: tuple[str, ...]  # the ``tag`` parameter
    authors: tuple[str, ...]
    since: datetime | None
    until: datetime | None
    sort: str


def parse_time(raw: str | None) -> datetime | None:
    """A datetime or an ISO date; the AppView ignores what it cannot parse."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_query(
    q: str, *, tags: list[str], since: str | None, until: str | None, sort: str | None
) -> SearchQuery:
    """Split ``q`` into words, #tags and from: authors; add the ``tag`` parameters."""
    words: list[str] = []
    hashtags: list[str] = []
    authors: list[str] = []
    for term in q.split():
        if term.startswith(("#", "＃")) and len(term) > 1:
            hashtags.append(term[1:].casefold())
        elif term.startswith("from:"):
            authors.append(term[5:].lstrip("@").lower())
        else:
            words += [word.casefold() for word in _WORD.findall(term)]
    if not words and not hashtags and not authors:
        raise invalid("Search query is empty", "BadQueryString")
    return SearchQuery(
        tuple(words),
        tuple(hashtags),
        tuple(tag.lstrip("#").casefold() for tag in tags),
        tuple(authors),
        parse_time(since),
        parse_time(until),
        sort or "latest",
    )


def _matches(post: StoredPost, query: SearchQuery, store: Store) -> bool:
    tags = {tag.lstrip("#").casefold() for tag in post.tags}
    if not all(tag in tags for tag in (*query.tags, *query.hashtags)):
        return False
    words = {word.casefold() for word in _WORD.findall(post.text)}
    if not all(word in words for word in query.words):
        return False
    handle = store.accounts[post.did].handle
    if query.authors and not any(a in (handle, post.did) for a in query.authors):
        return False
    moment = post.sort_at
    if query.since and moment < query.since:
        return False
    return not (query.until and moment >= query.until)


def run(store: Store, query: SearchQuery, *, visible_by: datetime) -> list[StoredPost]:
    """Every matching post search already shows, in the requested order."""
    found = [
        post
        for post in store.posts.values()
        if post.visible_at <= visible_by and _matches(post, query, store)
    ]
    if query.sort == "top":
        found.sort(key=lambda post: sum(post.counts.values()), reverse=True)
    else:
        found.sort(key=lambda post: (post.sort_at, post.uri), reverse=True)
    return found


def encode_cursor(offset: int) -> str:
    """An opaque cursor for the page starting at ``offset``."""
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset of a cursor; 400 'Invalid cursor format' for anything else."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
        offset = data["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise invalid("Invalid cursor format") from None
    if not isinstance(offset, int) or offset < 0:
        raise invalid("Invalid cursor format")
    return offset
