"""The repository on a real database: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.answers import Assignment
from chatbot.domain.network import Author, NetPost, Network, PostRef, as_stored
from chatbot.domain.occurrence import PostState, ScheduleOverride
from chatbot.domain.posts import Metrics, XPost, XUser
from chatbot.recap.model import Usage
from chatbot.storage.collected import stored_post
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
HOST = XUser(id=1_500_000_000_000_000_001, username="SMBchatHost")
BIG = 1_987_654_321_987_654_321  # a real-sized X id: needs a 64-bit column


def _post(n: int, user: XUser, *, reply_to: int | None = None, minutes: int = 0) -> XPost:
    return XPost(
        id=BIG + n,
        author=user,
        text=f"A1: answer {n} #SMBchat",
        created_at=T0 + timedelta(minutes=minutes),
        in_reply_to_post_id=reply_to,
        metrics=Metrics(like_count=n),
    )


def _occurrence(store: Repository, day: str = "2026-11-23"):
    return store.get_or_create_occurrence(
        chat_slug="smbchat",
        local_date=day,
        hashtag="#SMBchat",
        question_set="smb/engaging-customers",
        scheduled_start=T0,
    )


def test_one_occurrence_per_chat_and_local_date(store: Repository) -> None:
    first = _occurrence(store)
    again = _occurrence(store)
    other = _occurrence(store, "2026-11-30")
    assert first.id == again.id
    assert other.id != first.id
    assert store.find_occurrence("smbchat", "2026-11-23").id == first.id
    assert store.get_occurrence(first.id).scheduled_start == T0


def test_intended_post_is_recorded_once_and_keeps_its_first_text(store: Repository) -> None:
    occ = _occurrence(store)
    first, created = store.intend_post(occurrence_id=occ.id, key="q1", text="Q1: one", now=T0)
    again, again_created = store.intend_post(
        occurrence_id=occ.id, key="q1", text="Q1: changed", now=T0
    )
    assert again == first and again.text == "Q1: one" and again.state == PostState.INTENDED
    assert created and not again_created  # the second caller knows it may have been sent
    store.mark_sent(occ.id, "q1", x_post_id=BIG, now=T0)
    sent = store.bot_post(occ.id, "q1")
    assert sent.state == PostState.SENT and sent.x_post_id == BIG and sent.sent_at == T0


def test_collected_posts_are_stored_once_with_64_bit_ids(store: Repository) -> None:
    occ = _occurrence(store)
    ann = XUser(id=BIG + 100, username="ann", followers_count=50)
    posts = [_post(1, ann), _post(2, ann, reply_to=BIG + 1)]
    assert (
        len(store.store_posts(occurrence_id=occ.id, posts=posts, now=T0, host_user_id=HOST.id)) == 2
    )
    again = store.store_posts(occurrence_id=occ.id, posts=posts, now=T0, host_user_id=HOST.id)
    assert again == []
    stored = store.collected_posts(occ.id)
    assert [p.id for p in stored] == [BIG + 1, BIG + 2]
    assert stored[1].in_reply_to_post_id == BIG + 1
    assert store.count_collected(occ.id) == (2, 1)


def test_posts_and_people_of_other_networks_keep_their_network_and_address(
    store: Repository,
) -> None:
    occ = _occurrence(store)
    uri = "at://did:plc:ana/app.bsky.feed.post/3lbqbbbbbbb22"
    post = as_stored(
        NetPost(
            ref=PostRef(Network.BLUESKY, uri, url="https://bsky.app/profile/ana/post/3lbq"),
            author=Author(Network.BLUESKY, "did:plc:ana", "ana.bsky.social"),
            text="A1: local first #SMBchat",
            created_at=T0,
        )
    )
    x_post = _post(1, XUser(id=BIG + 100, username="ann"))
    store.store_posts(occurrence_id=occ.id, posts=[post, x_post], now=T0, host_user_id=HOST.id)
    back = stored_post(store.posts_by_id([post.id])[post.id])
    assert back == post  # network, its own id, address and reply links as they came
    people = store.participants([post.author.id, BIG + 100])
    assert people[post.author.id].network == "bluesky"
    assert people[BIG + 100].network == "x"


def test_participants_keep_first_and_last_seen_across_weeks(store: Repository) -> None:
    week1, week2 = _occurrence(store), _occurrence(store, "2026-11-30")
    ann = XUser(id=BIG + 100, username="ann")
    store.store_posts(occurrence_id=week1.id, posts=[_post(1, ann)], now=T0, host_user_id=HOST.id)
    later = XPost(
        id=BIG + 9,
        author=XUser(id=ann.id, username="ann_new"),
        text="hi",
        created_at=T0 + timedelta(days=7),
    )
    store.store_posts(occurrence_id=week2.id, posts=[later], now=T0, host_user_id=HOST.id)
    person = store.participants([ann.id])[ann.id]
    assert person.first_seen_at == T0
    assert person.last_seen_at == T0 + timedelta(days=7)
    assert person.first_occurrence_id == week1.id and person.last_occurrence_id == week2.id
    assert person.username == "ann_new"


def test_host_posts_are_stored_but_are_not_participants(store: Repository) -> None:
    occ = _occurrence(store)
    store.store_posts(occurrence_id=occ.id, posts=[_post(1, HOST)], now=T0, host_user_id=HOST.id)
    assert store.participants([HOST.id]) == {}
    assert store.collected_posts(occ.id)[0].from_host
    assert store.count_collected(occ.id) == (0, 0)


def test_answers_for_two_questions_from_one_post(store: Repository) -> None:
    occ = _occurrence(store)
    ann = XUser(id=BIG + 100, username="ann")
    store.store_posts(occurrence_id=occ.id, posts=[_post(1, ann)], now=T0, host_user_id=HOST.id)
    both = [
        Assignment(post_id=BIG + 1, question_number=1, method="label"),
        Assignment(post_id=BIG + 1, question_number=2, method="label"),
    ]
    store.save_answers(occ.id, both)
    store.save_answers(occ.id, both)
    assert sorted(a.question_number for a in store.answers(occ.id)) == [1, 2]


def test_metrics_refresh(store: Repository) -> None:
    occ = _occurrence(store)
    ann = XUser(id=BIG + 100, username="ann")
    store.store_posts(occurrence_id=occ.id, posts=[_post(1, ann)], now=T0, host_user_id=HOST.id)
    fresh = XPost(
        id=BIG + 1,
        author=ann,
        text="x",
        created_at=T0,
        metrics=Metrics(like_count=42, reply_count=3),
    )
    assert store.update_metrics([fresh]) == 1
    row = store.collected_posts(occ.id)[0]
    assert (row.like_count, row.reply_count) == (42, 3)


def test_hide_and_unhide_are_case_insensitive(store: Repository) -> None:
    assert store.hide_user(chat_slug="smbchat", username="@SpamBot", by="mod", now=T0)
    assert not store.hide_user(chat_slug="smbchat", username="spambot", by="mod", now=T0)
    assert store.hidden_usernames("smbchat") == {"spambot"}
    assert store.hidden_usernames("other") == set()
    assert store.unhide_user(chat_slug="smbchat", username="SPAMBOT")
    assert store.hidden_usernames("smbchat") == set()


def test_audit_usage_and_schedule_overrides(store: Repository) -> None:
    occ = _occurrence(store)
    store.record_action(
        at=T0,
        actor_id=BIG,
        actor_name="mod",
        command="/chat end",
        arguments="",
        allowed=False,
        result="refused",
    )
    assert [(a.command, a.allowed, a.actor_id) for a in store.actions()] == [
        ("/chat end", False, BIG)
    ]
    store.add_usage(occ.id, Usage(requests=2, posts_read=150))
    store.add_usage(occ.id, Usage(requests=1, posts_created=1))
    usage = store.usage(occ.id)
    assert (usage.requests, usage.posts_read, usage.posts_created) == (3, 150, 1)
    store.save_schedule_state(ScheduleOverride("smbchat", paused=True))
    assert store.schedule_state("smbchat").paused
    assert store.schedule_state("other") == ScheduleOverride("other")
