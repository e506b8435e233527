"""An occurrence read back for its recap, and every week of a chat for its series report."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.occurrence import OccurrenceState, PostState
from chatbot.recap.model import INFERRED, NOT_ANSWERS, ChatPost, Person, StoredChat, StoredWeek
from chatbot.storage import tables
from chatbot.storage.base import CHUNK, StoreBase
from chatbot.storage.collected import stored_metrics
from chatbot.storage.usage import usage_value

SERIES_STATES = (OccurrenceState.ENDED, OccurrenceState.IMPORTED)


class ChatRecordStore(StoreBase):
    """Reads everything a recap needs about one occurrence, or a series report about
    every week of a chat, in one session."""

    def stored_chat(self, occurrence_id: int) -> StoredChat:
        """Return an occurrence's posts, answers, people, question times and X usage."""
        with self._session() as s:
            occ = s.get(tables.Occurrence, occurrence_id)
            if occ is None:
                raise KeyError(f"no occurrence {occurrence_id}")
            answers: dict[int, list[tables.Answer]] = defaultdict(list)
            query = select(tables.Answer).where(tables.Answer.occurrence_id == occurrence_id)
            for answer in s.exec(query):
                answers[answer.post_id].append(answer)
            query_posts = select(tables.CollectedPost).where(
                tables.CollectedPost.occurrence_id == occurrence_id
            )
            rows = sorted(s.exec(query_posts), key=lambda r: (r.created_at, r.id))
            posts = [_chat_post(r, answers.get(r.id, [])) for r in rows if not r.from_host]
            hidden = s.exec(
                select(tables.HiddenUser.username).where(
                    tables.HiddenUser.chat_slug == occ.chat_slug
                )
            )
            return StoredChat(
                hashtag=occ.hashtag,
                local_date=occ.local_date,
                posts=posts,
                host_posts=[_chat_post(r, []) for r in rows if r.from_host],
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


def _chat_post(row: tables.CollectedPost, answers: list[tables.Answer]) -> ChatPost:
    numbered = sorted(
        (a for a in answers if a.question_number >= 1), key=lambda a: a.question_number
    )
    return ChatPost(
        id=row.id,
        author_id=row.author_id,
        username=row.author_username,
        name=row.author_name,
        text=row.text,
        created_at=row.created_at,
        in_reply_to_post_id=row.in_reply_to_post_id,
        questions=tuple(a.question_number for a in numbered),
        labels=tuple(a.label for a in numbered if a.label),
        method=numbered[0].method if numbered else "general",
        metrics=stored_metrics(row),
    )


def _people(s: Session, posts: list[ChatPost], occurrence_id: int) -> dict[int, Person]:
    """Each author as their latest post names them; new when this was their first chat."""
    ids = list({p.author_id for p in posts})
    found: dict[int, tables.Participant] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(tables.Participant).where(
            col(tables.Participant.user_id).in_(ids[start : start + CHUNK])
        )
        found.update({p.user_id: p for p in s.exec(query)})
    people = {}
    for post in posts:
        person = found.get(post.author_id)
        people[post.author_id] = Person(
            user_id=post.author_id,
            username=post.username,
            name=post.name,
            followers=person.followers_count if person else 0,
            is_new=bool(person and person.first_occurrence_id == occurrence_id),
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
