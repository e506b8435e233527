"""The chat as a transcript: questions, each with its answers and their nested replies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.recap.model import ChatPost, ChatRecord


@dataclass(slots=True)
class Node:
    """A post with the replies made to it, oldest first."""

    post: ChatPost
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Section:
    """One question (0: general conversation) and the threads that answer it."""

    number: int
    text: str
    asked_at: datetime | None
    threads: list[Node]

    @property
    def title(self) -> str:
        """A heading such as 'Q2: …' or 'General conversation'."""
        return f"Q{self.number}: {self.text}" if self.number else "General conversation"


def sections(record: ChatRecord) -> list[Section]:
    """Group posts by question; a reply to a shown post nests under it instead."""
    nodes = {p.id: Node(p) for p in record.posts}
    roots: list[Node] = []
    for post in sorted(record.posts, key=lambda p: (p.created_at, p.id)):
        parent = post.in_reply_to_post_id
        # Ids grow with time on X: nesting only under older posts rules out cycles.
        if parent is not None and parent in nodes and parent < post.id:
            nodes[parent].children.append(nodes[post.id])
        else:
            roots.append(nodes[post.id])
    numbers = sorted(set(record.questions) | {n for p in record.posts for n in p.questions})
    out: list[Section] = []
    for number in [*numbers, 0]:
        if number == 0:
            threads = [r for r in roots if not r.post.questions]
        else:
            threads = [r for r in roots if number in r.post.questions]
        if number == 0 and not threads:
            continue
        out.append(
            Section(
                number=number,
                text=record.questions.get(number, ""),
                asked_at=record.question_times.get(number),
                threads=threads,
            )
        )
    return out


def walk(nodes: list[Node]) -> Iterator[tuple[Node, int]]:
    """Every post under ``nodes`` with its depth, each before its replies (no recursion:
    a reply chain can be thousands of posts deep)."""
    stack = [(n, 0) for n in reversed(nodes)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(node.children))
