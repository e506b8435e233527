"""The recap's numbers, computed from chats stored in a real database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chatbot.domain.answers import Assignment
from chatbot.domain.cost import Prices, Usage
from chatbot.recap.load import load_record
from chatbot.recap.picks import highlights
from chatbot.recap.stats import compact_number, compute_stats, cost_dollars
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK1, WEEK2, ChatWorld, chat_spec, question_set, user

ALICE = user("alice", uid=11, followers=100)
BOB = user("bob", uid=12, followers=200)
CAROL = user("carol", uid=13, followers=1000)
DAVE = user("dave", uid=14, followers=50)


def two_weeks(store: Repository) -> ChatWorld:
    """Week 1: alice and bob. Week 2: alice returns, carol and dave are new."""
    week1 = ChatWorld(store, local_date="2026-01-06", start=WEEK1)
    week1.question(1, minute=2)
    week1.post(ALICE, "A1: Email #SMBchat", minute=3)
    week1.post(BOB, "A1: Flyers #SMBchat", minute=4)
    week1.save()

    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    a1 = w.post(ALICE, "A1: Newsletters, every week #SMBchat", minute=3, likes=5)
    w.post(CAROL, "A1: In-store events! #SMBchat", minute=3.5, likes=9)
    w.post(DAVE, "A1 word of mouth #SMBchat", minute=3.8)
    w.post(CAROL, "@alice love that #SMBchat", minute=4, reply_to=a1)
    w.post(DAVE, "@alice same here #SMBchat", minute=4.2, reply_to=a1)
    w.question(2, minute=10)
    w.post(ALICE, "A2: Instagram reels #SMBchat", minute=11)
    w.post(CAROL, "A2: Local radio #SMBchat", minute=11.5, reposts=1)
    w.question(3, minute=18)
    w.post(ALICE, "A3: Loyalty cards #SMBchat", minute=19)
    w.post(DAVE, "Great chat everyone #SMBchat", minute=25)
    w.save()
    store.add_usage(
        w.occurrence_id, Usage(requests=12, posts_read=400, posts_created=10, posts_with_url=1)
    )
    return w


def test_numbers_of_a_stored_chat(store: Repository) -> None:
    w = two_weeks(store)
    record = load_record(store, chat_spec(), question_set(), w.occurrence_id)
    stats = compute_stats(record)

    assert stats.participants == 3
    assert (stats.new_participants, stats.returning_participants) == (2, 1)
    assert stats.posts == 9  # the host's questions are not counted
    # carol's and dave's replies under alice's A1 are conversation, not answers.
    assert (stats.answers, stats.replies, stats.other_posts) == (6, 2, 1)
    assert stats.answers_per_question == {1: 3, 2: 2, 3: 1}
    assert stats.replies_per_question == {1: 2, 2: 0, 3: 0}
    assert stats.busiest_minute == datetime(2026, 1, 13, 20, 3, tzinfo=ZoneInfo("America/New_York"))
    assert stats.busiest_minute_posts == 3
    top = [(c.username, c.questions, c.replies_received) for c in stats.top_contributors]
    assert top == [("alice", 3, 2), ("carol", 2, 0), ("dave", 1, 0)]
    assert stats.potential_reach == 100 + 1000 + 50
    assert stats.cost_dollars == Decimal("2.34")  # 400 × .005 + 9 × .015 + 1 × .20


def test_first_week_everyone_is_new(store: Repository) -> None:
    w = two_weeks(store)
    first = store.find_occurrence("smb", "2026-01-06")
    assert first is not None and first.id is not None and first.id != w.occurrence_id
    stats = compute_stats(load_record(store, chat_spec(), question_set(), first.id))
    assert (stats.participants, stats.new_participants) == (2, 2)


def test_question_times_come_from_the_bots_sent_questions(store: Repository) -> None:
    w = two_weeks(store)
    record = load_record(store, chat_spec(), question_set(), w.occurrence_id)
    assert record.question_times == {1: w.at(2), 2: w.at(10), 3: w.at(18)}


def test_highlights_rank_answers_by_engagement(store: Repository) -> None:
    w = two_weeks(store)
    record = load_record(store, chat_spec(), question_set(), w.occurrence_id)
    best = highlights(record, per_question=2)
    assert [p.username for p in best[1]] == ["carol", "alice"]
    assert [p.username for p in best[2]] == ["carol", "alice"]
    assert [p.username for p in best[3]] == ["alice"]


def test_hidden_users_are_left_out_of_the_numbers(store: Repository) -> None:
    w = two_weeks(store)
    store.hide_user(chat_slug="smb", username="@Carol", by="mod", now=w.at(60))
    record = load_record(store, chat_spec(), question_set(), w.occurrence_id)
    stats = compute_stats(record)
    assert stats.participants == 2
    assert "carol" not in {p.username for p in record.posts}
    assert stats.potential_reach == 150


def test_cost_takes_prices_as_parameters() -> None:
    usage = Usage(posts_read=1000, posts_created=20, posts_with_url=2)
    assert cost_dollars(usage) == Decimal("5.67")  # 5 + 18 × .015 + 2 × .20
    cheap = Prices(post_read=Decimal("0.001"), post_created=Decimal("0.01"))
    assert cost_dollars(usage, cheap) == Decimal("1.58")


def test_compact_numbers() -> None:
    assert [compact_number(n) for n in (999, 1000, 1250, 3_400_000)] == [
        "999",
        "1K",
        "1.2K",
        "3.4M",
    ]


def test_a_multi_answer_post_counts_once_in_all_and_once_for_each_question(
    store: Repository,
) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(2, minute=10)
    w.question(3, minute=18)
    w.post(ALICE, "A2/A3: Instagram for both, honestly #SMBchat", minute=19)
    w.post(BOB, "A3: Flyers #SMBchat", minute=20)
    w.save()
    stats = compute_stats(load_record(store, chat_spec(), question_set(), w.occurrence_id))
    assert stats.answers == 2
    assert stats.answers_per_question == {1: 0, 2: 1, 3: 2}


def test_top_voices_rank_questions_answered_not_posts(store: Repository) -> None:
    """Issue 16: splitting one answer into many posts made a top voice."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(CAROL, "A1: Events in the shop #SMBchat", minute=3)
    for part in "abcd":
        w.post(ALICE, f"A1{part}: one more thought #SMBchat", minute=3)
    w.question(2, minute=10)
    w.post(CAROL, "A2: Radio #SMBchat", minute=11)
    w.post(BOB, "A2: Flyers #SMBchat", minute=11)
    w.save()
    stats = compute_stats(load_record(store, chat_spec(), question_set(), w.occurrence_id))
    top = [(c.username, c.questions, c.answers) for c in stats.top_contributors]
    assert top == [("carol", 2, 2), ("alice", 1, 4), ("bob", 1, 1)]


def test_inferred_answers_are_counted_apart(store: Repository) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(ALICE, "Honestly, reels work best for us #SMBchat", minute=3)  # no label: inferred
    w.post(BOB, "A1: Flyers #SMBchat", minute=4)
    w.post(CAROL, "Great question! #SMBchat", minute=4)  # small talk: not an answer
    w.save()
    stats = compute_stats(load_record(store, chat_spec(), question_set(), w.occurrence_id))
    assert (stats.answers, stats.inferred_answers, stats.other_posts) == (2, 1, 1)
    assert stats.inferred_per_question == {1: 1, 2: 0, 3: 0}


def test_a_moderators_correction_counts_as_an_answer_never_an_inferred_one(
    store: Repository,
) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    guess = w.post(ALICE, "Honestly, reels work best for us #SMBchat", minute=3)  # inferred
    w.question(2, minute=10)
    w.save()
    store.correct_answer(w.occurrence_id, Assignment(guess, 2, "moderator"))
    stats = compute_stats(load_record(store, chat_spec(), question_set(), w.occurrence_id))
    assert (stats.answers, stats.inferred_answers) == (1, 0)
    assert stats.answers_per_question == {1: 0, 2: 1, 3: 0}
