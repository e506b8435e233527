"""The series report: a chat's weeks side by side, read from a real database."""

from __future__ import annotations

import io
import struct
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.domain.cost import Usage
from chatbot.domain.flow import Flow
from chatbot.recap.series import series_report
from chatbot.recap.series_files import build_series
from chatbot.reports import report_command
from chatbot.settings import load_settings
from chatbot.storage.repository import Repository
from tests.recap.devtools import find_chromium, open_page
from tests.recap.world import WEEK1, ChatWorld, user

ALICE = user("alice", uid=11)
BOB = user("bob", uid=12)
CAROL = user("carol", uid=13)
DAVE = user("dave", uid=14)
TROLL = user("troll", uid=66)
CHROMIUM = find_chromium()


def week(store: Repository, n: int, **answers: str) -> ChatWorld:
    """Week ``n`` (0 is 6 January 2026), ended as the bot ends a chat it hosted."""
    start = WEEK1 + timedelta(weeks=n)
    w = ChatWorld(store, local_date=f"2026-01-{6 + 7 * n:02d}", start=start)
    w.question(1, minute=2)
    w.question(2, minute=10)
    people = {"alice": ALICE, "bob": BOB, "carol": CAROL, "dave": DAVE, "troll": TROLL}
    for i, (name, text) in enumerate(answers.items()):
        w.post(people[name], f"{text} #SMBchat", minute=11 + i)
    w.save()
    flow = Flow.plan(start=start, duration=timedelta(minutes=60), first_question_after=5,
                     intervals=[8, 8], last_call_lead=5, thread=True)  # fmt: skip
    store.open_occurrence(w.occurrence_id, flow=flow, at=start)
    store.end_occurrence(w.occurrence_id, flow=flow, ended_at=w.at(60), collect_until=w.at(75))
    return w


def three_weeks(store: Repository) -> None:
    """alice every week; bob in weeks 1 and 3; carol once (imported); dave new in week 3."""
    week(store, 0, alice="A1/A2: newsletters for both", bob="A1: flyers")
    w2 = week(store, 1, alice="A2: reels", carol="Instagram stories, every single day")
    store.mark_imported(w2.occurrence_id, started_at=w2.start, ended_at=w2.at(60))
    w3 = week(store, 2, alice="A1: radio", bob="A2: events", dave="Hi all!", troll="A1: me")
    store.add_usage(w3.occurrence_id, Usage(posts_read=400, posts_created=20))
    store.hide_user(chat_slug="smb", username="troll", by="mod", now=w3.at(90))
    live = ChatWorld(store, local_date="2026-01-27", start=WEEK1 + timedelta(weeks=3))
    live.post(DAVE, "A1: still going #SMBchat", minute=3)  # running: not in the report
    live.save()


def test_weeks_side_by_side_new_returning_retention_and_loyalty(store: Repository) -> None:
    three_weeks(store)
    report = series_report("smb", store.chat_series("smb"))
    rows = [
        (w.local_date, w.imported, w.participants, w.new, w.returning, w.retention)
        for w in report.weeks
    ]
    assert rows == [
        ("2026-01-06", False, 2, 2, 0, None),
        ("2026-01-13", True, 2, 1, 1, 0.5),  # alice came back, bob did not
        ("2026-01-20", False, 3, 1, 2, 0.5),  # troll is hidden: never counted
    ]
    assert [(w.answers, w.inferred, w.questions) for w in report.weeks] == [
        (2, 0, 2),  # alice's A1/A2 is one answer, for two questions
        (2, 1, 2),  # carol's unlabelled answer, made while Q2 was live, is inferred
        (2, 0, 2),  # dave only said hello
    ]
    assert report.weeks[0].per_question == {1: 2, 2: 1}
    assert report.weeks[0].answers_per_question == 1.0
    assert [(r.username, r.weeks, r.questions) for r in report.loyal] == [
        ("alice", 3, 4),
        ("bob", 2, 2),
        ("carol", 1, 1),
        ("dave", 1, 0),
    ]
    assert report.people == 4 and report.imported == 1
    assert report.weeks[2].cost == Decimal("2.30")  # 400 × .005 + 20 × .015
    assert report.cost == Decimal("2.30")


async def test_report_command_prints_the_weeks_and_writes_its_files(
    store: Repository, database_url: str, tmp_path: Path
) -> None:
    three_weeks(store)
    settings = load_settings(None, database_url=database_url, data_dir=tmp_path)
    out = io.StringIO()
    assert await report_command(settings, out=out) == 0  # every chat: here only smb
    text = out.getvalue()
    assert "#SMBchat (smb): 3 weeks from 2026-01-06 to 2026-01-20, 4 people in all" in text
    assert "2026-01-13 *       2    1     1   50%        2         1    1.0    $0.00" in text
    assert "Most loyal: @alice 3 weeks (4 questions answered), @bob 2 weeks" in text
    assert "troll" not in text
    chart = tmp_path / "recaps" / "smb" / "series" / "series.png"
    assert f"  {chart}" in text
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1000, 600)


async def test_a_database_without_finished_chats_says_so(database_url: str, tmp_path: Path) -> None:
    settings = load_settings(None, database_url=database_url, data_dir=tmp_path)
    out = io.StringIO()
    assert await report_command(settings, out=out) == 0
    assert out.getvalue() == "No chat has finished yet.\n"
    out = io.StringIO()
    assert await report_command(settings, "smb", out=out) == 0
    assert "smb: no finished or imported chat in the database yet." in out.getvalue()
    assert not (tmp_path / "recaps").exists()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt: chromium)")
async def test_the_series_page_opens_in_chromium(store: Repository, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    three_weeks(store)
    report, files = build_series(store, "smb", out_dir=tmp_path)
    assert files is not None
    async with open_page(CHROMIUM, files.html.as_uri(), tmp_path / "profile") as page:
        title = await page.evaluate("document.title")
        weeks = await page.evaluate("document.querySelectorAll('table')[0].rows.length - 1")
        chart = await page.evaluate(
            "(() => { const i = document.querySelector('img.chart');"
            " return !!i && i.complete && i.naturalWidth === 1000; })()"
        )
        text = await page.evaluate("document.body.innerText")
    assert page.errors == []
    assert title == "#SMBchat week by week"
    assert weeks == len(report.weeks) == 3 and chart
    assert "2026-01-13 imported" in text and "@alice" in text and "troll" not in text
