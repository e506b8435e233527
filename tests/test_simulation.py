"""The simulated crowd posts as X shows posts: replies with their @mentions, and retweets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chatbot.domain.answers import parse_labels
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.simulation import Crowd


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
    replies = [pid for pid, parent in crowd.parents.items() if parent]
    assert replies and all(posts[pid]["text"].startswith("@") for pid in replies)
    labelled_replies = [
        pid for pid in replies if re.match(r"@SMBchatHost (Q1 )?[Aa] ?1", posts[pid]["text"])
    ]
    assert labelled_replies, "someone answers from the question's reply box"
    for pid in labelled_replies:  # the label still reads after X's leading mention
        assert [number for number, _ in parse_labels(posts[pid]["text"])] == [1]
