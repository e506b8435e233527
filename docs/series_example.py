"""Draw docs/series.png and print the `chatbot report` the README shows.

Eight made-up weeks of #SMBchat in a temporary SQLite database, stored as the bot
stores a chat (posts, answers, the host's questions, X usage), one of them imported
as `chatbot transcript --chat` keeps it; then the report, read back from the database.

    .venv/bin/python docs/series_example.py
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatbot.domain.answers import AnswerAssigner
from chatbot.domain.cost import Usage
from chatbot.domain.flow import Flow
from chatbot.domain.posts import XPost, XUser
from chatbot.recap.series import series_report
from chatbot.recap.series_files import draw_series
from chatbot.reports import report_command
from chatbot.settings import load_settings
from chatbot.simulation import ANSWERS, PERSONAS
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository

HOST = XUser(1500000000000000001, "SMBchatHost")
FIRST = datetime(2026, 10, 7, 0, 0, tzinfo=UTC)  # Tuesday 6 October, 20:00 in New York
PICTURE = Path(__file__).with_name("series.png")


def store_week(store: Repository, week: int, people: list[XUser], rng: random.Random) -> None:
    """One chat of six questions in which each of ``people`` answers a few."""
    start = FIRST + timedelta(weeks=week)
    occ = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date=(start - timedelta(hours=4)).date().isoformat(),
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=start,
    )
    post_id = 1_990_000_000_000_000_000 + week * 100_000
    posts, questions = [], {}
    for n in range(1, 7):
        post_id += 1
        asked = start + timedelta(minutes=5 + 8 * (n - 1))
        posts.append(XPost(post_id, HOST, f"Q{n}: question {n}? #SMBchat", asked))
        questions[post_id] = n
        for who in people:
            if rng.random() < 0.6:
                post_id += 1
                label = f"A{n}: " if rng.random() < 0.85 else ""  # else inferred
                text = f"{label}{rng.choice(ANSWERS)} #SMBchat"
                posts.append(XPost(post_id, who, text, asked + timedelta(minutes=2)))
    store.store_posts(occurrence_id=occ.id, posts=posts, now=start, host_user_id=HOST.id)
    answers = AnswerAssigner(question_posts=questions, host_user_id=HOST.id).assign(posts)
    store.save_answers(occ.id, answers)
    store.add_usage(occ.id, Usage(posts_read=len(posts), posts_created=18))
    end = start + timedelta(minutes=60)
    if week == 2:  # the bot was down: the host ran it, `chatbot transcript --chat` kept it
        store.mark_imported(occ.id, started_at=start, ended_at=end)
        return
    flow = Flow.plan(start=start, duration=timedelta(minutes=60), first_question_after=5,
                     intervals=[8] * 5, last_call_lead=5, thread=True)  # fmt: skip
    store.open_occurrence(occ.id, flow=flow, at=start)
    store.end_occurrence(occ.id, flow=flow, ended_at=end, collect_until=end)


async def main() -> None:
    rng = random.Random(4)
    everyone = [XUser(10**12 + i, name) for i, (name, _, _) in enumerate(PERSONAS)]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/chatbot.db"
        engine = make_engine(url)
        upgrade(engine)
        store = Repository(engine)
        regulars: list[XUser] = []
        for week in range(8):
            kept = [p for p in regulars if rng.random() < 0.75]
            fresh = [p for p in everyone if p not in regulars][: 3 + week // 2]
            regulars = kept + fresh
            store_week(store, week, regulars, rng)
        settings = load_settings(None, database_url=url, data_dir=Path(folder))
        await report_command(settings, "smbchat")
        draw_series(series_report("smbchat", store.chat_series("smbchat")), PICTURE, dpi=64)
        engine.dispose()
    print(f"\nDrew {PICTURE} ({PICTURE.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    asyncio.run(main())
