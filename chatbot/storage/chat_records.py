"""An occurrence read back for its recap, and every week of a chat for its series report."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.occurrence import OccurrenceState, PostState
from chatbot.domain.posts import Metrics, Network
from chatbot.recap.model import (
    INFERRED,
    NOT_ANSWERS,
    ChatPost,
    Person,
    StoredChat,
    StoredWeek,
    bluesky_post_url,
)
from chatbot.storage import tables
from chatbot.storage.base import StoreBase
from chatbot.storage.usage import usage_value

SERIES_STATES = (OccurrenceState.ENDED, OccurrenceState.IMPORTED)


class ChatRecordStore(StoreBase):
    """Reads everything a recap needs about one occurrence, or a series report about
    every week of a chat, in one session."""

    def stored_chat(self, occurrence_id: int) -> StoredChat:
        """Return an occurrence's posts, answers, people, question times and X usage.

        Read with a handful of column selects on the session's connection into plain
        values, however many posts: no ORM object per row, nor the ORM's result handling
        (they cost more time and memory than the posts themselves).
        """
        with self._session() as s:
            occ = s.get(tables.Occurrence, occurrence_id)
            if occ is None:
                raise KeyError(f"no occurrence {occurrence_id}")
            answers = _answers_by_post(s, occurrence_id)
            posts, host_posts = _chat_posts(s, occurrence_id, answers)
            hidden = s.exec(
                select(tables.HiddenUser.username).where(
                    tables.HiddenUser.chat_slug == occ.chat_slug
                )
            )
            return StoredChat(
                hashtag=occ.hashtag,
                local_date=occ.local_date,
                posts=posts,
                host_posts=host_posts,
                people=_people(s, posts, occurrence_id),
                sent_questions=_sent_questions(s, occurrence_id),
                hidden=frozenset(hidden),
                usage=usage_value(s.get(tables.XUsage, occurrence_id)),
                imported=occ.state == OccurrenceState.IMPORTED,
            )

    def series_slugs(self) -> list[str]:
        """Every chat with a finished or imported occurrence, by slug."""
        with self._session() as s:
            query = select(tables.Occurrence.chat_slug).where(
                col(tables.Occurrence.state).in_(SERIES_STATES)
            )
            return sorted(set(s.exec(query)))

    def chat_series(self, chat_slug: str) -> list[StoredWeek]:
        """Every finished or imported occurrence of a chat, oldest first: who took part,
        who answered what, the questions asked and the X usage."""
        with self._session() as s:
            hidden = set(
                s.exec(
                    select(tables.HiddenUser.username).where(
                        tables.HiddenUser.chat_slug == chat_slug
                    )
                )
            )
            query = (
                select(tables.Occurrence)
                .where(
                    tables.Occurrence.chat_slug == chat_slug,
                    col(tables.Occurrence.state).in_(SERIES_STATES),
                )
                .order_by(col(tables.Occurrence.scheduled_start))
            )
            return [_week(s, occ, hidden) for occ in s.exec(query)]


def _week(s: Session, occ: tables.Occurrence, hidden: set[str]) -> StoredWeek:
    """One occurrence for the series report, with aggregates the database computes."""
    assert occ.id is not None
    post = tables.CollectedPost
    authors = s.exec(
        select(post.author_id, func.max(post.author_username))
        .where(post.occurrence_id == occ.id, ~col(post.from_host))
        .group_by(col(post.author_id))
    )
    people = {uid: name for uid, name in authors if name.lower() not in hidden}
    answer = tables.Answer
    rows = s.exec(
        select(post.author_id, answer.post_id, answer.question_number, answer.method)
        .join(post, col(post.id) == col(answer.post_id))
        .where(
            answer.occurrence_id == occ.id,
            answer.question_number >= 1,
            col(answer.method).not_in(NOT_ANSWERS),
        )
    )
    answered: dict[int, set[int]] = defaultdict(set)
    posts, inferred = set(), set()
    per_question: Counter[int] = Counter()
    for author, post_id, number, method in rows:
        if author in people:
            answered[author].add(number)
            posts.add(post_id)
            per_question[number] += 1
            if method == INFERRED:
                inferred.add(post_id)
    asked = set(_sent_questions(s, occ.id))
    host_texts = s.exec(select(post.text).where(post.occurrence_id == occ.id, col(post.from_host)))
    asked.update(n for text in host_texts if (n := question_number_of_host_post(text)) is not None)
    return StoredWeek(
        local_date=occ.local_date,
        hashtag=occ.hashtag,
        imported=occ.state == OccurrenceState.IMPORTED,
        people=people,
        answered={uid: len(numbers) for uid, numbers in answered.items()},
        answers=len(posts),
        inferred=len(inferred),
        per_question=dict(sorted(per_question.items())),
        questions=len(asked),
        usage=usage_value(s.get(tables.XUsage, occ.id)),
    )


Numbered = tuple[tuple[int, ...], tuple[str, ...], str]
_GENERAL: Numbered = ((), (), "general")


def _answers_by_post(s: Session, occurrence_id: int) -> dict[int, Numbered]:
    """Each answering post's questions, labels and method (of its first question)."""
    a = tables.Answer
    query = (
        select(col(a.post_id), col(a.question_number), col(a.label), col(a.method))
        .where(a.occurrence_id == occurrence_id, a.question_number >= 1)
        .order_by(col(a.post_id), col(a.question_number))
    )
    found: dict[int, Numbered] = {}
    for post_id, number, label, method in s.connection().execute(query):
        questions, labels, first = found.get(post_id, _GENERAL)
        if not questions:
            first = method
        found[post_id] = ((*questions, number), (*labels, label) if label else labels, first)
    return found


_NETWORKS = {network.value: network for network in Network}


def _chat_posts(
    s: Session, occurrence_id: int, answers: dict[int, Numbered]
) -> tuple[list[ChatPost], list[ChatPost]]:
    """The participants' posts and the host's own, each oldest first."""
    c = tables.CollectedPost
    columns: tuple[Any, ...] = (
        c.id,
        c.author_id,
        c.author_username,
        c.author_name,
        c.text,
        c.created_at,
        c.in_reply_to_post_id,
        c.like_count,
        c.reply_count,
        c.retweet_count,
        c.quote_count,
        c.impression_count,
        c.from_host,
        c.network,
        c.native_id,
        c.url,
    )
    query = (
        select(*map(col, columns))
        .where(c.occurrence_id == occurrence_id)
        .order_by(col(c.created_at), col(c.id))
    )
    posts: list[ChatPost] = []
    host_posts: list[ChatPost] = []
    # One string object per distinct handle, name and label instead of one per row.
    shared: dict[str, str] = {}
    for row in s.connection().execute(query):
        post_id, author, username, name, text, created, parent, *rest = row
        *counts, from_host, network, native_id, url = rest
        questions, labels, method = _GENERAL if from_host else answers.get(post_id, _GENERAL)
        post = ChatPost(
            id=post_id,
            author_id=author,
            username=shared.setdefault(username, username),
            name=shared.setdefault(name, name),
            text=text,
            created_at=created,
            in_reply_to_post_id=parent,
            questions=questions,
            labels=labels,
            method=shared.setdefault(method, method),
            metrics=Metrics(*counts),
            network=_NETWORKS[network],
            link=url or (bluesky_post_url(native_id) if network == "bluesky" and native_id else ""),
        )
        (host_posts if from_host else posts).append(post)
    return posts, host_posts


def _people(s: Session, posts: list[ChatPost], occurrence_id: int) -> dict[int, Person]:
    """Each author as their latest post names them; new when this was their first chat."""
    p, c = tables.Participant, tables.CollectedPost
    authors = select(col(c.author_id)).where(c.occurrence_id == occurrence_id, ~col(c.from_host))
    query = select(col(p.user_id), col(p.followers_count), col(p.first_occurrence_id)).where(
        col(p.user_id).in_(authors.scalar_subquery())
    )
    found = {uid: (followers, first) for uid, followers, first in s.connection().execute(query)}
    latest = {post.author_id: post for post in posts}  # oldest first: the last one wins
    people = {}
    for uid, post in latest.items():
        followers, first = found.get(uid, (0, None))
        people[uid] = Person(
            user_id=uid,
            username=post.username,
            name=post.name,
            followers=followers,
            is_new=first == occurrence_id,
            network=post.network,
        )
    return people


def _sent_questions(s: Session, occurrence_id: int) -> dict[int, datetime]:
    query = select(tables.BotPost).where(
        tables.BotPost.occurrence_id == occurrence_id,
        tables.BotPost.state == PostState.SENT,
    )
    return {
        int(post.key[1:]): post.sent_at
        for post in s.exec(query)
        if post.sent_at and post.key[:1] == "q" and post.key[1:].isdigit()
    }
