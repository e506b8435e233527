"""A transcript of any past hashtag chat, read from X once (the ``chatbot transcript`` command)."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot.domain.answers import AnswerAssigner, question_number_of_host_post
from chatbot.domain.chat import RecapOptions
from chatbot.domain.posts import XPost
from chatbot.ports import XClient, XError
from chatbot.recap.build import Recap, write_recap
from chatbot.recap.model import ChatPost, ChatRecord, Person, Usage, redact_hidden

_QUESTION_PREFIX = re.compile(r"^\s*Q\s?\d{1,2}\s*[:.)\-]\s*")


def find_host(posts: Sequence[XPost], host_username: str | None) -> int | None:
    """The host's user id: by handle when known, else whoever posted the most "Qn:" posts."""
    if host_username:
        wanted = host_username.lstrip("@").lower()
        return next((p.author.id for p in posts if p.author.username.lower() == wanted), None)
    askers = Counter(p.author.id for p in posts if question_number_of_host_post(p.text))
    if not askers:
        return None
    first_seen = {p.author.id: i for i, p in reversed(list(enumerate(posts)))}
    return min(askers, key=lambda a: (-askers[a], first_seen[a]))


def record_from_posts(
    posts: Sequence[XPost],
    *,
    hashtag: str,
    start: datetime,
    timezone: str = "UTC",
    host_username: str | None = None,
    hidden: Iterable[str] = (),
    requests: int = 0,
    title: str | None = None,
) -> ChatRecord:
    """Turn posts read from X into a ``ChatRecord``: questions found, answers assigned."""
    hidden_set = frozenset(h.lstrip("@").lower() for h in hidden)
    ordered = sorted(posts, key=lambda p: p.id)
    host_id = find_host(ordered, host_username)
    question_posts: dict[int, int] = {}
    questions: dict[int, str] = {}
    times: dict[int, datetime] = {}
    for post in ordered:
        number = question_number_of_host_post(post.text) if post.author.id == host_id else None
        if number is not None:
            question_posts[post.id] = number
            questions.setdefault(number, _QUESTION_PREFIX.sub("", post.text, count=1))
            times.setdefault(number, post.created_at)
    assigner = AnswerAssigner(
        question_posts=question_posts,
        host_user_id=host_id if host_id is not None else -1,
        hidden=hidden_set,
        question_count=max(questions, default=None),
    )
    by_post: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
    for a in assigner.assign(ordered):
        if a.question_number >= 1:
            by_post[a.post_id].append((a.question_number, a.label))
    kept = [
        p for p in ordered if p.author.id != host_id and p.author.username.lower() not in hidden_set
    ]
    chat_posts = []
    for p in kept:
        assigned = sorted(by_post.get(p.id, []), key=lambda qa: qa[0])
        chat_posts.append(
            ChatPost(
                id=p.id,
                author_id=p.author.id,
                username=p.author.username,
                name=p.author.name,
                text=redact_hidden(p.text, hidden_set),
                created_at=p.created_at,
                in_reply_to_post_id=p.in_reply_to_post_id,
                questions=tuple(n for n, _ in assigned),
                labels=tuple(label for _, label in assigned if label),
                metrics=p.metrics,
            )
        )
    chat_posts.sort(key=lambda c: (c.created_at, c.id))
    people = {
        p.author.id: Person(p.author.id, p.author.username, p.author.name, p.author.followers_count)
        for p in kept
    }
    return ChatRecord(
        slug=hashtag.lstrip("#").lower(),
        title=title or f"{hashtag} transcript",
        hashtag=hashtag,
        timezone=timezone,
        local_date=start.astimezone(ZoneInfo(timezone)).date().isoformat(),
        questions=dict(sorted(questions.items())),
        question_times=times,
        posts=chat_posts,
        people=people,
        usage=Usage(requests=requests, posts_read=len(posts)),
        knows_history=False,
        hidden=hidden_set,
    )


async def build_transcript_from_x(
    x: XClient,
    hashtag: str,
    start: datetime,
    end: datetime,
    out_dir: Path,
    *,
    timezone: str = "UTC",
    host_username: str | None = None,
    hidden: Iterable[str] = (),
) -> Recap:
    """Read a chat's posts once from X's recent search and write the recap files for it."""
    posts: list[XPost] = []
    requests, until_id = 0, None
    while True:
        batch = await x.search_recent(
            f"{hashtag} -is:retweet",
            since_id=None,
            start_time=start,
            end_time=end,
            until_id=until_id,
        )
        posts.extend(batch.posts)  # id ranges: pages and passes never overlap
        requests += batch.requests
        if batch.error:
            raise XError(f"X failed after {len(posts)} posts of {hashtag}: {batch.error}")
        if batch.resume_below is None:
            break
        until_id = batch.resume_below  # a long chat: read on below the oldest post so far
    record = record_from_posts(
        sorted(posts, key=lambda p: p.id),
        hashtag=hashtag,
        start=start,
        timezone=timezone,
        host_username=host_username,
        hidden=hidden,
        requests=requests,
    )
    # Drawing and writing files is blocking work: keep it off the event loop.
    return await asyncio.to_thread(write_recap, record, out_dir=out_dir, options=RecapOptions())
