"""A big chat costs the database the same few statements as a small one, and no ORM rows.

Counted on SQLite and PostgreSQL (statements the driver is handed, ORM objects loaded),
not timed: these are what made a 50,000-post recap take seconds (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from chatbot.domain.answers import Assignment
from chatbot.domain.posts import Metrics, XPost, XUser
from chatbot.storage import tables
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
HOST = XUser(id=1_500_000_000_000_000_001, username="SMBchatHost")
BIG = 1_987_654_321_987_654_321
MANY = 1200  # more than one IN (...) chunk (500) of posts and of authors


@contextmanager
def counted(store: Repository) -> Iterator[list[tuple[str, bool]]]:
    """Every statement sent while inside, with whether it went as an executemany."""
    sent: list[tuple[str, bool]] = []

    def record(*args: Any) -> None:
        _conn, _cursor, statement, _params, _context, many = args
        sent.append((statement.split()[0].upper(), many))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


@contextmanager
def orm_rows_loaded() -> Iterator[list[object]]:
    """Every ORM object of the chat's bulky tables built while inside."""
    loaded: list[object] = []

    def record(target: object, _context: object) -> None:
        loaded.append(target)

    bulky = (tables.CollectedPost, tables.Answer, tables.Participant)
    for table in bulky:
        event.listen(table, "load", record)
    try:
        yield loaded
    finally:
        for table in bulky:
            event.remove(table, "load", record)


def chat_of(store: Repository, posts: int, day: str) -> tuple[int, list[XPost]]:
    """An occurrence with ``posts`` answers to Q1, each by its own author."""
    occ = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date=day,
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    assert occ.id is not None
    base = BIG + 10_000 * len(day) * int(day[-2:])
    made = [
        XPost(
            id=base + n,
            author=XUser(id=10**12 + int(day[-2:]) * 10_000 + n, username=f"u{day[-2:]}_{n}"),
            text=f"A1: answer {n} #SMBchat",
            created_at=T0 + timedelta(seconds=n),
        )
        for n in range(posts)
    ]
    answers = [Assignment(post_id=p.id, question_number=1, method="label") for p in made]
    store.record_collection(
        occurrence_id=occ.id,
        posts=made,
        answers=answers,
        since_id=None,
        now=T0,
        host_user_id=HOST.id,
    )
    return occ.id, made


def test_a_recap_reads_a_chat_of_any_size_in_the_same_statements_and_no_orm_rows(
    store: Repository,
) -> None:
    small, _ = chat_of(store, 3, "2026-11-23")
    big, _ = chat_of(store, MANY, "2026-11-30")
    with counted(store) as for_small:
        assert len(store.stored_chat(small).posts) == 3
    with counted(store) as for_big, orm_rows_loaded() as loaded:
        stored = store.stored_chat(big)
    assert len(stored.posts) == MANY and len(stored.people) == MANY
    assert all(p.questions == (1,) and p.method == "label" for p in stored.posts)
    assert for_big == for_small
    assert loaded == []


def test_refreshing_metrics_is_one_update_however_many_posts(store: Repository) -> None:
    occ, posts = chat_of(store, MANY, "2026-11-23")
    fresh = [
        XPost(
            id=p.id,
            author=p.author,
            text=p.text,
            created_at=p.created_at,
            metrics=Metrics(like_count=n, reply_count=1, impression_count=n * 10),
        )
        for n, p in enumerate(posts)
    ]
    never_stored = XPost(id=BIG - 1, author=HOST, text="x", created_at=T0)
    with counted(store) as sent:
        assert store.update_metrics([*fresh, never_stored]) == MANY
    assert [s for s in sent if s[0] == "UPDATE"] == [("UPDATE", True)]
    assert not [s for s in sent if s[0] == "SELECT"]
    rows = store.collected_posts(occ)
    assert [(r.like_count, r.reply_count, r.impression_count) for r in rows] == [
        (n, 1, n * 10) for n in range(MANY)
    ]
