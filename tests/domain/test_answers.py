"""Assigning posts to questions: labels, replies, inheritance, and the live question's window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.answers import (
    GENERAL,
    METHODS,
    AnswerAssigner,
    Assignment,
    apply_correction,
    settle,
)
from chatbot.domain.posts import XPost, XUser

T0 = datetime(2026, 11, 24, 1, tzinfo=UTC)
HOST = XUser(id=1, username="Host")
ANN = XUser(id=2, username="ann")
BOB = XUser(id=3, username="bob")
SPAM = XUser(id=4, username="SpamBot")
# Post ids grow with time, as X's snowflakes do: the welcome, then Q1, Q2, later the last call.
WELCOME, Q1_POST, Q2_POST, Q3_POST, LAST_CALL = 900, 1000, 2000, 3000, 9000


def _post(
    pid: int,
    user: XUser,
    text: str,
    *,
    reply_to: int | None = None,
    reply_to_user: XUser | None = None,
    quote: int | None = None,
) -> XPost:
    return XPost(
        id=pid,
        author=user,
        text=text,
        created_at=T0,
        in_reply_to_post_id=reply_to,
        in_reply_to_user_id=reply_to_user.id if reply_to_user else None,
        quoted_post_id=quote,
    )


def _assigner(**kw) -> AnswerAssigner:
    kw.setdefault("question_count", 5)
    return AnswerAssigner(question_posts={Q1_POST: 1, Q2_POST: 2}, host_user_id=HOST.id, **kw)


def _by_post(assignments) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = {}
    for a in assignments:
        out.setdefault(a.post_id, []).append((a.question_number, a.method))
    return out


def _one(assigner: AnswerAssigner, post: XPost) -> tuple[int, str]:
    (found,) = _by_post(assigner.assign([post])).values()
    return found[0]


def test_replies_to_questions_and_answers_find_their_question() -> None:
    posts = [
        _post(2001, ANN, "A1: labelled"),
        _post(2002, BOB, "unlabelled reply to Q2", reply_to=Q2_POST, reply_to_user=HOST),
        _post(2003, BOB, "agree with you!", reply_to=2001, reply_to_user=ANN),
        _post(2004, ANN, "thanks!", reply_to=2003, reply_to_user=BOB),
        _post(2005, ANN, "just saying hi #SMBchat"),
        _post(2006, BOB, "quoting Q1 here", quote=Q1_POST),
        _post(2007, ANN, "A2: labelled reply to Q1 keeps its label", reply_to=Q1_POST),
    ]
    result = _by_post(_assigner().assign(posts))
    assert result == {
        2001: [(1, "label")],
        2002: [(2, "reply_to_question")],
        2003: [(1, "inherited")],
        2004: [(1, "inherited")],
        2005: [(GENERAL, "general")],
        2006: [(1, "reply_to_question")],
        2007: [(2, "label")],
    }


def test_parent_links_are_kept() -> None:
    result = _assigner().assign([_post(2001, ANN, "A1: x"), _post(2002, BOB, "y", reply_to=2001)])
    assert [a.parent_post_id for a in result] == [None, 2001]


def test_host_and_hidden_users_are_not_answers() -> None:
    assigner = _assigner(hidden={"@spambot"})
    posts = [
        _post(2001, HOST, "A1: host example"),
        _post(2002, SPAM, "A1: buy followers"),
        _post(2003, SPAM, "Our reels do great, honestly"),  # hidden: not even inferred
    ]
    assert assigner.assign(posts) == []
    assigner.hide("ann")
    assert assigner.assign([_post(2004, ANN, "A1: x"), _post(2005, ANN, "Reels work")]) == []


def test_inheritance_survives_a_restart_through_known_answers() -> None:
    assigner = _assigner(known=[Assignment(2001, 2, "label", "A2")])
    assert _one(assigner, _post(2002, BOB, "yes!", reply_to=2001)) == (2, "inherited")


# -- the live question's window ------------------------------------------------------


def test_an_unlabelled_answer_goes_to_the_question_that_was_live() -> None:
    posts = [
        _post(950, ANN, "Honestly, reels work best for us #SMBchat"),  # before Q1: intros
        _post(1500, ANN, "Honestly, reels work best for us #SMBchat"),
        _post(2500, BOB, "We reply to every DM within the hour"),
    ]
    assert _by_post(_assigner().assign(posts)) == {
        950: [(GENERAL, "general")],
        1500: [(1, "window")],
        2500: [(2, "window")],
    }


@pytest.mark.parametrize(
    "text",
    [
        "Hi everyone! 👋 Excited to be here",
        "Thanks for sharing!",
        "Ooh, how did you start with that?",
        "Yes!!",
        "👏👏👏",
        "🔥 Buy 10k followers cheap!! #SMBchat",
        "#SMBchat https://t.co/abc123xyz",
    ],
)
def test_small_talk_and_spam_in_a_window_are_not_answers(text: str) -> None:
    assert _one(_assigner(), _post(1500, ANN, text)) == (GENERAL, "general")


def test_the_last_call_closes_the_last_window() -> None:
    """After the last call people catch up on any question: only labels and replies count."""
    assigner = _assigner()
    posts = [
        _post(2500, ANN, "We reply within the hour"),
        _post(LAST_CALL, HOST, "⏰ Last call! #SMBchat", reply_to=Q2_POST, reply_to_user=HOST),
        _post(9500, BOB, "We reply within the hour"),
        _post(9600, BOB, "A1: late, but word of mouth"),
        _post(9700, ANN, "Same for us, within a day", reply_to=2500, reply_to_user=ANN),
    ]
    assert _by_post(assigner.assign(posts)) == {
        2500: [(2, "window")],
        9500: [(GENERAL, "general")],
        9600: [(1, "label")],
        9700: [(2, "inherited")],
    }


def test_an_assigner_built_after_the_last_call_is_told_where_windows_ended() -> None:
    assigner = _assigner(window_ends=[LAST_CALL])
    assert _one(assigner, _post(9500, BOB, "We reply within the hour")) == (GENERAL, "general")


def test_the_host_talking_to_someone_does_not_close_the_window() -> None:
    assigner = _assigner()
    posts = [
        _post(2100, ANN, "Reels, always"),
        _post(2200, HOST, "@ann love it!", reply_to=2100, reply_to_user=ANN),
        _post(2300, HOST, "Look at this answer 👀", quote=2100),
        _post(2400, HOST, "Q2: the question again, reposted"),
        _post(2500, BOB, "Stories with polls"),
    ]
    assert _by_post(assigner.assign(posts))[2500] == [(2, "window")]


def test_a_question_posted_later_opens_its_own_window() -> None:
    assigner = _assigner()
    assigner.add_question_post(Q3_POST, 3)
    assert _one(assigner, _post(3500, ANN, "Polls get people talking")) == (3, "window")


def test_replies_are_conversation_unless_they_reply_to_the_host() -> None:
    posts = [
        _post(1100, ANN, "Hi all!"),
        _post(1200, BOB, "Welcome! We post reels daily", reply_to=1100, reply_to_user=ANN),
        _post(1300, BOB, "We post reels daily", reply_to=555, reply_to_user=ANN),  # unseen
        _post(1400, ANN, "Reels every day", reply_to=WELCOME, reply_to_user=HOST),
    ]
    assert _by_post(_assigner().assign(posts)) == {
        1100: [(GENERAL, "general")],
        1200: [(GENERAL, "general")],
        1300: [(GENERAL, "general")],
        1400: [(1, "window")],
    }


def test_a_reply_to_an_inferred_answer_inherits_its_question() -> None:
    posts = [
        _post(1500, ANN, "Honestly, reels work best"),
        _post(1600, BOB, "So true! 👏", reply_to=1500, reply_to_user=ANN),
    ]
    assert _by_post(_assigner().assign(posts))[1600] == [(1, "inherited")]


def test_labels_replies_and_inheritance_beat_the_window() -> None:
    """In Q2's window, a post that says which question it answers keeps that question."""
    posts = [
        _post(1500, ANN, "A1: word of mouth"),
        _post(2100, BOB, "A1: late, but referrals"),
        _post(2200, BOB, "Referrals, mostly", reply_to=Q1_POST, reply_to_user=HOST),
        _post(2300, ANN, "Referrals, mostly", quote=Q1_POST),
        _post(2400, BOB, "Same, word of mouth rules", reply_to=1500, reply_to_user=ANN),
    ]
    assert _by_post(_assigner().assign(posts)) == {
        1500: [(1, "label")],
        2100: [(1, "label")],
        2200: [(1, "reply_to_question")],
        2300: [(1, "reply_to_question")],
        2400: [(1, "inherited")],
    }


def test_spam_is_never_an_answer_even_labelled_or_replying() -> None:
    posts = [
        _post(2100, SPAM, "A2: BUY FOLLOWERS NOW, real accounts"),
        _post(2200, SPAM, "Buy 10k followers cheap!!", reply_to=Q2_POST, reply_to_user=HOST),
        _post(2300, ANN, "lol no", reply_to=2100, reply_to_user=SPAM),
    ]
    assert {a.question_number for a in _assigner().assign(posts)} == {GENERAL}


# -- labels the chat does not have -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A9: a question the chat does not have",
        "our A4 flyers still bring in the most walk-ins",
        "A 10% discount for a review works wonders",
        "I gave them an A1 reply within minutes",
    ],
)
def test_look_alike_labels_in_a_window_are_inferred_answers(text: str) -> None:
    assert _one(_assigner(), _post(2500, ANN, text)) == (2, "window")


def test_a_bare_label_counts_only_for_a_question_already_asked() -> None:
    """Before Q4 is asked, "A4 flyers" is a paper size; after, it answers Q4."""
    assigner = _assigner()
    assert _one(assigner, _post(2500, ANN, "A4 flyers sell best")) == (2, "window")
    assert _one(assigner, _post(2600, ANN, "A4: we'd print flyers")) == (4, "label")
    assigner.add_question_post(4000, 4)
    assert _one(assigner, _post(4500, ANN, "A4 flyers sell best")) == (4, "label")


def test_without_a_question_count_labels_stop_at_the_last_question_asked() -> None:
    assigner = _assigner(question_count=None)
    assert _one(assigner, _post(2500, ANN, "A5: too early")) == (2, "window")
    assigner.add_question_post(5000, 5)  # an extra question asked on the night
    assert _one(assigner, _post(5500, ANN, "A5: now it exists")) == (5, "label")


def test_the_chats_answer_letter() -> None:
    assigner = _assigner(answer_letter="R")
    assert _one(assigner, _post(2100, ANN, "R2: historias de Instagram")) == (2, "label")
    assert _one(assigner, _post(2200, BOB, "Ｒ１：全角で")) == (1, "label")
    assert _one(assigner, _post(2300, ANN, "A1: not this chat's letter")) == (2, "window")


# -- assigning again -------------------------------------------------------------------


def test_assigning_again_upgrades_a_guess_once_more_is_known() -> None:
    """A reply to Q2's post read before Q2 was registered is first guessed, then exact."""
    assigner = AnswerAssigner(question_posts={Q1_POST: 1}, host_user_id=HOST.id)
    reply = _post(2100, ANN, "Stories with polls", reply_to=Q2_POST, reply_to_user=HOST)
    assert _one(assigner, reply) == (1, "window")
    assigner.add_question_post(Q2_POST, 2)
    assert _one(assigner, reply) == (2, "reply_to_question")


def test_assigning_again_never_lets_a_window_guess_override_a_stronger_method() -> None:
    assigner = _assigner(answer_letter="A")
    answer = _post(1500, ANN, "A1: word of mouth")
    reply = _post(2100, BOB, "Agreed, referrals are everything", reply_to=1500, reply_to_user=ANN)
    first = assigner.assign([answer, reply])
    # The same chat assigned again with the letter changed: "A1:" is no label any more,
    # and each post alone would be a window guess; what was found first stands.
    assigner.answer_letter = "R"
    assert assigner.assign([answer, reply]) == first
    stored = [Assignment(2100, 1, "inherited", None, 1500)]
    assert settle(stored, [Assignment(2100, 2, "window")]) == stored
    assert settle(stored, [Assignment(2100, GENERAL, "general")]) == stored


def test_assigning_again_lets_newer_knowledge_revise_a_guess() -> None:
    """A window guess made before the last call was read is withdrawn once it is."""
    assigner = _assigner()
    late = _post(9500, BOB, "We reply within the hour")
    assert _one(assigner, late) == (2, "window")
    assigner.assign([_post(LAST_CALL, HOST, "⏰ Last call! #SMBchat")])
    assert _one(assigner, late) == (GENERAL, "general")
    label = [Assignment(9500, 1, "label", "A1")]
    assert settle([Assignment(9500, 1, "reply_to_question")], label) == label


def test_methods_are_ordered_strongest_first() -> None:
    assert METHODS == (
        "moderator",
        "label",
        "reply_to_question",
        "inherited",
        "window",
        "general",
    )


@given(st.text())
def test_any_text_gets_a_question_of_the_chat_or_none(text: str) -> None:
    found = _assigner().assign([_post(2500, ANN, text)])
    assert [a.post_id for a in found] and all(0 <= a.question_number <= 5 for a in found)
    assert all(a.method in METHODS for a in found)


# -- a moderator's correction ----------------------------------------------------------


def test_nothing_found_later_overrides_a_moderators_correction() -> None:
    corrected = [Assignment(1500, 2, "moderator")]
    for later in (
        Assignment(1500, 1, "label", "A1"),
        Assignment(1500, 1, "reply_to_question"),
        Assignment(1500, 1, "inherited"),
        Assignment(1500, 1, "window"),
        Assignment(1500, GENERAL, "general"),
    ):
        assert settle(corrected, [later]) == corrected
    newer = [Assignment(1500, GENERAL, "moderator")]
    assert settle(corrected, newer) == newer
    assert settle([Assignment(1500, 1, "label", "A1")], corrected) == corrected


def test_a_corrected_post_assigned_again_keeps_the_correction() -> None:
    assigner = _assigner()
    answer = _post(1500, ANN, "A1: word of mouth")
    assert _one(assigner, answer) == (1, "label")
    assigner.correct(Assignment(1500, 2, "moderator"))
    assert _one(assigner, answer) == (2, "moderator")


def test_replies_that_took_the_posts_question_follow_the_correction() -> None:
    """A reply, a reply to it, and every later reply move; a labelled reply keeps its own."""
    assigner = _assigner()
    posts = [
        _post(1500, ANN, "A1: word of mouth"),
        _post(1501, BOB, "Same here", reply_to=1500, reply_to_user=ANN),
        _post(1502, ANN, "Thanks!", reply_to=1501, reply_to_user=BOB),
        _post(1503, BOB, "A2: and reviews", reply_to=1500, reply_to_user=ANN),
    ]
    assigner.assign(posts)

    done = assigner.correct(Assignment(1500, 3, "moderator"))

    assert done.was == (1,) and done.followers == 2
    assert _by_post(done.after) == {
        1500: [(3, "moderator")],
        1501: [(3, "inherited")],
        1502: [(3, "inherited")],
    }
    later = _post(1504, ANN, "Indeed", reply_to=1502, reply_to_user=ANN)
    assert _one(assigner, later) == (3, "inherited")
    assert _one(assigner, posts[3]) == (2, "label")


def test_a_post_marked_not_an_answer_takes_its_inherited_replies_out_too() -> None:
    stored = [
        Assignment(1500, 1, "label", "A1", None),
        Assignment(1501, 1, "inherited", None, 1500),
        Assignment(1600, 1, "window", None, None),
    ]
    done = apply_correction(stored, Assignment(1500, GENERAL, "moderator"))
    assert done.was == (1,)
    assert list(done.after) == [
        Assignment(1500, GENERAL, "moderator"),
        Assignment(1501, GENERAL, "inherited", None, 1500),
    ]
    assert list(done.before) == stored[:2]


def test_replies_under_a_post_taken_out_come_back_with_it() -> None:
    assigner = _assigner()
    answer, reply = _post(1500, ANN, "A1: word of mouth"), _post(1501, BOB, "Nice", reply_to=1500)
    assigner.assign([answer, reply])
    assigner.correct(Assignment(1500, GENERAL, "moderator"))
    later = _post(1502, BOB, "Indeed", reply_to=1500)
    assert _one(assigner, later) == (GENERAL, "inherited")
    assert _one(assigner, _post(1503, ANN, "Hi all, happy Tuesday!")) == (GENERAL, "general")
    assert _one(assigner, _post(1504, BOB, "Hi!", reply_to=1503)) == (GENERAL, "general")

    done = assigner.correct(Assignment(1500, 2, "moderator"))

    assert sorted(a.post_id for a in done.after[1:]) == [1501, 1502]
    assert {a.question_number for a in done.after} == {2}


def test_a_restarted_assigner_keeps_stored_corrections() -> None:
    """An assigner built from the database, as after a restart, sees the correction."""
    stored = [Assignment(1500, 2, "moderator"), Assignment(1501, 2, "inherited", None, 1500)]
    assigner = _assigner(known=stored)
    assert _one(assigner, _post(1500, ANN, "A1: word of mouth")) == (2, "moderator")
    assert _one(assigner, _post(1502, BOB, "+1", reply_to=1501)) == (2, "inherited")
    done = assigner.correct(Assignment(1500, 1, "moderator"))
    assert done.was == (2,) and [a.post_id for a in done.after] == [1500, 1501, 1502]


def test_on_other_networks_a_reply_read_with_its_parent_takes_its_question() -> None:
    """Bluesky's and Mastodon's stored ids are hashes, not times: a reply's id can be
    lower than its parent's. Read in one batch, the parent still goes first."""
    from datetime import timedelta

    from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored

    def made(uri: str, minute: int, text: str, reply_to: str | None = None) -> XPost:
        return as_stored(
            NetPost(
                ref=PostRef(Network.MASTODON, uri),
                author=Author(Network.MASTODON, f"acct-{uri}", f"p{uri}@mastodon.example"),
                text=text,
                created_at=T0 + timedelta(minutes=minute),
                reply_to=reply_to,
            )
        )

    answer = made("111", 1, "A1: we send a thank-you card #SMBchat")
    # Find a reply whose hashed id sorts before its parent's: id order is the wrong order.
    reply = next(
        post
        for n in range(200, 400)
        if (post := made(str(n), 2, "Same, and a discount code with it!", "111")).id < answer.id
    )
    assigner = AnswerAssigner(question_posts={}, host_user_id=HOST.id)
    found = _by_post(assigner.assign([reply, answer]))
    assert found[answer.id] == [(1, "label")]
    assert found[reply.id] == [(1, "inherited")]
