"""A transcript of any past hashtag chat, read from X once (the ``chatbot transcript`` command)."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot.domain.answers import AnswerAssigner, Assignment, question_number_of_host_post
from chatbot.domain.chat import RecapOptions
from chatbot.domain.posts import XPost
from chatbot.ports import XClient, XError
from chatbot.recap.build import Recap, write_recap
from chatbot.recap.load import question_text
from chatbot.recap.model import ChatPost, ChatRecord, Person, Usage, redact_hidden


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


@dataclass(frozen=True, slots=True)
class ChatOnX:
    """A chat found in posts read from X: its host, questions and answer assignments."""

    posts: list[XPost]  # oldest first
    host_id: int | None
    questions: dict[int, str]
    times: dict[int, datetime]
    assignments: list[Assignment]


def find_chat(
    posts: Sequence[XPost], *, host_username: str | None = None, hidden: Iterable[str] = ()
) -> ChatOnX:
    """Find the host and its "Qn:" questions, and assign every other post to them."""
    ordered = sorted(posts, key=lambda p: p.id)
    host_id = find_host(ordered, host_username)
    question_posts: dict[int, int] = {}
    questions: dict[int, str] = {}
    times: dict[int, datetime] = {}
    for post in ordered:
        number = question_number_of_host_post(post.text) if post.author.id == host_id else None
        if number is not None:
            question_posts[post.id] = number
            questions.setdefault(number, question_text(post.text))
            times.setdefault(number, post.created_at)
    assigner = AnswerAssigner(
        question_posts=question_posts,
        host_user_id=host_id if host_id is not None else -1,
        hidden=hidden,
        question_count=max(questions, default=None),
    )
    return ChatOnX(
        ordered, host_id, dict(sorted(questions.items())), times, assigner.assign(ordered)
    )


def record_from_posts(
    posts: Sequence[XPost],
    *,
    hashtag: str,
    start: datetime,
    timezone: str = "UTC",
    host_username: str | None = None,
    hidden: Iterable[str] = (),
    requests: int = 0,
    title: str = "",
) -> ChatRecord:
    """Turn posts read from X into a ``ChatRecord``: questions found, answers assigned."""
    hidden_set = frozenset(h.lstrip("@").lower() for h in hidden)
    found = find_chat(posts, host_username=host_username, hidden=hidden_set)
    by_post: dict[int, list[Assignment]] = defaultdict(list)
    for a in found.assignments:
        if a.question_number >= 1:
            by_post[a.post_id].append(a)
    kept = [
        p
        for p in found.posts
        if p.author.id != found.host_id and p.author.username.lower() not in hidden_set
    ]
    chat_posts = []
    for p in kept:
        assigned = sorted(by_post.get(p.id, []), key=lambda a: a.question_number)
        chat_posts.append(
            ChatPost(
                id=p.id,
                author_id=p.author.id,
                username=p.author.username,
                name=p.author.name,
                text=redact_hidden(p.text, hidden_set),
                created_at=p.created_at,
                in_reply_to_post_id=p.in_reply_to_post_id,
                questions=tuple(a.question_number for a in assigned),
                labels=tuple(a.label for a in assigned if a.label),
                metrics=p.metrics,
                method=assigned[0].method if assigned else "general",
            )
        )
    chat_posts.sort(key=lambda c: (c.created_at, c.id))
    people = {
        p.author.id: Person(p.author.id, p.author.username, p.author.name, p.author.followers_count)
        for p in kept
    }
    return ChatRecord(
        slug=hashtag.lstrip("#").lower(),
        title=title,
        hashtag=hashtag,
        timezone=timezone,
        local_date=start.astimezone(ZoneInfo(timezone)).date().isoformat(),
        questions=found.questions,
        question_times=found.times,
        posts=chat_posts,
        people=people,
        usage=Usage(requests=requests, posts_read=len(posts)),
        knows_history=False,
        hidden=hidden_set,
    )


async def search_chat(
    x: XClient, hashtag: str, start: datetime, end: datetime
) -> tuple[list[XPost], int]:
    """Read a chat's posts once from X's recent search: the posts, oldest first, and the
    requests it took."""
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
    return sorted(posts, key=lambda p: p.id), requests


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
    posts, requests = await search_chat(x, hashtag, start, end)
    record = record_from_posts(
        posts,
        hashtag=hashtag,
        start=start,
        timezone=timezone,
        host_username=host_username,
        hidden=hidden,
        requests=requests,
    )
    # Drawing and writing files is blocking work: keep it off the event loop.
    return await asyncio.to_thread(write_recap, record, out_dir=out_dir, options=RecapOptions())
