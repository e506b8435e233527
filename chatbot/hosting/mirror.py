"""Collected answers as Discord mirrors them, whatever network they were posted on."""

from __future__ import annotations

from chatbot.domain.answers import Assignment
from chatbot.domain.posts import XPost
from chatbot.domain.views import MirroredAnswer


def mirrored(posts: list[XPost], assignments: list[Assignment]) -> list[MirroredAnswer]:
    """Answers as Discord mirrors them, each linking to its post on its own network."""
    by_id: dict[int, XPost] = {p.id: p for p in posts}
    found = []
    for a in assignments:
        post = by_id.get(a.post_id)
        if post is None:
            continue
        found.append(
            MirroredAnswer(
                post_id=post.id,
                question_number=a.question_number or None,
                author_username=post.author.username,
                author_name=post.author.name,
                text=post.text,
                url=post.url or f"https://x.com/{post.author.username}/status/{post.id}",
                parent_post_id=a.parent_post_id,
                network=post.network,
            )
        )
    return found
