"""Posts collected from X, the answers found in them and the people who wrote them.

A collection pass stores each page of posts as it reads it (``record_collection``
without answers), then the answers of the whole pass with its new ``since_id`` in one
transaction; posts stored above ``since_id`` (``posts_above``) are a pass that
stopped part-way, whose answers are still to be decided.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Table,
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    or_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from chatbot.domain.answers import Assignment
from chatbot.domain.posts import Metrics, Network, XPost, XUser
from chatbot.storage.base import CHUNK, StoreBase
from chatbot.storage.tables import Answer, CollectedPost, Occurrence, Participant, UTCDateTime


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
        """Return the posts whose ids are not stored yet (one id-only SELECT per chunk)."""
        with self._session() as s:
            return self._unstored(s.connection(), posts)

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
                s.connection().execute(
                    update(Occurrence)
                    .where(col(Occurrence.id) == occurrence_id)
                    .where(
                        or_(col(Occurrence.since_id).is_(None), col(Occurrence.since_id) < since_id)
                    )
                    .values(since_id=since_id)
                )
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
        """Insert the posts not stored yet, without ORM rows: one INSERT ... ON CONFLICT
        DO NOTHING (``_insert``) whose RETURNING says which were new; then their authors
        in one upsert."""
        unique: dict[int, XPost] = {}
        for post in posts:
            unique.setdefault(post.id, post)
        if not unique:
            return []
        conn = s.connection()
        rows = [_collected_row(post, occurrence_id, now, host_user_id) for post in unique.values()]
        table = _table(CollectedPost)
        insert = _insert(conn, table, rows).on_conflict_do_nothing(index_elements=["id"])
        if conn.dialect.insert_executemany_returning:
            inserted = set(_execute(conn, insert.returning(table.c.id), rows).scalars())
        else:  # no RETURNING: ask first (the store's one thread is the only writer)
            inserted = {p.id for p in self._unstored(conn, list(unique.values()))}
            _execute(conn, insert, rows)
        new = [post for post in unique.values() if post.id in inserted]
        self._touch_participants(conn, new, occurrence_id, host_user_id)
        return new

    @staticmethod
    def _unstored(conn: Connection, posts: Sequence[XPost]) -> list[XPost]:
        known: set[int] = set()
        ids = list({p.id for p in posts})
        for start in range(0, len(ids), CHUNK):
            query = select(CollectedPost.id).where(
                col(CollectedPost.id).in_(ids[start : start + CHUNK])
            )
            known.update(conn.execute(query).scalars())
        return [p for p in posts if p.id not in known]

    def _touch_participants(
        self, conn: Connection, posts: Iterable[XPost], occurrence_id: int, host_user_id: int
    ) -> None:
        """Upsert the authors of ``posts`` in one statement: a new participant is first
        seen at its latest post here; a known one takes its latest name, username and
        followers, and the later of the two last-seen times."""
        latest: dict[int, XPost] = {}
        for post in posts:
            if post.author.id != host_user_id:
                latest[post.author.id] = post
        if not latest:
            return
        rows = [
            {
                "user_id": user_id,
                "username": post.author.username,
                "name": post.author.name,
                "followers_count": post.author.followers_count,
                "first_seen_at": post.created_at,
                "last_seen_at": post.created_at,
                "first_occurrence_id": occurrence_id,
                "last_occurrence_id": occurrence_id,
                "network": post.network.value,
            }
            for user_id, post in latest.items()
        ]
        table = _table(Participant)
        insert = _insert(conn, table, rows)
        fresh = insert.excluded
        upsert = insert.on_conflict_do_update(
            index_elements=["user_id"],
            set_={
                "username": fresh.username,
                "name": fresh.name,
                "followers_count": fresh.followers_count,
                "last_seen_at": case(
                    (fresh.last_seen_at > table.c.last_seen_at, fresh.last_seen_at),
                    else_=table.c.last_seen_at,
                ),
                "last_occurrence_id": fresh.last_occurrence_id,
            },
        )
        _execute(conn, upsert, rows)

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
        """Insert the answers not stored yet in one INSERT ... ON CONFLICT DO NOTHING (on
        the post and question), except on posts a moderator corrected (asked first: one
        SELECT per chunk of posts, that returns only those)."""
        if not answers:
            return
        conn = s.connection()
        post_ids = list({a.post_id for a in answers})
        corrected: set[int] = set()  # a moderator's assignment stands
        for start in range(0, len(post_ids), CHUNK):
            query = select(Answer.post_id).where(
                col(Answer.post_id).in_(post_ids[start : start + CHUNK]),
                col(Answer.method) == "moderator",
            )
            corrected.update(int(post_id) for post_id in conn.execute(query).scalars())
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        for answer in answers:
            key = (answer.post_id, answer.question_number)
            if answer.post_id not in corrected and key not in rows:
                rows[key] = _answer_values(occurrence_id, answer)
        if rows:
            values = list(rows.values())
            insert = _insert(conn, _table(Answer), values).on_conflict_do_nothing(
                index_elements=["post_id", "question_number"]
            )
            _execute(conn, insert, values)

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


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> Any:
    """The dialect's INSERT of ``rows`` (it knows ON CONFLICT on SQLite and PostgreSQL);
    run it with ``_execute``.

    SQLite takes the rows as an executemany, which SQLAlchemy sends as multi-row VALUES
    ("insertmanyvalues"). PostgreSQL takes them as one JSON array, read back into typed
    columns by ``json_to_recordset`` in one ``INSERT ... SELECT``: the same short
    statement whatever the number of rows, where psycopg would otherwise send a statement
    per row (pipeline), parse each long VALUES anew, or quote every array element.
    """
    if conn.dialect.name == "postgresql":
        names = list(rows[0])
        record = (
            func.json_to_recordset(cast(bindparam("rows_json", type_=Text), postgresql.JSON))
            .table_valued(*(column(name, table.c[name].type) for name in names))
            .render_derived(name="row", with_types=True)
        )
        return postgresql.insert(table).from_select(names, select(*record.c))
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT insert for {conn.dialect.name}")


def _execute(conn: Connection, insert: Any, rows: list[dict[str, Any]]) -> CursorResult[Any]:
    """Run an ``_insert`` statement with its rows."""
    if conn.dialect.name == "postgresql":
        table = insert.table
        aware = [name for name in rows[0] if isinstance(table.c[name].type, UTCDateTime)]
        for row in rows:  # as UTCDateTime stores them (naive refused), in ISO 8601
            for name in aware:
                value = UTCDateTime().process_bind_param(row[name], conn.dialect)
                row[name] = value.isoformat() if value is not None else None
        return conn.execute(insert, {"rows_json": json.dumps(rows, ensure_ascii=False)})
    return conn.execute(insert, rows)


def _collected_row(
    post: XPost, occurrence_id: int, now: datetime, host_user_id: int
) -> dict[str, Any]:
    """A collected post as its ``collected_post`` row: the one place posts become rows."""
    m = post.metrics
    return {
        "id": post.id,
        "occurrence_id": occurrence_id,
        "author_id": post.author.id,
        "author_username": post.author.username,
        "author_name": post.author.name,
        "text": post.text,
        "created_at": post.created_at,
        "conversation_id": post.conversation_id,
        "in_reply_to_post_id": post.in_reply_to_post_id,
        "in_reply_to_user_id": post.in_reply_to_user_id,
        "quoted_post_id": post.quoted_post_id,
        "like_count": m.like_count,
        "reply_count": m.reply_count,
        "retweet_count": m.retweet_count,
        "quote_count": m.quote_count,
        "impression_count": m.impression_count,
        "from_host": post.author.id == host_user_id,
        "collected_at": now,
        "network": post.network.value,
        "native_id": post.native_id or None,
        "url": post.url or None,
    }


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
    return Answer(**_answer_values(occurrence_id, answer))


def _answer_values(occurrence_id: int, answer: Assignment) -> dict[str, Any]:
    return {
        "occurrence_id": occurrence_id,
        "post_id": answer.post_id,
        "question_number": answer.question_number,
        "label": answer.label,
        "method": answer.method,
        "parent_post_id": answer.parent_post_id,
    }


def _assignment(row: Answer) -> Assignment:
    return Assignment(
        post_id=row.post_id,
        question_number=row.question_number,
        method=row.method,
        label=row.label,
        parent_post_id=row.parent_post_id,
    )
