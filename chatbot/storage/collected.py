"""Posts collected from X, the answers found in them and the people who wrote them.

A collection pass stores each page of posts as it reads it (``record_collection``
without answers), then the answers of the whole pass with its new ``since_id`` in one
transaction; posts stored above ``since_id`` (``posts_above``) are a pass that
stopped part-way, whose answers are still to be decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from chatbot.domain.answers import Assignment
from chatbot.domain.posts import Metrics, Network, XPost, XUser
from chatbot.storage.base import CHUNK, StoreBase
from chatbot.storage.tables import Answer, CollectedPost, Occurrence, Participant


class CollectedStore(StoreBase):
    """Stores collected posts once each, assigns answers, keeps participants current."""

    def store_posts(
        self, *, occurrence_id: int, posts: Sequence[XPost], now: datetime, host_user_id: int
    ) -> list[XPost]:
        """Store posts not seen before and update participants; return only the new ones."""
        with self._session() as s:
            new = self._insert_posts(s, occurrence_id, posts, now, host_user_id)
            s.commit()
        return new

    def unseen(self, posts: Sequence[XPost]) -> list[XPost]:
        """Return the posts whose ids are not stored yet."""
        known = set(self.posts_by_id(p.id for p in posts))
        return [p for p in posts if p.id not in known]

    def record_collection(
        self,
        *,
        occurrence_id: int,
        posts: Sequence[XPost],
        answers: Sequence[Assignment],
        since_id: int | None,
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        """Store in one transaction the posts not stored yet, answers not stored yet (of
        these posts or of posts stored before) and a higher since_id; return the new posts.

        Either all of it is kept or none, so a crash never loses posts that
        ``since_id`` already claims were read, and never re-reads stored ones.
        """
        with self._session() as s:
            new = self._insert_posts(s, occurrence_id, posts, now, host_user_id)
            self._insert_answers(s, occurrence_id, answers)
            if since_id is not None:
                occ = s.get(Occurrence, occurrence_id)
                if occ is not None and (occ.since_id is None or since_id > occ.since_id):
                    occ.since_id = since_id
                    s.add(occ)
            s.commit()
        return new

    def _insert_posts(
        self,
        s: Session,
        occurrence_id: int,
        posts: Sequence[XPost],
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        new: list[XPost] = []
        for start in range(0, len(posts), CHUNK):
            chunk = posts[start : start + CHUNK]
            ids = [p.id for p in chunk]
            known = set(s.exec(select(CollectedPost.id).where(col(CollectedPost.id).in_(ids))))
            for post in chunk:
                if post.id in known:
                    continue
                known.add(post.id)
                new.append(post)
                s.add(_collected_row(post, occurrence_id, now, host_user_id))
        s.flush()
        self._touch_participants(s, new, occurrence_id, host_user_id)
        return new

    def _touch_participants(
        self, s: Session, posts: Iterable[XPost], occurrence_id: int, host_user_id: int
    ) -> None:
        latest: dict[int, XPost] = {}
        for post in posts:
            if post.author.id != host_user_id:
                latest[post.author.id] = post
        ids = list(latest)
        existing: dict[int, Participant] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            query = select(Participant).where(col(Participant.user_id).in_(part))
            existing.update({p.user_id: p for p in s.exec(query)})
        for user_id, post in latest.items():
            person = existing.get(user_id)
            if person is None:
                person = Participant(
                    user_id=user_id,
                    username=post.author.username,
                    first_seen_at=post.created_at,
                    last_seen_at=post.created_at,
                    first_occurrence_id=occurrence_id,
                    network=post.network,
                )
            person.username = post.author.username
            person.name = post.author.name
            person.followers_count = post.author.followers_count
            person.last_seen_at = max(person.last_seen_at, post.created_at)
            person.last_occurrence_id = occurrence_id
            s.add(person)

    def collected_post_ids(self, occurrence_id: int) -> list[int]:
        """Return the ids of every post collected for an occurrence, oldest first."""
        with self._session() as s:
            query = select(CollectedPost.id).where(CollectedPost.occurrence_id == occurrence_id)
            return list(s.exec(query.order_by(col(CollectedPost.id))))

    def collected_posts(self, occurrence_id: int) -> list[CollectedPost]:
        """Return every post collected for an occurrence as stored, oldest first."""
        with self._session() as s:
            query = select(CollectedPost).where(CollectedPost.occurrence_id == occurrence_id)
            return list(s.exec(query.order_by(col(CollectedPost.id))))

    def posts_above(self, occurrence_id: int, since_id: int | None) -> list[XPost]:
        """Return an occurrence's posts stored above ``since_id``, oldest first.

        They are what a collection pass read before it stopped part-way: the posts
        below the oldest of them are still to be read, and their answers to be decided.
        """
        with self._session() as s:
            # X's part-way passes only: other networks' posts have no since_id.
            query = select(CollectedPost).where(
                CollectedPost.occurrence_id == occurrence_id, CollectedPost.network == "x"
            )
            if since_id is not None:
                query = query.where(col(CollectedPost.id) > since_id)
            return [stored_post(row) for row in s.exec(query.order_by(col(CollectedPost.id)))]

    def count_collected(self, occurrence_id: int) -> tuple[int, int]:
        """Return (posts, distinct authors) collected for an occurrence."""
        with self._session() as s:
            query = select(
                func.count(col(CollectedPost.id)),
                func.count(func.distinct(CollectedPost.author_id)),
            ).where(CollectedPost.occurrence_id == occurrence_id, ~col(CollectedPost.from_host))
            posts, authors = s.exec(query).one()
            return int(posts), int(authors)

    def posts_by_id(self, ids: Iterable[int]) -> dict[int, CollectedPost]:
        """Return stored posts by X id (any occurrence)."""
        wanted = list(set(ids))
        found: dict[int, CollectedPost] = {}
        with self._session() as s:
            for start in range(0, len(wanted), CHUNK):
                query = select(CollectedPost).where(
                    col(CollectedPost.id).in_(wanted[start : start + CHUNK])
                )
                found.update({p.id: p for p in s.exec(query)})
        return found

    def update_metrics(self, posts: Sequence[XPost]) -> int:
        """Refresh the public metrics of stored posts; return how many stored posts changed.

        One UPDATE sent with every post's values (executemany): no row is read back, no
        ORM object made, however many posts the chat had.
        """
        if not posts:
            return 0
        rows = [_metrics_row(p) for p in posts]
        with self._session() as s:
            updated = s.connection().execute(_UPDATE_METRICS, rows).rowcount
            s.commit()
        return updated

    def save_answers(self, occurrence_id: int, answers: Sequence[Assignment]) -> None:
        """Store answer assignments, ignoring ones already stored and posts a moderator
        has corrected."""
        with self._session() as s:
            self._insert_answers(s, occurrence_id, answers)
            s.commit()

    def _insert_answers(
        self, s: Session, occurrence_id: int, answers: Sequence[Assignment]
    ) -> None:
        post_ids = list({a.post_id for a in answers})
        known: set[tuple[int, int]] = set()
        corrected: set[int] = set()  # a moderator's assignment stands
        for start in range(0, len(post_ids), CHUNK):
            query = select(Answer.post_id, Answer.question_number, Answer.method).where(
                col(Answer.post_id).in_(post_ids[start : start + CHUNK])
            )
            for post_id, number, method in s.exec(query):
                known.add((int(post_id), int(number)))
                if method == "moderator":
                    corrected.add(int(post_id))
        for answer in answers:
            key = (answer.post_id, answer.question_number)
            if answer.post_id not in corrected and key not in known:
                known.add(key)
                s.add(_answer_row(occurrence_id, answer))

    def answers(self, occurrence_id: int) -> list[Assignment]:
        """Return the answer assignments of an occurrence, by post id."""
        with self._session() as s:
            query = select(Answer).where(Answer.occurrence_id == occurrence_id)
            return [_assignment(row) for row in s.exec(query.order_by(col(Answer.post_id)))]

    def participants(self, user_ids: Iterable[int]) -> dict[int, Participant]:
        """Return participants by user id."""
        wanted = list(set(user_ids))
        found: dict[int, Participant] = {}
        with self._session() as s:
            for start in range(0, len(wanted), CHUNK):
                query = select(Participant).where(
                    col(Participant.user_id).in_(wanted[start : start + CHUNK])
                )
                found.update({p.user_id: p for p in s.exec(query)})
        return found


def _collected_row(
    post: XPost, occurrence_id: int, now: datetime, host_user_id: int
) -> CollectedPost:
    m = post.metrics
    return CollectedPost(
        id=post.id,
        occurrence_id=occurrence_id,
        author_id=post.author.id,
        author_username=post.author.username,
        author_name=post.author.name,
        text=post.text,
        created_at=post.created_at,
        conversation_id=post.conversation_id,
        in_reply_to_post_id=post.in_reply_to_post_id,
        in_reply_to_user_id=post.in_reply_to_user_id,
        quoted_post_id=post.quoted_post_id,
        like_count=m.like_count,
        reply_count=m.reply_count,
        retweet_count=m.retweet_count,
        quote_count=m.quote_count,
        impression_count=m.impression_count,
        from_host=post.author.id == host_user_id,
        collected_at=now,
        network=post.network,
        native_id=post.native_id or None,
        url=post.url or None,
    )


_UPDATE_METRICS = (
    update(CollectedPost)
    .where(col(CollectedPost.id) == bindparam("post_id"))
    .values(
        like_count=bindparam("likes"),
        reply_count=bindparam("replies"),
        retweet_count=bindparam("reposts"),
        quote_count=bindparam("quotes"),
        impression_count=bindparam("impressions"),
    )
)


def _metrics_row(post: XPost) -> dict[str, int]:
    m = post.metrics
    return {
        "post_id": post.id,
        "likes": m.like_count,
        "replies": m.reply_count,
        "reposts": m.retweet_count,
        "quotes": m.quote_count,
        "impressions": m.impression_count,
    }


def stored_post(row: CollectedPost) -> XPost:
    """A stored post as the domain knows posts."""
    return XPost(
        id=row.id,
        author=XUser(row.author_id, row.author_username, row.author_name),
        text=row.text,
        created_at=row.created_at,
        conversation_id=row.conversation_id,
        in_reply_to_post_id=row.in_reply_to_post_id,
        in_reply_to_user_id=row.in_reply_to_user_id,
        quoted_post_id=row.quoted_post_id,
        metrics=stored_metrics(row),
        network=Network(row.network),
        native_id=row.native_id or "",
        url=row.url or "",
    )


def stored_metrics(row: CollectedPost) -> Metrics:
    """A stored post's public metrics, as last read from X."""
    return Metrics(
        like_count=row.like_count,
        reply_count=row.reply_count,
        retweet_count=row.retweet_count,
        quote_count=row.quote_count,
        impression_count=row.impression_count,
    )


def _answer_row(occurrence_id: int, answer: Assignment) -> Answer:
    return Answer(
        occurrence_id=occurrence_id,
        post_id=answer.post_id,
        question_number=answer.question_number,
        label=answer.label,
        method=answer.method,
        parent_post_id=answer.parent_post_id,
    )


def _assignment(row: Answer) -> Assignment:
    return Assignment(
        post_id=row.post_id,
        question_number=row.question_number,
        method=row.method,
        label=row.label,
        parent_post_id=row.parent_post_id,
    )
