"""``chatbot assign``: a correction from the command line, on the database alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatbot import cli
from chatbot.domain.answers import Assignment
from chatbot.domain.flow import Flow, FlowState, Post
from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored
from chatbot.domain.posts import XPost, XUser
from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository

T0 = datetime(2025, 11, 19, 1, 0, tzinfo=UTC)  # a chat long over: its collection has ended
HOST, FAN = XUser(1, "SMBchatHost"), XUser(2, "real_fan")
ANSWER = 5_000


def finished_flow() -> Flow:
    """Two questions asked, then the closing: the flow as a chat leaves it."""
    flow = Flow.plan(
        start=T0,
        duration=timedelta(minutes=30),
        first_question_after=5,
        intervals=[8, 8],
        last_call_lead=5,
        thread=True,
    )
    now = T0
    while flow.status != FlowState.ENDED:
        for action in flow.tick(now):
            if isinstance(action, Post):
                flow.posted(action.step.key, post_id=1, at=now)
        now += timedelta(minutes=1)
    return flow


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repository:
    """A stored chat with one answer labelled A1, the database the command line uses."""
    url = f"sqlite:///{tmp_path / 'chatbot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no .env here
    engine = make_engine(url)
    upgrade(engine)
    store = Repository(engine)
    occ = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2025-11-18",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    flow = finished_flow()
    store.open_occurrence(occ.id, flow=flow, at=T0)
    end = T0 + timedelta(minutes=30)
    store.end_occurrence(occ.id, flow=flow, ended_at=end, collect_until=end)
    answer = XPost(ANSWER, FAN, "A1: we answer every DM #SMBchat", T0 + timedelta(minutes=6))
    store.store_posts(occurrence_id=occ.id, posts=[answer], now=end, host_user_id=HOST.id)
    store.save_answers(occ.id, [Assignment(ANSWER, 1, "label", "A1")])
    return store


def test_assign_moves_the_post_and_writes_the_audit_trail(
    database: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["assign", f"https://x.com/real_fan/status/{ANSWER}", "2"])

    assert (status, capsys.readouterr().out) == (
        0,
        "@real_fan's post now answers Q2 (it was Q1).\n",
    )
    [answer] = database.answers(database.find_occurrence("smbchat", "2025-11-18").id)
    assert (answer.question_number, answer.method) == (2, "moderator")
    [entry] = database.actions()
    assert (entry.command, entry.arguments, entry.allowed, entry.actor_id) == (
        "chatbot assign",
        f"post=https://x.com/real_fan/status/{ANSWER} question=2",
        True,
        0,
    )
    assert entry.actor_name.endswith(" (command line)")


def test_a_refused_correction_says_why_and_exits_1(
    database: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["assign", str(ANSWER), "3"]) == 1
    assert capsys.readouterr().out == (
        "Q3 was not asked in #SMBchat on 2025-11-18 (asked: Q1, Q2).\n"
    )
    assert cli.main(["assign", "404", "none"]) == 1
    assert capsys.readouterr().out == "Post 404 was not collected in any chat.\n"
    [answer] = database.answers(database.find_occurrence("smbchat", "2025-11-18").id)
    assert answer.method == "label"
    assert [entry.allowed for entry in database.actions()] == [True, True]


def test_assign_names_a_mastodon_or_bluesky_post_by_its_address(
    database: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    occ = database.find_occurrence("smbchat", "2025-11-18")
    uri = "at://did:plc:ana/app.bsky.feed.post/3lbqzzzzzzz22"
    made = T0 + timedelta(minutes=7)
    posts = [
        as_stored(
            NetPost(
                ref=PostRef(Network.MASTODON, "113", url="https://mastodon.example/@gia/113"),
                author=Author(Network.MASTODON, "9", "gia@mastodon.example"),
                text="A1: we answer every DM #SMBchat",
                created_at=made,
            )
        ),
        as_stored(
            NetPost(
                ref=PostRef(Network.BLUESKY, uri, url="https://bsky.app/profile/ana/post/3lbq"),
                author=Author(Network.BLUESKY, "did:plc:ana", "ana.bsky.social"),
                text="A1: polls in stories #SMBchat",
                created_at=made,
            )
        ),
    ]
    database.store_posts(occurrence_id=occ.id, posts=posts, now=made, host_user_id=HOST.id)
    database.save_answers(occ.id, [Assignment(p.id, 1, "label", "A1") for p in posts])

    assert cli.main(["assign", "<https://mastodon.example/@gia/113>", "2"]) == 0
    assert cli.main(["assign", uri, "0"]) == 0
    assert cli.main(["assign", "https://mastodon.example/@gia/999", "2"]) == 1

    out = capsys.readouterr()
    assert "@gia@mastodon.example's post now answers Q2 (it was Q1)." in out.out
    assert "is not a collected post" in out.err + out.out
    moved = {a.post_id: a.question_number for a in database.answers(occ.id)}
    assert (moved[posts[0].id], moved[posts[1].id]) == (2, 0)
