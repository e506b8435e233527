"""The chat as a transcript: questions, each with its answers and their nested replies.

No node is made per post: a section lists the posts its threads start with, and one map
of each post's replies, shared by every section, gives the rest. A 50,000-post chat
keeps a list per replied-to post instead of two objects per post for the garbage
collector to walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from chatbot.recap.model import ChatPost, ChatRecord


@dataclass(frozen=True, slots=True)
class Section:
    """One question (0: general conversation) and the threads that answer it."""

    number: int
    text: str
    asked_at: datetime | None
    threads: list[ChatPost]  # the posts the threads start with, oldest first
    replies: dict[int, list[ChatPost]]  # post id -> its replies, oldest first (all sections)

    @property
    def title(self) -> str:
        """A heading such as 'Q2: …' or 'General conversation'."""
        return f"Q{self.number}: {self.text}" if self.number else "General conversation"


def sections(record: ChatRecord) -> list[Section]:
    """Group posts by question; a reply to a shown post nests under it instead."""
    shown = {p.id for p in record.posts}
    replies: dict[int, list[ChatPost]] = {}
    roots: list[ChatPost] = []
    before: set[int] = set()  # posts met so far, oldest first
    for post in sorted(record.posts, key=lambda p: (p.created_at, p.id)):
        parent = post.in_reply_to_post_id
        # Nesting only under older posts rules out cycles. Ids grow with time on X; other
        # networks' stored ids are hashes (negative), whose order says nothing of time.
        older = parent in before if post.id < 0 else parent is not None and parent < post.id
        if parent is not None and parent in shown and older:
            replies.setdefault(parent, []).append(post)
        else:
            roots.append(post)
        if post.id < 0:
            before.add(post.id)
    numbers = sorted(set(record.questions) | {n for p in record.posts for n in p.questions})
    out: list[Section] = []
    for number in [*numbers, 0]:
        if number == 0:
            threads = [r for r in roots if not r.questions]
        else:
            threads = [r for r in roots if number in r.questions]
        if number == 0 and not threads:
            continue
        out.append(
            Section(
                number=number,
                text=record.questions.get(number, ""),
                asked_at=record.question_times.get(number),
                threads=threads,
                replies=replies,
            )
        )
    return out


def walk(section: Section) -> Iterator[tuple[ChatPost, int]]:
    """Every post of a section with its depth, each before its replies (no recursion:
    a reply chain can be thousands of posts deep)."""
    replies = section.replies
    stack = [(p, 0) for p in reversed(section.threads)]
    while stack:
        post, depth = stack.pop()
        yield post, depth
        stack.extend((reply, depth + 1) for reply in reversed(replies.get(post.id, ())))
