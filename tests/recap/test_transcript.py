"""The transcript of a past chat, read from X once (the emulator) and written to files."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.recap.transcript import build_transcript_from_x
from chatbot.x.client import TweepyXClient
from tests.recap.pages import section_rows


def seed(emulator: XEmulator) -> dict[str, int]:
    """A chat two hours ago: two questions by the host, answers, replies, noise."""
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)

    def at(minute: int) -> datetime:
        return base + timedelta(minutes=minute)

    emulator.add_user("alice", followers_count=300)
    emulator.add_user("bob", followers_count=20)
    emulator.add_user("carol", followers_count=7)
    emulator.add_user("mallory")
    ids = {"early": emulator.add_post("bob", "Warming up for #SMBchat", created_at=at(-90))}
    ids["q1"] = emulator.add_post(
        HOST_USER_ID, "Q1: How do you find customers? #SMBchat", created_at=at(2)
    )
    ids["a1"] = emulator.add_post("alice", "A1: Word of mouth, always. #SMBchat", created_at=at(3))
    ids["bob_q1"] = emulator.add_post(
        "bob", "Referrals, mostly #SMBchat", created_at=at(4), reply_to=ids["q1"]
    )
    ids["carol"] = emulator.add_post(
        "carol", "@alice agreed, 100%! #SMBchat", created_at=at(5), reply_to=ids["a1"]
    )
    ids["fake_q"] = emulator.add_post("mallory", "Q9: buy my course? #SMBchat", created_at=at(6))
    ids["q2"] = emulator.add_post(HOST_USER_ID, "Q2: Favourite tool? #SMBchat", created_at=at(10))
    ids["a2"] = emulator.add_post("bob", "A2: A notebook <b>really</b> #SMBchat", created_at=at(11))
    ids["rt"] = emulator.add_post("carol", "", created_at=at(12), retweet_of=ids["a2"])
    ids["general"] = emulator.add_post("carol", "Lovely chat #SMBchat", created_at=at(20))
    return ids | {"start": int(at(0).timestamp())}


async def test_transcript_finds_questions_assigns_answers_and_nests_replies(
    emulator: XEmulator, x: TweepyXClient, tmp_path: Path
) -> None:
    ids = seed(emulator)
    start = datetime.fromtimestamp(ids["start"], UTC)
    recap = await build_transcript_from_x(
        x, "#SMBchat", start, start + timedelta(minutes=60), tmp_path, timezone="America/New_York"
    )
    assert emulator.request_counts()["GET /2/tweets/search/recent"] == 1
    assert recap.stats.answers_per_question == {1: 2, 2: 1}  # alice's A1, bob's reply to Q1
    assert recap.stats.replies_per_question == {1: 1, 2: 0}  # carol, under alice's A1
    assert recap.stats.participants == 4  # alice, bob, carol, mallory
    assert recap.posts[0].startswith("Thanks for joining #SMBchat!\n")  # not "…: #SMBchat …"
    assert recap.occurrence_id is None
    assert recap.files.directory.parent.name == "smbchat"

    with recap.files.csv.open(encoding="utf-8", newline="") as handle:
        rows = {int(r["id"]): r for r in csv.DictReader(handle)}
    assert ids["early"] not in rows and ids["rt"] not in rows and ids["q1"] not in rows
    assert rows[ids["carol"]]["question"] == "1" and rows[ids["carol"]]["parent"] == str(ids["a1"])
    assert rows[ids["fake_q"]]["question"] == "0"

    page = recap.files.html.read_text(encoding="utf-8")
    shown = [(row[0], row[5]) for row in section_rows(page)[1]]  # (id, depth)
    answer = shown.index((str(ids["a1"]), 0))
    assert shown[answer + 1] == (str(ids["carol"]), 1)  # nested under the answer
    assert "Q1: How do you find customers?" in page
    assert "&lt;b&gt;really&lt;/b&gt;" in page


async def test_transcript_uses_the_named_host(
    emulator: XEmulator, x: TweepyXClient, tmp_path: Path
) -> None:
    ids = seed(emulator)
    start = datetime.fromtimestamp(ids["start"], UTC)
    recap = await build_transcript_from_x(
        x, "#SMBchat", start, start + timedelta(minutes=60), tmp_path, host_username="@mallory"
    )
    # With mallory as host, only Q9 is a question and the real host is a participant.
    assert recap.stats.answers_per_question[9] == 0
    assert recap.stats.participants == 4  # the real host is one: alice, bob, carol, SMBchatHost
    assert {c.username for c in recap.stats.top_contributors} == {"alice", "bob"}
    assert "mallory" not in recap.files.csv.read_text(encoding="utf-8")
