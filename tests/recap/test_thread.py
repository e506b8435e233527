"""The recap thread as a business posts it: its length, its headline, its caps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from chatbot.recap import build_recap
from chatbot.recap.thread import mentions_in
from chatbot.render.length import weighted_length
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK2, ChatWorld, chat_spec, question_set, user


def busy_chat(store: Repository, *, questions: int = 6, people: int = 40) -> ChatWorld:
    """Everyone answers every question, as in the demo."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    for n in range(1, questions + 1):
        w.question(n, minute=8 * n)
        for i in range(people):
            text = f"A{n}: we tried idea {i} for question {n} and it worked well #SMBchat"
            w.post(user(f"owner{i:02d}", uid=100 + i), text, minute=8 * n + 1, likes=i % 7)
    w.save()
    return w


def test_the_thread_is_at_most_eight_posts_by_default(store: Repository, tmp_path: Path) -> None:
    """Issue 16: the demo's thread was 12 posts, four of them lists of handles."""
    w = busy_chat(store)
    recap = build_recap(store, chat_spec(), question_set(6), w.occurrence_id, out_dir=tmp_path)
    assert len(recap.posts) == 8  # the headline, one post a question, the shout-outs
    assert [p.split("\n")[0][:3] for p in recap.posts[1:7]] == [f"Q{n}:" for n in range(1, 7)]
    assert sum(p.startswith(("🌟", "👋")) for p in recap.posts) == 1
    assert all(weighted_length(p) <= 280 for p in recap.posts)
    assert all(len(mentions_in([p])) <= 8 for p in recap.posts)
    assert len(mentions_in(recap.posts)) <= 40


def test_a_shorter_thread_puts_several_questions_in_a_post(
    store: Repository, tmp_path: Path
) -> None:
    w = busy_chat(store)
    chat = chat_spec(max_thread_posts=4, max_mentions_per_post=2)
    recap = build_recap(store, chat, question_set(6), w.occurrence_id, out_dir=tmp_path)
    assert len(recap.posts) == 4
    body = "\n".join(recap.posts[1:3])
    assert [f"Q{n}:" in body for n in range(1, 7)] == [True] * 6
    assert body.count("⭐") == 6  # one highlight a question when they share a post
    assert all(weighted_length(p) <= 280 for p in recap.posts)
    assert all(len(mentions_in([p])) <= 2 for p in recap.posts)
    assert recap.posts[-1].startswith("🌟 Top voices")


def test_two_posts_leave_room_for_the_headline_and_the_thanks_only(
    store: Repository, tmp_path: Path
) -> None:
    w = busy_chat(store, questions=2, people=3)
    chat = chat_spec(max_thread_posts=2)
    recap = build_recap(store, chat, question_set(2), w.occurrence_id, out_dir=tmp_path)
    assert len(recap.posts) == 2 and "⭐" not in "".join(recap.posts)


def test_the_headline_names_the_hashtag_once(store: Repository, tmp_path: Path) -> None:
    """Issue 16: "Thanks for joining #SMBchat: #SMBchat transcript!"."""
    w = busy_chat(store, questions=1, people=2)
    chat = replace(chat_spec(), title="#SMBchat: social media for small businesses")
    qset = replace(question_set(1), title="")
    recap = build_recap(store, chat, qset, w.occurrence_id, out_dir=tmp_path)
    first = recap.posts[0].split("\n")[0]
    assert first == "Thanks for joining #SMBchat: social media for small businesses!"


def test_the_headline_counts_answers_and_replies_apart(store: Repository, tmp_path: Path) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    alice, bob = user("alice", uid=11), user("bob", uid=12)
    w.post(alice, "Hi all! #SMBchat", minute=1)
    a1 = w.post(alice, "A1: Email newsletters every Friday #SMBchat", minute=3)
    w.post(bob, "@alice how often? #SMBchat", minute=4, reply_to=a1)
    w.question(2, minute=10)
    w.post(bob, "A2/A3: Instagram for both, honestly #SMBchat", minute=11)
    w.question(3, minute=18)
    w.save()
    recap = build_recap(store, chat_spec(), question_set(3), w.occurrence_id, out_dir=tmp_path)
    assert "💬 2 answers and 1 reply in 4 posts" in recap.posts[0]
    assert "Answers: Q1 1 · Q2 1 · Q3 1" in recap.posts[0]  # A2/A3 once for each
