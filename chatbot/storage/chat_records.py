"""An occurrence read back for its recap: posts with their answers, people, times, usage."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from chatbot.domain.occurrence import PostState
from chatbot.domain.posts import Metrics
from chatbot.recap.model import ChatPost, Person, StoredChat
from chatbot.storage import tables
from chatbot.storage.base import CHUNK, StoreBase
from chatbot.storage.usage import usage_value


class ChatRecordStore(StoreBase):
    """Reads everything a recap needs about one occurrence, in one session."""

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
        metrics=Metrics(
            like_count=row.like_count,
            reply_count=row.reply_count,
            retweet_count=row.retweet_count,
            quote_count=row.quote_count,
            impression_count=row.impression_count,
        ),
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
