"""The links X finds in a post's text, written from twitter-text's documented rules.

X turns every link it finds into a 23-character ``https://t.co/…`` link. twitter-text
(the library X's apps and API share, conformance data in ``conformance/extract.yml``)
finds two kinds; this module finds a pragmatic subset of each:

- **Scheme links**: ``http://`` or ``https://``, a host, an optional port and path. The
  host's last label (the TLD) must be letters, in any script (``foobar.پاکستان``); the
  real list of TLDs is not copied here.
- **Bare domains**: ``example.com``, ``www.example.com/path``: ASCII labels ending in
  one of the common TLDs of ``BARE_TLDS`` (``foo.jp`` and ``vine.co`` too, as the
  conformance data has them).

Both: a link does not start after a letter, digit, ``@``, ``$`` or ``#`` (so no link
inside a word, a mention or a hashtag), nor a bare domain after ``-_./:`` or before ``@``
(an e-mail address); each host label is at most 63 characters, counted after IDNA
(punycode) encoding, and neither starts nor ends with ``-`` or ``_``; the domain name
itself has no ``_``; a trailing ``.,;:!?'"`` or unbalanced ``)`` is left out of the link.

Not covered (cases of twitter-text's ``extract.yml`` this finder gets wrong): IP
addresses, symbols or non-ASCII letters in a domain (``✪df.ws``, ``ELPAÍS.com``), bare
domains under non-ASCII TLDs, invalid punycode (``xn--はじめよう.com``), and t.co's own
slug rules. ``tests/emulator/x/test_links.py`` holds the cases it gets right.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

BARE_TLDS = frozenset((
    "com", "net", "org", "edu", "gov", "int", "mil", "info", "biz", "name", "pro", "mobi",
    "asia", "jobs", "travel", "xyz", "top", "app", "dev", "ai", "io", "co", "ly", "me", "tv",
    "fm", "gg", "to", "eu", "us", "uk", "ca", "de", "fr", "jp", "au", "in", "nl", "es", "it",
    "ch", "se", "no", "fi", "be", "at", "br", "mx", "ru", "cn", "kr", "nz", "ie", "pl", "pt",
    "dk", "cz", "za", "sg", "hk", "tw", "social", "bar", "blog", "news", "shop", "store",
    "online", "site", "link", "live", "life", "club", "tech", "space", "website", "art",
    "so", "page", "cloud", "email", "world", "today", "media", "studio", "design", "agency",
    "group", "team", "games", "community", "host", "zone", "network",
))  # fmt: skip
_BEFORE = r"(?<![A-Za-z0-9@＠$#＃_\uFFFE\uFEFF\uFFFF])"
_BEFORE_BARE = r"(?<![-_./:])"  # not the rest of a refused scheme link
_LABEL = r"[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?"
_ASCII_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# Characters a path or query may hold (ASCII punctuation, Latin-1 letters, Cyrillic).
_PATH = (
    r"(?:[/?][A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF\u0400-\u04FF"
    r"\u2013!*';:=+,.$/?%#\[\]\-_~|&@()]*)?"
)
_LINK = regex.compile(
    rf"{_BEFORE}(?:(?P<scheme>https?://)(?P<host>(?:{_LABEL}\.)+{_LABEL})"
    rf"|{_BEFORE_BARE}(?P<bare>(?:{_ASCII_LABEL}\.)+{_ASCII_LABEL}))(?P<port>:[0-9]{{1,5}})?(?P<path>{_PATH})",
    regex.IGNORECASE,
)
_TRAILING = ".,;:!?'\""


@dataclass(frozen=True, slots=True)
class Link:
    """One link in a text: code-point offsets and the link as written."""

    start: int
    end: int
    url: str


def _label_ok(label: str) -> bool:
    if label[0] in "-_" or label[-1] in "-_":
        return False
    if label.isascii():
        return len(label) <= 63
    try:
        return len("xn--" + label.lower().encode("punycode").decode("ascii")) <= 63
    except UnicodeError:
        return False


def _host_ok(host: str, *, bare: bool) -> bool:
    labels = host.split(".")
    tld = labels[-1].lower()
    # Underscores may appear in subdomains, never in the domain name itself.
    if not all(_label_ok(label) for label in labels) or "_" in labels[-2]:
        return False
    if not bare:
        return tld.isalpha() and (len(tld) >= 2 or not tld.isascii())
    return tld in BARE_TLDS


def _trim(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def links_in(text: str) -> list[Link]:
    """Every link X would find in ``text``, in order."""
    found: list[Link] = []
    for match in _LINK.finditer(text):
        bare = match.group("bare") is not None
        host = match.group("bare") or match.group("host")
        url = _trim(match.group(0))
        end = match.start() + len(url)
        if bare and text[end : end + 1] in ("@", "＠"):  # an e-mail address
            continue
        if _host_ok(host, bare=bare):
            found.append(Link(match.start(), end, url))
    return found
