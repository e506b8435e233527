"""Which question a participant's post answers.

Participants label answers in many ways: ``A1``, ``a1:``, ``A1.``, ``A1)``,
``A 1``, ``A1a``, ``Q1 A1``, ``A1/A2``. Unlabelled posts still find their question
when they reply to a question post, or to an answer (they inherit its question).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chatbot.domain.posts import XPost

GENERAL = 0

# One label: an optional "Qn" prefix, then "A" (space allowed only after a capital,
# so "a 10% discount" is not answer 10), a number, an optional sub-letter, then a
# separator or the end.
_LABEL_BODY = r"(?:[Qq]\s?\d{1,2}\s*[:.)\-]?\s*)?(?:A\s?|a)(?P<n>\d{1,2})(?P<sub>[a-z])?"
_LABEL_AT = re.compile(_LABEL_BODY + r"(?=$|[\s:.),;/&+\-!?])")
# Away from the start, only a label followed by a colon counts ("Thanks! A2: …").
_LABEL_WITH_COLON = re.compile(r"(?<![\w@#])" + _LABEL_BODY + r"\s*:")
_LEADING_MENTIONS = re.compile(r"^(?:\s*(?:@\w{1,15}|\.@\w{1,15}))*\s*")
_JOIN = re.compile(r"\s*(?:[:.)\-]\s*)?(?:[/,&+]|\band\b)\s*")
_QUESTION = re.compile(r"^\s*Q\s?(\d{1,2})\s*[:.)\-]")


@dataclass(frozen=True, slots=True)
class Assignment:
    """One post's tie to one question (``GENERAL`` when tied to none)."""

    post_id: int
    question_number: int
    method: str  # "label", "reply_to_question", "inherited", "general"
    label: str | None = None
    parent_post_id: int | None = None


def parse_labels(text: str) -> list[tuple[int, str]]:
    """Return the answer labels a post starts with, as (question number, label as written).

    Labels count at the start of the post (after any leading @mentions), chained
    with ``/``, ``,``, ``&``, ``+`` or "and"; elsewhere only when followed by a colon.
    """
    found: list[tuple[int, str]] = []
    pos = _LEADING_MENTIONS.match(text)
    i = pos.end() if pos else 0
    while True:
        match = _LABEL_AT.match(text, i)
        if not match:
            break
        found.append(_label_of(match))
        join = _JOIN.match(text, match.end())
        if not join or not _LABEL_AT.match(text, join.end()):
            break
        i = join.end()
    if not found:
        found = [_label_of(m) for m in _LABEL_WITH_COLON.finditer(text)]
    unique: dict[int, str] = {}
    for number, label in found:
        unique.setdefault(number, label)
    return list(unique.items())


def _label_of(match: re.Match[str]) -> tuple[int, str]:
    number = int(match.group("n"))
    return number, f"A{number}{match.group('sub') or ''}"


def question_number_of_host_post(text: str) -> int | None:
    """Return n for a post that starts with "Qn:" (a question post), else None."""
    match = _QUESTION.match(text)
    return int(match.group(1)) if match else None


class AnswerAssigner:
    """Assigns posts to questions, remembering earlier answers so replies inherit them."""

    def __init__(
        self,
        *,
        question_posts: Mapping[int, int],
        host_user_id: int,
        hidden: Iterable[str] = (),
        question_count: int | None = None,
        known: Mapping[int, Sequence[int]] | None = None,
    ) -> None:
        self.question_posts = dict(question_posts)  # X post id -> question number
        self.host_user_id = host_user_id
        self.hidden = {h.lstrip("@").lower() for h in hidden}
        self.question_count = question_count
        self._questions_of: dict[int, list[int]] = {k: list(v) for k, v in (known or {}).items()}

    def add_question_post(self, post_id: int, number: int) -> None:
        """Register a question post made (or found) after the assigner was built."""
        self.question_posts[post_id] = number

    def hide(self, username: str) -> None:
        """Keep a user's posts out of every later assignment."""
        self.hidden.add(username.lstrip("@").lower())

    def assign(self, posts: Sequence[XPost]) -> list[Assignment]:
        """Assign each post (oldest first); host and hidden users' posts get none."""
        result: list[Assignment] = []
        for post in sorted(posts, key=lambda p: p.id):
            if post.author.id == self.host_user_id:
                continue
            if post.author.username.lower() in self.hidden:
                continue
            result.extend(self._assign_one(post))
        return result

    def _valid(self, number: int) -> bool:
        return number >= 1 and (self.question_count is None or number <= self.question_count)

    def _assign_one(self, post: XPost) -> list[Assignment]:
        parent = post.in_reply_to_post_id
        labels = [(n, label) for n, label in parse_labels(post.text) if self._valid(n)]
        if labels:
            out = [Assignment(post.id, n, "label", label, parent) for n, label in labels]
        elif parent is not None and parent in self.question_posts:
            out = [
                Assignment(post.id, self.question_posts[parent], "reply_to_question", None, parent)
            ]
        elif post.quoted_post_id is not None and post.quoted_post_id in self.question_posts:
            number = self.question_posts[post.quoted_post_id]
            out = [Assignment(post.id, number, "reply_to_question", None, parent)]
        elif parent is not None and self._questions_of.get(parent, [GENERAL])[0] != GENERAL:
            out = [Assignment(post.id, self._questions_of[parent][0], "inherited", None, parent)]
        else:
            out = [Assignment(post.id, GENERAL, "general", None, parent)]
        self._questions_of[post.id] = [a.question_number for a in out]
        return out
