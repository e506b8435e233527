"""A very large chat as a recap sees it, made in memory (no database, no X): for the
recap page's size test and ``bench/recap_page.py``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from chatbot.domain.posts import Metrics
from chatbot.recap.model import ChatPost, ChatRecord, Person
from chatbot.simulation import ANSWERS, CHATTER, REPLIES

START = datetime(2026, 1, 14, 1, 0, tzinfo=UTC)
BASE_ID = 1_990_000_000_000_000_000


def big_record(*, posts: int = 50_000, people: int = 3000, questions: int = 6) -> ChatRecord:
    """``posts`` posts over an hour: labelled, inferred and replied-to answers, chatter."""
    rng = random.Random(1)
    minutes_each = 60 / questions
    made: list[ChatPost] = []
    answers: dict[int, list[int]] = {n: [] for n in range(1, questions + 1)}
    for i in range(posts):
        minute = 60 * i / posts
        number = min(int(minute // minutes_each) + 1, questions)
        author = rng.randrange(people)
        roll = rng.random()
        parent, method, labels = None, "label", (f"A{number}",)
        if roll < 0.05:
            text, method, labels, number = rng.choice(CHATTER), "general", (), 0
        elif roll < 0.3 and answers[number]:
            parent, method, labels = rng.choice(answers[number][-300:]), "inherited", ()
            text = rng.choice(REPLIES)
        elif roll < 0.4:
            text, method, labels = rng.choice(ANSWERS), "window", ()
        else:
            text = f"A{number}: {rng.choice(ANSWERS)}"
        post_id = BASE_ID + i
        if method != "general" and parent is None:
            answers[number].append(post_id)
        made.append(
            ChatPost(
                id=post_id,
                author_id=10**12 + author,
                username=f"p{author:05d}",
                name=f"Person {author} 🚀",
                text=f"{text} #SMBchat",
                created_at=START + timedelta(minutes=minute),
                in_reply_to_post_id=parent,
                questions=(number,) if number else (),
                labels=labels,
                metrics=Metrics(like_count=rng.randrange(5)),
                method=method,
            )
        )
    return ChatRecord(
        slug="smbchat",
        title="Engaging customers",
        hashtag="#SMBchat",
        timezone="America/New_York",
        local_date="2026-01-13",
        questions={n: f"Question number {n}?" for n in range(1, questions + 1)},
        question_times={
            n: START + timedelta(minutes=(n - 1) * minutes_each) for n in range(1, questions + 1)
        },
        posts=made,
        people={
            10**12 + a: Person(10**12 + a, f"p{a:05d}", f"Person {a} 🚀", followers=a)
            for a in {p.author_id - 10**12 for p in made}
        },
    )
