"""The emulator's records against the database: a lost answer or a doubled post shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.flow import Flow, FlowState
from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored
from chatbot.domain.posts import XPost, XUser
from chatbot.emulator.x import HOST_USER_ID, XEmulator
from chatbot.reconcile import reconcile
from chatbot.storage.repository import Repository
from tests.dbfixtures import database_url, engine, pg_url, sqlite_url, store  # noqa: F401

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_lost_answers_and_doubled_posts_are_counted(store: Repository) -> None:  # noqa: F811
    emulator = XEmulator(now=lambda: T0 + timedelta(hours=2))
    occurrence = store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date="2026-11-24",
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )
    store.hide_user(chat_slug="smbchat", username="spammer", by="mod", now=T0)
    at = T0 + timedelta(minutes=10)
    kept = emulator.add_post("ana", "A1: hi #SMBchat", created_at=at)
    lost = emulator.add_post("bo", "A1: me too #smbchat", created_at=at)
    emulator.add_post("bo", "", created_at=at, retweet_of=kept)  # not asked for
    emulator.add_post("spammer", "buy #SMBchat", created_at=at)  # hidden
    emulator.add_post("cy", "A1: late #SMBchat", created_at=T0 + timedelta(hours=2))
    emulator.add_post("dee", "A1: elsewhere #Other", created_at=at)
    for _ in range(2):  # the same question, made twice
        emulator.add_post(HOST_USER_ID, "Q1: hello? #SMBchat", created_at=at)
    author = XUser(emulator.post(kept).author_id, "ana")
    on_bluesky = as_stored(  # the same chat on Bluesky: nothing X bills or shows
        NetPost(
            ref=PostRef(Network.BLUESKY, "at://did:plc:ana/app.bsky.feed.post/3lbq"),
            author=Author(Network.BLUESKY, "did:plc:ana", "ana.bsky.social"),
            text="A1: hi #SMBchat",
            created_at=at,
        )
    )
    store.store_posts(
        occurrence_id=occurrence.id,
        posts=[XPost(kept, author, "A1: hi #SMBchat", at), on_bluesky],
        now=at,
        host_user_id=HOST_USER_ID,
    )
    flow = Flow.plan(
        start=T0,
        duration=timedelta(hours=1),
        first_question_after=5,
        intervals=[8.0],
        last_call_lead=5,
        thread=True,
    )
    flow.status = FlowState.ENDED
    window_end = T0 + timedelta(minutes=75)
    store.end_occurrence(occurrence.id, flow=flow, ended_at=T0, collect_until=window_end)

    found = reconcile(
        store,
        occurrence.id,
        x_posts=emulator.posts(),
        x_log=emulator.request_log.summary(),
        host_user_id=HOST_USER_ID,
    )

    assert (found.made, found.lost, found.doubled, found.bot_posts) == (2, [lost], 1, 2)
    assert found.collected == 1  # X's posts only: per-post billing is X's
    assert found.lines()[0] == "answers lost: 1 of 2 participant posts in the window"
