"""The transcript's threads: each post before its replies, and no object made per post."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.tree import sections, walk
from tests.recap.bigchat import big_record

T0 = datetime(2026, 1, 14, 1, 0, tzinfo=UTC)


def _post(post_id: int, minute: int, *, reply_to: int | None = None, q: int = 1) -> ChatPost:
    return ChatPost(
        id=post_id,
        author_id=post_id,
        username=f"u{post_id}",
        name="",
        text="A1: x",
        created_at=T0 + timedelta(minutes=minute),
        in_reply_to_post_id=reply_to,
        questions=(q,) if q else (),
        method="label" if q else "general",
    )


def test_replies_nest_under_the_post_they_answer_each_before_its_own_replies() -> None:
    posts = [
        _post(1, 0),
        _post(2, 1),
        _post(3, 2, reply_to=1),
        _post(4, 3, reply_to=3),
        _post(5, 4, reply_to=1),
        _post(6, 5, reply_to=99),  # its parent is not in the chat: a thread of its own
        _post(7, 6, q=0),
    ]
    record = ChatRecord(
        slug="s",
        title="t",
        hashtag="#t",
        timezone="UTC",
        local_date="2026-01-13",
        questions={1: "One?"},
        question_times={},
        posts=posts,
        people={},
    )
    q1, general = sections(record)
    assert [(p.id, depth) for p, depth in walk(q1)] == [
        (1, 0),
        (3, 1),
        (4, 2),
        (5, 1),
        (2, 0),
        (6, 0),
    ]
    assert [(p.id, depth) for p, depth in walk(general)] == [(7, 0)]


def test_the_threads_of_a_big_chat_make_no_object_per_post() -> None:
    """The garbage collector walks every container: the transcript of 20,000 posts adds
    a list per replied-to post, not a node and a list per post."""
    record = big_record(posts=20_000, people=2000)
    replied_to = len({p.in_reply_to_post_id for p in record.posts} - {None})
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        parts = sections(record)
        made = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert sum(1 for part in parts for _ in walk(part)) == len(record.posts)
    assert made <= replied_to + 5 * len(parts)


def test_bluesky_replies_nest_by_time_whatever_their_stored_ids() -> None:
    """Other networks' stored ids are hashes: a reply may have a smaller id than its
    parent, and still nests under it (and a made-up cycle still cannot loop)."""
    posts = [
        _post(-9, 0),
        _post(-500, 1, reply_to=-9, q=0),  # a reply, its id below its parent's
        _post(-3, 2, reply_to=-500, q=0),
        _post(-7, 3, reply_to=-8),  # -7 and -8 reply to each other: one must be a root
        _post(-8, 4, reply_to=-7),
    ]
    record = ChatRecord(
        slug="s",
        title="",
        hashtag="#t",
        timezone="UTC",
        local_date="2026-01-13",
        questions={1: "Q?"},
        question_times={},
        posts=posts,
        people={},
    )
    [q1] = sections(record)
    assert [(p.id, depth) for p, depth in walk(q1)] == [
        (-9, 0),
        (-500, 1),
        (-3, 2),
        (-7, 0),
        (-8, 1),
    ]
