"""Moderators' corrections on a real database (SQLite and PostgreSQL): stored for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from chatbot.domain.answers import GENERAL, AnswerAssigner, Assignment
from chatbot.domain.posts import XPost, XUser
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
BIG = 1_987_654_321_987_654_321  # real-sized X ids: 64-bit columns on PostgreSQL
HOST = XUser(BIG, "SMBchatHost")
ANN, BOB = XUser(BIG + 1, "ann", "Ann"), XUser(BIG + 2, "bob", "Bob")
Q1, Q2 = BIG + 10, BIG + 20  # the host's question posts
ANSWER, REPLY, REPLY_TO_REPLY, LABELLED, ELSEWHERE = (BIG + n for n in (11, 12, 13, 14, 15))


def _post(post_id: int, user: XUser, text: str, reply_to: XPost | None = None) -> XPost:
    return XPost(
        id=post_id,
        author=user,
        text=text,
        created_at=T0 + timedelta(seconds=post_id - BIG),
        in_reply_to_post_id=reply_to.id if reply_to else None,
        in_reply_to_user_id=reply_to.author.id if reply_to else None,
    )


def _collect(store: Repository) -> int:
    """A chat whose posts were collected and assigned as the collector does it."""
    occ = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    question = _post(Q1, HOST, "Q1: How do you find customers? #SMBchat")
    answer = _post(ANSWER, ANN, "A1/A2: word of mouth and reviews #SMBchat")
    reply = _post(REPLY, BOB, "Same for us", answer)
    posts = [
        question,
        _post(Q2, HOST, "Q2: Which tool? #SMBchat"),
        answer,
        reply,
        _post(REPLY_TO_REPLY, ANN, "Glad to hear it", reply),
        _post(LABELLED, BOB, "A2: spreadsheets", answer),
        _post(ELSEWHERE, BOB, "Agreed", _post(BIG + 9, ANN, "A1: ads")),
    ]
    store.store_posts(occurrence_id=occ.id, posts=posts, now=T0, host_user_id=HOST.id)
    assigner = AnswerAssigner(
        question_posts={Q1: 1, Q2: 2},
        host_user_id=HOST.id,
        known=[Assignment(BIG + 9, 1, "label", "A1")],
    )
    store.save_answers(occ.id, assigner.assign(posts))
    return occ.id


def _answers(store: Repository, occurrence_id: int) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    for a in store.answers(occurrence_id):
        found.setdefault(a.post_id - BIG, []).append((a.question_number, a.method))
    return {post: sorted(rows) for post, rows in found.items()}


def test_a_collected_post_is_found_with_its_chat(store: Repository) -> None:
    occurrence_id = _collect(store)
    found = store.find_collected(ANSWER)
    assert found is not None
    assert (found.occurrence_id, found.from_host) == (occurrence_id, False)
    assert (found.post.author.username, found.post.author.name) == ("ann", "Ann")
    assert found.post.text == "A1/A2: word of mouth and reviews #SMBchat"
    host_post = store.find_collected(Q1)
    assert host_post is not None and host_post.from_host
    assert store.find_collected(BIG + 99) is None


def test_a_correction_moves_the_post_and_the_replies_that_took_its_question(
    store: Repository,
) -> None:
    occurrence_id = _collect(store)
    assert _answers(store, occurrence_id)[11] == [(1, "label"), (2, "label")]
    assert _answers(store, occurrence_id)[13] == [(1, "inherited")]

    done = store.correct_answer(occurrence_id, Assignment(ANSWER, 2, "moderator"))

    assert done.was == (1, 2) and done.followers == 2
    answers = _answers(store, occurrence_id)
    assert answers[11] == [(2, "moderator")]
    assert answers[12] == answers[13] == [(2, "inherited")]
    assert answers[14] == [(2, "label")]  # its own label
    assert answers[15] == [(1, "inherited")]  # a reply to another answer


def test_not_an_answer_takes_the_post_and_its_inherited_replies_out_of_the_recap(
    store: Repository,
) -> None:
    occurrence_id = _collect(store)
    store.correct_answer(occurrence_id, Assignment(ANSWER, GENERAL, "moderator"))
    answers = _answers(store, occurrence_id)
    assert answers[11] == [(GENERAL, "moderator")]
    assert answers[12] == answers[13] == [(GENERAL, "inherited")]
    by_id = {p.id: p for p in store.stored_chat(occurrence_id).posts}
    assert by_id[ANSWER].questions == () and by_id[REPLY].questions == ()
    assert by_id[LABELLED].questions == (2,)


def test_a_correction_is_kept_by_a_new_process_and_by_later_writes(engine: Engine) -> None:
    first = Repository(engine)
    occurrence_id = _collect(first)
    first.correct_answer(occurrence_id, Assignment(ANSWER, 2, "moderator"))

    again = Repository(engine)  # another process on the same database
    label = [Assignment(ANSWER, 1, "label", "A1"), Assignment(ANSWER, 3, "label", "A3")]
    again.save_answers(occurrence_id, label)
    assert _answers(again, occurrence_id)[11] == [(2, "moderator")]
    stored = again.answers(occurrence_id)
    assert AnswerAssigner(question_posts={}, host_user_id=HOST.id, known=stored).assign(
        [_post(ANSWER, ANN, "A1: word of mouth")]
    ) == [Assignment(ANSWER, 2, "moderator")]
