"""The collection write path alone: what storing a chat's posts costs the bot's store thread.

``--posts`` posts (default 20,000, by 3,000 people; a third replies) go through the
repository as the Collector sends them: pages of 71 posts (50,000 posts came in 706
pages in scale.py), each page asked ``unseen`` and stored with ``record_collection``, the
answers of every three pages assigned and stored with the pass's ``since_id``. Prints the
CPU and wall time of the store calls alone, the statements sent, and checks what was
stored. No X, no event loop: run it on an older checkout's code with ``PYTHONPATH``
pointing at that checkout to compare.

    /tmp/venv/bin/python bench/store_pass.py --posts 20000
    /tmp/venv/bin/python bench/store_pass.py --database postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

_REPO = str(Path(__file__).resolve().parents[1])
if _REPO not in sys.path:
    sys.path.append(_REPO)  # after PYTHONPATH: an older checkout given there wins

from sqlalchemy import event, text  # noqa: E402

from chatbot.domain.answers import AnswerAssigner  # noqa: E402
from chatbot.domain.posts import Metrics, XPost, XUser  # noqa: E402
from chatbot.storage.engine import make_engine, upgrade  # noqa: E402
from chatbot.storage.repository import Repository  # noqa: E402

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
BASE = 1_900_000_000_000_000_000
PAGE, PAGES_PER_PASS = 71, 3
TEXTS = (
    "A1: we use email lists for our customers and it works #SMBchat",
    "Hello everyone! #SMBchat",
    "Great question #SMBchat",
    "a2 social media mostly, instagram and tiktok #SMBchat",
)


def crowd_posts(count: int, people: int, seed: int) -> list[XPost]:
    rng = random.Random(seed)
    users = [XUser(10**12 + i, f"p{i:05d}", f"Person {i}", i * 7) for i in range(people)]
    posts: list[XPost] = []
    for i in range(count):
        post_id = BASE + i * 1000
        parent = posts[rng.randrange(len(posts))].id if posts and rng.random() < 0.35 else None
        posts.append(
            XPost(
                post_id,
                rng.choice(users),
                f"{rng.choice(TEXTS)} {i}",
                T0 + timedelta(seconds=i * 0.07),
                conversation_id=post_id,
                in_reply_to_post_id=parent,
                in_reply_to_user_id=1 if parent else None,
                metrics=Metrics(1, 2, 3, 4, 5),
            )
        )
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=3_000)
    parser.add_argument("--database", help="a PostgreSQL URL (its tables are dropped after)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    posts = crowd_posts(args.posts, args.people, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database or f"sqlite:///{Path(folder) / 'chatbot.db'}")
        upgrade(engine)
        try:
            run(Repository(engine), posts)
        finally:
            if args.database:
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def run(repo: Repository, posts: list[XPost]) -> None:
    occ = repo.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    assert occ.id is not None
    sent = [0]

    def count(*_args: Any) -> None:
        sent[0] += 1

    event.listen(repo.engine, "before_cursor_execute", count)
    assigner = AnswerAssigner(question_posts={BASE + 5: 1}, host_user_id=1)
    cpu = wall = 0.0
    size = PAGE * PAGES_PER_PASS
    for first in range(0, len(posts), size):
        read: list[XPost] = []
        last_page = min(len(posts), first + size)
        for start in range(first, last_page, PAGE):
            page = posts[start : start + PAGE]
            ended = start + PAGE >= last_page
            began, began_wall = time.process_time(), time.perf_counter()
            unseen = repo.unseen(page)
            cpu += time.process_time() - began
            wall += time.perf_counter() - began_wall
            read += unseen
            answers = assigner.assign(read) if ended else []
            began, began_wall = time.process_time(), time.perf_counter()
            repo.record_collection(
                occurrence_id=occ.id,
                posts=unseen,
                answers=answers,
                since_id=page[-1].id if ended else None,
                now=T0,
                host_user_id=1,
            )
            cpu += time.process_time() - began
            wall += time.perf_counter() - began_wall
    event.remove(repo.engine, "before_cursor_execute", count)
    stored, people = repo.count_collected(occ.id)
    assert stored == len(posts), stored
    assert len(repo.answers(occ.id)) == len(posts)
    print(f"database: {repo.engine.dialect.name}; {len(posts):,} posts by {people:,} people")
    print(
        f"store calls: CPU {cpu:.2f} s, wall {wall:.2f} s, {cpu / len(posts) * 1e6:.0f} µs a post"
    )
    print(f"statements: {sent[0]:,}")


if __name__ == "__main__":
    main()
