"""Answer labels as participants write them, read from normalised text.

Shapes: ``A1``, ``a1:``, ``A1.``, ``A1)``, ``A 1``, ``A1a``, ``Q1 A1``, ``A1/A2``,
``Answer 5:``, full-width ``Ａ６：`` (Japanese and Chinese keyboards), keycaps
``A6️⃣``, and the chat's own answer letter instead of ``A`` (``R1:`` in a Spanish
chat). Text is normalised only to be read here; it is kept as written everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Keycap digits are a digit, an optional emoji variation selector and U+20E3; 🔟 is one
# character of its own. NFKC leaves all of these alone.
_KEYCAPS = str.maketrans({"\ufe0f": None, "\u20e3": None, "\U0001f51f": "10"})
_KEYCAP_MARKS = re.compile("[\ufe0f\u20e3\U0001f51f]")
_LEADING_MENTIONS = re.compile(r"^(?:\s*(?:@\w{1,15}|\.@\w{1,15}))*\s*")
_JOIN = re.compile(r"\s*(?:[:.)\-]\s*)?(?:[/,&+]|\band\b)\s*")
_SEPARATORS = ":.)-/,;&+!?、。"
_QUESTION = re.compile(r"^\s*Q\s?(\d{1,2})\s*[:.)\-]")


class Label(NamedTuple):
    """One answer label: its question number, its tidy form (``A1a``), and whether it was
    written bare (``A4 flyers…``: no separator, so it may be a word such as a paper size)."""

    number: int
    text: str
    bare: bool = False


@lru_cache(maxsize=64)  # a post is read by the spam check, the labels and the classifier
def normalise(text: str) -> str:
    """Return text as labels are read: NFKC (full-width to ASCII), keycaps as plain digits."""
    if not unicodedata.is_normalized("NFKC", text):  # most posts are: skip the copy
        text = unicodedata.normalize("NFKC", text)
    if _KEYCAP_MARKS.search(text):
        text = text.translate(_KEYCAPS)
    return text


@lru_cache(maxsize=16)
def _patterns(letter: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The label at a position, and a label with a colon anywhere, for one answer letter."""
    upper, lower = re.escape(letter.upper()), re.escape(letter.lower())
    question = r"(?P<q>[Qq]\s?\d{1,2}\s*[:.)\-]?\s*)?"
    # A space is allowed only after a capital, so "a 10% discount" is not answer 10.
    short = rf"(?:{upper}\s?|{lower})(?P<n>\d{{1,2}})(?P<sub>[a-z])?"
    spelled = r"(?:Answer|ANSWER|answer|Ans|ANS)\.?\s?#?(?P<word>\d{1,2})(?=\s*[:.)\-])"
    body = rf"{question}(?:{short}|{spelled})"
    ends = "".join(re.escape(c) for c in _SEPARATORS)
    return re.compile(body + rf"(?=$|[\s{ends}])"), re.compile(rf"(?<![\w@#]){body}\s*:")


def parse_labels(text: str, *, letter: str = "A", last: int | None = None) -> list[Label]:
    """Return the answer labels a post starts with, each question once.

    Labels count at the start of the post (after any leading @mentions), chained
    with ``/``, ``,``, ``&``, ``+`` or "and"; elsewhere only when followed by a colon.
    Numbers outside 1..``last`` (every number from 1 when ``last`` is None) are no label.
    """
    text = normalise(text)
    at, with_colon = _patterns(letter)
    found: list[Label] = []
    lead = _LEADING_MENTIONS.match(text)
    i = lead.end() if lead else 0
    in_chain = False  # labels chained together ("A1/A2") are labels, not words
    while match := at.match(text, i):
        join = _JOIN.match(text, match.end())
        chained = join is not None and at.match(text, join.end()) is not None
        after = text[match.end() :].lstrip()[:1]
        firm = in_chain or chained or not after or after in _SEPARATORS
        found.append(_label_of(match, letter, firm=firm))
        if join is None or not chained:
            break
        i, in_chain = join.end(), True
    if not found and ":" in text:  # a label elsewhere ends with a colon
        found = [_label_of(m, letter, firm=True) for m in with_colon.finditer(text)]
    unique: dict[int, Label] = {}
    for label in found:
        if label.number >= 1 and (last is None or label.number <= last):
            unique.setdefault(label.number, label)
    return list(unique.values())


def _label_of(match: re.Match[str], letter: str, *, firm: bool) -> Label:
    if match.group("word"):
        number = int(match.group("word"))
        return Label(number, f"{letter.upper()}{number}")
    number, sub = int(match.group("n")), match.group("sub") or ""
    bare = not (firm or sub or match.group("q"))
    return Label(number, f"{letter.upper()}{number}{sub}", bare)


def question_number_of_host_post(text: str) -> int | None:
    """Return n for a post that starts with "Qn:" (a question post), else None."""
    match = _QUESTION.match(normalise(text))
    return int(match.group(1)) if match else None
