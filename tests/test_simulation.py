"""The simulated crowd answers in every shape, posts as X shows posts (replies with their
@mentions, retweets), and its truth table measures the assigner."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from chatbot.domain.answers import AnswerAssigner, parse_labels
from chatbot.domain.posts import XPost
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.simulation import Crowd
from chatbot.x.convert import to_post, to_user

T0 = datetime(2026, 11, 24, 1, tzinfo=UTC)
# The shipped chat's timing: Q1 at 5 minutes, then every 8 (Q3 asks for 10), last call at 55.
HOST_POSTS = [(0, "👋 Welcome"), (0, "How it works")]
HOST_POSTS += [(m, f"Q{n}: Question {n}?") for n, m in enumerate([5, 13, 21, 31, 39, 47], 1)]
HOST_POSTS += [(55, "⏰ Last call!"), (60, "That's a wrap!")]


def simulate(crowd: Crowd, emulator: XEmulator) -> list[XPost]:
    """Host a whole chat on the emulator, the crowd posting every 30 s; return every post."""
    pending, previous = list(HOST_POSTS), None
    now = T0 - timedelta(minutes=5)
    while now < T0 + timedelta(minutes=64):
        crowd.act(now)
        while pending and T0 + timedelta(minutes=pending[0][0]) <= now:
            _, text = pending.pop(0)
            previous = emulator.add_post(
                HOST_USER_ID, f"{text} #SMBchat", created_at=now, reply_to=previous
            )
        now += timedelta(seconds=30)
    posts = emulator.posts()
    users = {int(p["author_id"]): to_user(p["author"]) for p in posts}
    return [to_post(p, users) for p in posts]


@pytest.mark.parametrize(("letter", "seed"), [("A", 11), ("R", 12)])
def test_the_assigner_reads_every_simulated_post_as_the_crowd_meant_it(
    letter: str, seed: int
) -> None:
    emulator = XEmulator(now=lambda: T0)
    crowd = Crowd(emulator, "#SMBchat", HOST_USER_ID, seed=seed, answer_letter=letter)
    posts = simulate(crowd, emulator)
    questions = {post_id: number for number, post_id in crowd.questions()[0].items()}
    assigner = AnswerAssigner(
        question_posts=questions,
        host_user_id=HOST_USER_ID,
        question_count=6,
        answer_letter=letter,
    )
    found = {a.post_id: (a.question_number, a.method) for a in assigner.assign(posts)}

    expected = {pid: (crowd.truth[pid], crowd.methods[pid]) for pid in crowd.truth}
    wrong = {
        pid: (found.get(pid), expected[pid]) for pid in expected if found.get(pid) != expected[pid]
    }
    assert wrong == {}
    shapes = Counter(crowd.methods.values())
    assert set(shapes) == {"label", "reply_to_question", "inherited", "window", "general"}
    assert shapes["window"] > 30


def test_the_crowd_retweets_and_its_replies_start_with_mentions() -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    emulator = XEmulator()
    emulator.add_post(HOST_USER_ID, "Q1: What works for you? #SMBchat", created_at=start)
    crowd = Crowd(emulator, "#SMBchat", HOST_USER_ID, seed=2, size=20)
    for minute in range(30):
        crowd.act(start + timedelta(minutes=minute, seconds=1), intensity=0.3)
    posts = {int(p["id"]): p for p in emulator.posts()}
    assert crowd.retweets and not crowd.retweets & set(crowd.truth)
    assert all(posts[pid]["text"].startswith("RT @") for pid in crowd.retweets)
    replies = [  # X adds no mention of yourself to a reply to your own post
        pid
        for pid, parent in crowd.parents.items()
        if parent and posts[parent]["author_id"] != posts[pid]["author_id"]
    ]
    assert replies and all(posts[pid]["text"].startswith("@") for pid in replies)
    labelled_replies = [pid for pid in replies if crowd.methods[pid] == "label"]
    assert labelled_replies, "someone answers from the question's reply box"
    for pid in labelled_replies:  # the label still reads after X's leading mention
        assert posts[pid]["text"].startswith("@SMBchatHost ")
        assert [label.number for label in parse_labels(posts[pid]["text"])] == [1]
