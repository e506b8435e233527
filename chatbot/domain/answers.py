"""Which question a participant's post answers, and by which method it was found.

Methods, strongest first (``METHODS``):

- ``moderator``: a moderator put the post on a question, or out of every question
  (``GENERAL``), by hand; nothing found later changes it (``apply_correction``);
- ``label``: the post is labelled (``A1:``, ``Ａ６：``, ``Answer 5:``; see ``labels.py``);
- ``reply_to_question``: it replies to or quotes a question post;
- ``inherited``: it replies to a post that answers a question, and takes its question
  (none, under a post a moderator marked as no answer: it comes back with that post);
- ``window``: no label and no reply, but it reads as an answer (``chatter.py``) and was
  made while a question was live (``windows.py``): an inferred answer;
- ``general``: none of these (greetings, thanks, spam…).

Spam is never an answer, labelled or not. A post assigned again takes the new
assignment, except that a window guess (or nothing) never overrides a label, a
reply or an inheritance found before, and nothing overrides a moderator's
correction (``settle``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chatbot.domain.chatter import is_spam, reads_as_answer
from chatbot.domain.labels import Label, parse_labels, question_number_of_host_post
from chatbot.domain.posts import Network, XPost
from chatbot.domain.windows import QuestionWindows

__all__ = [
    "GENERAL",
    "METHODS",
    "AnswerAssigner",
    "Assignment",
    "Correction",
    "FoundPost",
    "Label",
    "apply_correction",
    "parse_labels",
    "question_number_of_host_post",
    "settle",
]

GENERAL = 0
METHODS = ("moderator", "label", "reply_to_question", "inherited", "window", "general")
_RANK = {method: rank for rank, method in enumerate(METHODS)}


@dataclass(frozen=True, slots=True)
class Assignment:
    """One post's tie to one question (``GENERAL`` when tied to none)."""

    post_id: int
    question_number: int
    method: str  # one of METHODS
    label: str | None = None
    parent_post_id: int | None = None


def settle(earlier: Sequence[Assignment], later: Sequence[Assignment]) -> Sequence[Assignment]:
    """What a post assigned twice keeps: the later assignment (made knowing more), unless
    the earlier one was firm (a moderator's, a label, a reply, an inheritance) and the
    later is weaker. Only a newer correction replaces a moderator's."""
    if earlier and _RANK[earlier[0].method] < min(_RANK["window"], _RANK[later[0].method]):
        return earlier
    return later


@dataclass(frozen=True, slots=True)
class Correction:
    """A moderator's correction as applied: the corrected post and the replies that took
    its question, as they were (``before``) and as they are now (``after``, the
    correction first)."""

    before: tuple[Assignment, ...]
    after: tuple[Assignment, ...]

    @property
    def was(self) -> tuple[int, ...]:
        """The questions the corrected post answered before (empty: none)."""
        post_id = self.after[0].post_id
        return tuple(
            a.question_number for a in self.before if a.post_id == post_id and a.question_number
        )

    @property
    def followers(self) -> int:
        """How many replies moved with the corrected post."""
        return len(self.after) - 1


@dataclass(frozen=True, slots=True)
class FoundPost:
    """A collected post as a correction finds it: its occurrence, and whether the host
    wrote it."""

    occurrence_id: int
    post: XPost
    from_host: bool


def apply_correction(stored: Iterable[Assignment], correction: Assignment) -> Correction:
    """Apply a moderator's ``correction`` to a chat's ``stored`` assignments.

    Replies that inherited the corrected post's question follow it, and replies to
    those in turn: to the new question, or to none with the post (still ``inherited``,
    so they come back with it). A reply with a question of its own (a label, a
    moderator's) stays.
    """
    by_post = _by_post(stored)
    children: dict[int, list[int]] = {}
    for post_id, (first, *_) in by_post.items():
        if first.method == "inherited" and first.parent_post_id is not None:
            children.setdefault(first.parent_post_id, []).append(post_id)
    number = correction.question_number
    before = list(by_post.get(correction.post_id, ()))
    after = [correction]
    todo = list(children.get(correction.post_id, ()))
    seen = {correction.post_id}
    while todo:
        post_id = todo.pop()
        if post_id in seen:
            continue
        seen.add(post_id)
        rows = by_post[post_id]
        before.extend(rows)
        after.append(Assignment(post_id, number, "inherited", None, rows[0].parent_post_id))
        todo.extend(children.get(post_id, ()))
    return Correction(before=tuple(before), after=tuple(after))


class AnswerAssigner:
    """Assigns posts to questions, remembering earlier answers so replies inherit them.

    ``question_count`` is the chat's number of questions: labels beyond it (or beyond
    the last question posted, when larger) are no label. ``answer_letter`` is the
    question set's letter (``R`` for ``R1:``). ``window_ends`` are ids of host posts that
    ended the last window (the last call, the closing), for an assigner built after
    them; later host posts are noticed as they are assigned. ``known`` are assignments
    stored before (by an earlier process): replies inherit them, and assigning those
    posts again settles with them (a moderator's correction stays).
    """

    def __init__(
        self,
        *,
        question_posts: Mapping[int, int],
        host_user_id: int,
        hidden: Iterable[str] = (),
        question_count: int | None = None,
        known: Iterable[Assignment] = (),
        answer_letter: str = "A",
        window_ends: Iterable[int] = (),
    ) -> None:
        self.question_posts = dict(question_posts)  # X post id -> question number
        self.windows = QuestionWindows(self.question_posts, ends=window_ends)
        self.host_user_id = host_user_id
        self.hidden = {h.lstrip("@").lower() for h in hidden}
        self.question_count = question_count
        self.answer_letter = answer_letter
        self._assigned: dict[int, Sequence[Assignment]] = _by_post(known)

    def add_question_post(self, post_id: int, number: int) -> None:
        """Register a question post made (or found) after the assigner was built."""
        self.question_posts[post_id] = number
        self.windows.open(post_id, number)

    def hide(self, username: str) -> None:
        """Keep a user's posts out of every later assignment."""
        self.hidden.add(username.lstrip("@").lower())

    def correct(self, correction: Assignment) -> Correction:
        """Take a moderator's correction: the post and the replies that took its question
        move, and replies read from now on inherit the new question."""
        stored = [a for assigned in self._assigned.values() for a in assigned]
        done = apply_correction(stored, correction)
        self._assigned.update(_by_post(done.after))
        return done

    def assign(self, posts: Sequence[XPost]) -> list[Assignment]:
        """Assign each post (oldest first); host and hidden users' posts get none."""
        result: list[Assignment] = []
        for post in sorted(posts, key=_made_order(posts)):
            if post.author.id == self.host_user_id:
                self._note_host_post(post)
                continue
            if post.author.username.lower() in self.hidden:
                continue
            chosen = settle(self._assigned.get(post.id, ()), self._assign_one(post))
            self._assigned[post.id] = chosen
            result.extend(chosen)
        return result

    def _note_host_post(self, post: XPost) -> None:
        """A post of the host's own thread that is not a question closes the live window."""
        if post.id in self.question_posts or question_number_of_host_post(post.text) is not None:
            return
        to_someone_else = post.in_reply_to_user_id not in (None, self.host_user_id)
        if not to_someone_else and post.quoted_post_id is None:
            self.windows.close(post.id)

    def _assign_one(self, post: XPost) -> list[Assignment]:
        parent = post.in_reply_to_post_id
        if is_spam(post.text):
            return [Assignment(post.id, GENERAL, "general", None, parent)]
        last = max(self.question_count or 0, self.windows.last_asked) or None
        labels = parse_labels(post.text, letter=self.answer_letter, last=last)
        labels = [label for label in labels if self._counts(label, post.id)]
        if labels:
            return [Assignment(post.id, lb.number, "label", lb.text, parent) for lb in labels]
        asked = self.question_posts.get(parent) if parent is not None else None
        if asked is None and post.quoted_post_id is not None:
            asked = self.question_posts.get(post.quoted_post_id)
        if asked is not None:
            return [Assignment(post.id, asked, "reply_to_question", None, parent)]
        if (inherited := self._passed_on(parent)) is not None:
            return [Assignment(post.id, inherited, "inherited", None, parent)]
        live = self.windows.live(post.id)
        to_the_chat = parent is None or post.in_reply_to_user_id == self.host_user_id
        if live and to_the_chat and reads_as_answer(post.text):
            return [Assignment(post.id, live, "window", None, parent)]
        return [Assignment(post.id, GENERAL, "general", None, parent)]

    def _counts(self, label: Label, post_id: int) -> bool:
        """A bare label ("A4 flyers…") counts only for a question already asked: before
        it is asked, "A4" is more likely a paper size than an answer."""
        if not label.bare or not self.windows.any_asked:
            return True
        return self.windows.asked_before(label.number, post_id)

    def _passed_on(self, post_id: int | None) -> int | None:
        """The question a reply to a known post takes: the post's first question, or none
        under a post a moderator took out; None when the post passes nothing on."""
        assigned = self._assigned.get(post_id) if post_id is not None else None
        if not assigned:
            return None
        first = assigned[0]
        if first.question_number or first.method in ("moderator", "inherited"):
            return first.question_number
        return None


def _made_order(posts: Sequence[XPost]) -> Callable[[XPost], Any]:
    """The sort key putting posts in the order they were made, parents before replies.

    X's ids are snowflakes that grow with time, so X's posts sort by id. Other networks'
    stored ids are hashes: their posts sort by when they were made, then by id.
    """
    if all(post.network is Network.X for post in posts):
        return lambda post: post.id
    return lambda post: (post.created_at, post.id)


def _by_post(assignments: Iterable[Assignment]) -> dict[int, Sequence[Assignment]]:
    grouped: dict[int, list[Assignment]] = {}
    for a in assignments:
        grouped.setdefault(a.post_id, []).append(a)
    return dict(grouped)
