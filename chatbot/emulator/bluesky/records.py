"""Checks a PDS makes on a post before it accepts it (the lexicon of app.bsky.feed.post).

The PDS validates records of known lexicons: a TID record key, a ``text`` of at most 300
graphemes and 3000 bytes, a ``createdAt`` datetime, reply and embed strong refs, at most
3 languages and 8 tags. Its messages are @atproto/lex-schema's ("grapheme too big
(maximum 300, got 301) at $.record.text").

One check is the emulator's own: a facet whose byte range falls outside the text, or
cuts a UTF-8 character, is refused with 400. The real PDS stores such a facet (its lexicon
only asks byteStart >= 0) and the app silently drops it, so the link or mention is lost
without any error; here a wrong offset fails the test that made it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chatbot.emulator.bluesky.errors import XrpcError, invalid
from chatbot.emulator.bluesky.text import MAX_BYTES, MAX_GRAPHEMES, grapheme_length, utf8_length
from chatbot.emulator.bluesky.tid import is_tid

POST = "app.bsky.feed.post"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_AT_URI = re.compile(r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/([a-zA-Z0-9.-]+)/([A-Za-z0-9._~:-]+)$")
_RKEY = re.compile(r"^[A-Za-z0-9._~:-]{1,512}$")


def _fail(message: str, path: str) -> XrpcError:
    return invalid(f"Invalid {POST} record: {message} at $.record{path}")


def check_rkey(rkey: str, collection: str) -> None:
    """The record key's syntax, and for a post, a TID."""
    if not _RKEY.match(rkey) or rkey in (".", ".."):
        raise invalid(f"Invalid record key: {rkey}")
    if collection == POST and not is_tid(rkey):
        raise invalid(f'Invalid record key for {POST}: Invalid TID string (got "{rkey}")')


def parse_at_uri(uri: str) -> tuple[str, str, str] | None:
    """(did, collection, rkey) of an ``at://`` URI, or None."""
    match = _AT_URI.match(uri)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def check_post(record: dict[str, Any]) -> datetime:
    """Raise a 400 XrpcError for a post the PDS would refuse; return its createdAt."""
    text = record.get("text")
    if not isinstance(text, str):
        raise _fail('Expected string value type (got "undefined")', ".text")
    graphemes, size = grapheme_length(text), utf8_length(text)
    if size > MAX_BYTES:
        raise _fail(f"string too big (maximum {MAX_BYTES}, got {size})", ".text")
    if graphemes > MAX_GRAPHEMES:
        raise _fail(f"grapheme too big (maximum {MAX_GRAPHEMES}, got {graphemes})", ".text")
    created = record.get("createdAt")
    if not isinstance(created, str) or not _DATETIME.match(created):
        raise _fail("Invalid datetime format", ".createdAt")
    _check_facets(record.get("facets"), text.encode("utf-8"))
    reply = record.get("reply")
    if reply is not None:
        if not isinstance(reply, dict):
            raise _fail("Expected object value type", ".reply")
        for part in ("root", "parent"):
            _check_strong_ref(reply.get(part), f".reply.{part}")
    langs = record.get("langs")
    if langs is not None and (not isinstance(langs, list) or len(langs) > 3):
        raise _fail("array too big (maximum 3)", ".langs")
    tags = record.get("tags")
    if tags is not None and (not isinstance(tags, list) or len(tags) > 8):
        raise _fail("array too big (maximum 8)", ".tags")
    return datetime.fromisoformat(created.replace("Z", "+00:00"))


def _check_strong_ref(ref: Any, path: str) -> None:
    if not isinstance(ref, dict):
        raise _fail("Expected object value type", path)
    if not isinstance(ref.get("uri"), str) or parse_at_uri(ref["uri"]) is None:
        raise _fail("Invalid AT-URI format", f"{path}.uri")
    if not isinstance(ref.get("cid"), str) or not ref["cid"].startswith("b"):
        raise _fail("Invalid CID format", f"{path}.cid")


def _check_facets(facets: Any, text: bytes) -> None:
    if facets is None:
        return
    if not isinstance(facets, list):
        raise _fail("Expected array value type", ".facets")
    for number, facet in enumerate(facets):
        path = f".facets[{number}]"
        index = facet.get("index") if isinstance(facet, dict) else None
        if not isinstance(index, dict):
            raise _fail("Expected object value type", f"{path}.index")
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end < 0:
            raise _fail("Expected integer value type (minimum 0)", f"{path}.index")
        if not start < end <= len(text) or not _boundary(text, start) or not _boundary(text, end):
            raise _fail(
                f"byte range {start}..{end} is not inside the text ({len(text)} bytes) "
                "on character boundaries (emulator check)",
                f"{path}.index",
            )
        if not isinstance(facet.get("features"), list) or not facet["features"]:
            raise _fail("Expected array value type", f"{path}.features")


def _boundary(text: bytes, offset: int) -> bool:
    """True when ``offset`` does not fall inside a UTF-8 sequence."""
    return offset == len(text) or (text[offset] & 0xC0) != 0x80
