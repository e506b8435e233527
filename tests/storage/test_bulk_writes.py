"""Storing a collection pass costs a few statements per page, however many posts it holds.

Counted on SQLite and PostgreSQL (statements the driver is handed, ORM objects built),
not timed: one ORM row and one participant UPDATE per post made collecting 50,000 posts
take about 10 s of CPU (bench/README.md, issue 15 round 2).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from chatbot.domain.answers import Assignment
from chatbot.domain.posts import XPost, XUser
from chatbot.storage import tables
from chatbot.storage.repository import Repository
from tests.storage.test_bulk_reads import BIG, HOST, MANY, T0, counted

_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|SELECT\b.*?\bFROM)\s+(\w+)", re.S | re.I)


@contextmanager
def orm_rows_made() -> Iterator[list[object]]:
    """Every ORM object of the bulky tables created (``init``) while inside."""
    made: list[object] = []

    def record(target: object, _args: object, _kwargs: object) -> None:
        made.append(target)

    bulky = (tables.CollectedPost, tables.Answer, tables.Participant)
    for table in bulky:
        event.listen(table, "init", record)
    try:
        yield made
    finally:
        for table in bulky:
            event.remove(table, "init", record)


@contextmanager
def statements_by_table(store: Repository) -> Iterator[Counter[tuple[str, str]]]:
    """(verb, table) of every statement sent while inside."""
    seen: Counter[tuple[str, str]] = Counter()

    def record(*args: object) -> None:
        statement = str(args[2])
        match = _TABLE.match(statement)
        seen[statement.split()[0].upper(), match.group(1).lower() if match else "?"] += 1

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _occurrence(store: Repository, day: str = "2026-11-24") -> int:
    occ = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date=day,
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    assert occ.id is not None
    return occ.id


def _posts(count: int, *, authors: int, first: int = 0) -> list[XPost]:
    return [
        XPost(
            id=BIG + n,
            author=XUser(id=10**12 + n % authors, username=f"fan{n % authors}", name="Fan"),
            text=f"A1: answer {n} #SMBchat",
            created_at=T0 + timedelta(seconds=n),
            in_reply_to_post_id=BIG + n - 1 if n % 3 else None,
        )
        for n in range(first, first + count)
    ]


def test_a_pass_of_many_posts_is_a_few_statements_and_no_orm_rows(store: Repository) -> None:
    occ = _occurrence(store)
    posts = _posts(MANY, authors=700)  # more than one IN (...) chunk of posts and authors
    answers = [Assignment(p.id, 1, "label", "A1", p.in_reply_to_post_id) for p in posts]

    with statements_by_table(store) as sent, counted(store) as raw, orm_rows_made() as made:
        assert store.unseen(posts) == posts
        new = store.record_collection(
            occurrence_id=occ, posts=posts, answers=answers, since_id=BIG + MANY, now=T0,
            host_user_id=HOST.id,
        )  # fmt: skip

    assert new == posts
    assert made == []
    # Per 1,200 posts: SQLAlchemy may split a multi-row INSERT in two; never one per post.
    assert sent["INSERT", "collectedpost"] <= 2
    assert sent["INSERT", "participant"] <= 2
    assert sent["INSERT", "answer"] <= 2
    assert sent["UPDATE", "occurrence"] == 1
    assert sent["SELECT", "collectedpost"] == 3  # unseen: chunks of 500 ids
    assert sent["SELECT", "answer"] == 3  # a moderator's corrections, by chunk of posts
    assert len(raw) <= 13, raw
    stored = store.collected_posts(occ)
    assert [p.id for p in stored] == [p.id for p in posts]
    assert store.count_collected(occ) == (MANY, 700)
    assert len(store.answers(occ)) == MANY
    assert store.get_occurrence(occ).since_id == BIG + MANY


def test_storing_again_keeps_what_is_stored_and_returns_only_new_posts(
    store: Repository,
) -> None:
    occ = _occurrence(store)
    first = _posts(10, authors=3)
    store.record_collection(
        occurrence_id=occ, posts=first, answers=[], since_id=BIG + 50, now=T0,
        host_user_id=HOST.id,
    )  # fmt: skip
    later = _posts(5, authors=3, first=8)  # two stored already, three new
    renamed = [
        XPost(p.id, XUser(p.author.id, f"new_{p.author.username}", "New", 9), p.text,
              p.created_at + timedelta(days=1))
        for p in later
    ]  # fmt: skip
    new = store.record_collection(
        occurrence_id=occ, posts=[*renamed, renamed[-1]], answers=[], since_id=BIG + 20,
        now=T0, host_user_id=HOST.id,
    )  # fmt: skip

    assert [p.id for p in new] == [BIG + 10, BIG + 11, BIG + 12]
    stored = {p.id: p for p in store.collected_posts(occ)}
    assert stored[BIG + 9].author_username == "fan0"  # stored once: the first copy stays
    assert stored[BIG + 12].author_username == "new_fan0"
    people = store.participants([10**12, 10**12 + 1, 10**12 + 2])
    # Participants take their names from new posts, and keep their first sighting.
    assert people[10**12].username == "new_fan0" and people[10**12].followers_count == 9
    assert people[10**12].first_seen_at == T0 + timedelta(seconds=9)  # its latest post then
    assert people[10**12].last_seen_at == T0 + timedelta(days=1, seconds=12)
    assert store.get_occurrence(occ).since_id == BIG + 50  # since_id never moves back


def test_a_moderators_correction_stands_when_the_pass_assigns_the_post_again(
    store: Repository,
) -> None:
    occ = _occurrence(store)
    posts = _posts(3, authors=3)
    store.record_collection(
        occurrence_id=occ, posts=posts, answers=[], since_id=None, now=T0,
        host_user_id=HOST.id,
    )  # fmt: skip
    store.save_answers(occ, [Assignment(BIG + 1, 4, "moderator")])
    again = [Assignment(p.id, 1, "label", "A1") for p in posts]
    store.save_answers(occ, [*again, again[0]])
    assert sorted((a.post_id - BIG, a.question_number, a.method) for a in store.answers(occ)) == [
        (0, 1, "label"),
        (1, 4, "moderator"),
        (2, 1, "label"),
    ]
