"""Who the recap puts forward: highlights and shout-outs, on small chats in a real database."""

from __future__ import annotations

from pathlib import Path

from chatbot.recap import build_recap
from chatbot.recap.load import load_record
from chatbot.recap.model import ChatRecord
from chatbot.recap.picks import highlights
from chatbot.recap.thread import mentions_in
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK1, WEEK2, ChatWorld, chat_spec, question_set, user

ALICE = user("alice", uid=11)
BOB = user("bob", uid=12)
CAROL = user("carol", uid=13)
DAVE = user("dave", uid=14)
ERIN = user("erin", uid=15)
SPAMMER = user("cheap_followers_4u", uid=99, name="BUY FOLLOWERS")


def record_of(store: Repository, world: ChatWorld) -> ChatRecord:
    return load_record(store, chat_spec(), question_set(), world.occurrence_id)


def picked(store: Repository, world: ChatWorld, number: int) -> list[str]:
    """The handles a question's highlights name, best first."""
    return [p.username for p in highlights(record_of(store, world))[number]]


def test_real_answers_come_before_questions_back_and_small_talk(store: Repository) -> None:
    """The chat of issue 16: replies asking back or agreeing were picked over answers."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(2, minute=10)
    a2 = w.post(ALICE, "A2: We answer every DM within the hour, weekends too. #SMBchat", minute=11)
    w.post(BOB, "within the hour is bold! How do you manage weekends? #SMBchat", minute=12,
           reply_to=a2, likes=40)  # fmt: skip
    w.post(CAROL, "Same here, totally agree #SMBchat", minute=12, reply_to=a2, likes=30)
    w.post(DAVE, "Ooh, how did you start with that? #SMBchat", minute=13, reply_to=a2, likes=20)
    w.post(ERIN, "A2: a slow reply cost us a wedding order once, never again #SMBchat", minute=14)
    w.save()
    assert picked(store, w, 2) == ["erin", "alice"]  # no likes between them: the more said


def test_one_author_takes_at_most_one_highlight_of_a_question(store: Repository) -> None:
    """Issue 16: one person's A2a and A2b took both slots."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(2, minute=10)
    w.post(ALICE, "A2a: Instagram stories with polls, people love to vote #SMBchat", minute=11,
           likes=9)  # fmt: skip
    w.post(ALICE, "A2b: and we reply to every single comment the same day #SMBchat", minute=12,
           likes=8)  # fmt: skip
    w.post(BOB, "A2: Local radio ads still bring older customers to the shop #SMBchat", minute=13,
           likes=1)  # fmt: skip
    w.save()
    assert picked(store, w, 2) == ["alice", "bob"]


def test_a_one_liner_is_picked_only_when_nothing_substantive_was_said(
    store: Repository,
) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(ALICE, "A1: Instagram #SMBchat", minute=3, likes=50)
    w.post(BOB, "A1: Local radio ads bring older customers in every week #SMBchat", minute=4)
    w.question(2, minute=10)
    w.post(CAROL, "A2: Email, mostly #SMBchat", minute=11, likes=2)
    w.post(DAVE, "A2: What do you mean by reply? #SMBchat", minute=12, likes=9)  # asks only
    w.save()
    assert picked(store, w, 1) == ["bob"]
    assert picked(store, w, 2) == ["carol"]  # a question back is never a highlight


def test_engagement_ranks_once_metrics_are_known_and_substance_before(
    store: Repository,
) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    short = "A1: Reels with our staff, every week #SMBchat"
    long = "A1: Behind the scenes videos of the kitchen, early every morning, get the most love"
    w.post(ALICE, short, minute=3)
    w.post(BOB, f"{long} #SMBchat", minute=4)
    w.save()
    assert picked(store, w, 1) == ["bob", "alice"]  # no metrics yet: the more said first

    w2 = ChatWorld(store, local_date="2026-01-06", start=WEEK1)
    w2.question(1, minute=2)
    w2.post(ALICE, short, minute=3, likes=7)
    w2.post(BOB, f"{long} #SMBchat", minute=4, likes=1)
    w2.save()
    assert picked(store, w2, 1) == ["alice", "bob"]


def test_top_level_answers_come_before_replies_in_their_conversation(
    store: Repository,
) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    q1 = w.question(1, minute=2)
    a1 = w.post(ALICE, "A1: Newsletters every Friday bring people back #SMBchat", minute=3)
    w.post(BOB, "@alice we tried that too, and our open rate doubled in a month #SMBchat",
           minute=4, reply_to=a1, likes=30)  # fmt: skip
    w.post(CAROL, "Word of mouth from regulars beats any ad we ever ran #SMBchat", minute=5,
           reply_to=q1)  # fmt: skip
    w.save()
    assert picked(store, w, 1) == ["carol", "alice"]  # bob's reply, with 30 likes, comes after


def test_inferred_answers_can_be_highlights_and_say_so(store: Repository, tmp_path: Path) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(ALICE, "Honestly, reels work best for us, every single week #SMBchat", minute=3)
    w.save()
    record = record_of(store, w)
    [best] = highlights(record)[1]
    assert (best.username, best.is_inferred) == ("alice", True)
    recap = build_recap(store, chat_spec(), question_set(), w.occurrence_id, out_dir=tmp_path)
    assert "(0 engagements, inferred)" in recap.files.markdown.read_text(encoding="utf-8")
    assert '<span class="tag">inferred</span>' in recap.files.html.read_text(encoding="utf-8")


def test_hidden_authors_are_never_picked(store: Repository) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(ALICE, "A1: Newsletters every Friday bring people back #SMBchat", minute=3, likes=90)
    w.post(BOB, "A1: Local radio ads bring older customers in #SMBchat", minute=4, likes=1)
    w.save()
    store.hide_user(chat_slug="smb", username="alice", by="mod", now=w.at(60))
    assert picked(store, w, 1) == ["bob"]


def shoutout_chat(store: Repository) -> ChatWorld:
    """Week 1: alice. Week 2: alice back; bob, carol, dave, erin new; a spammer; a greeter."""
    w1 = ChatWorld(store, local_date="2026-01-06", start=WEEK1)
    w1.question(1, minute=2)
    w1.post(ALICE, "A1: Email newsletters, every week #SMBchat", minute=3)
    w1.save()
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.post(user("greta", uid=20), "Hi everyone! Excited to be here #SMBchat", minute=1)
    w.post(SPAMMER, "BUY FOLLOWERS NOW, real accounts #SMBchat", minute=1)
    w.question(1, minute=2)
    w.post(SPAMMER, "A1: 🔥 Buy 10k followers cheap!! #SMBchat", minute=2.5, likes=300)
    w.post(SPAMMER, "#SMBchat https://bit.ly/3gr0wth", minute=2.6)
    w.post(ALICE, "A1: Instagram stories with polls, people vote #SMBchat", minute=3)
    for i, who in enumerate((BOB, CAROL, DAVE, ERIN)):
        w.post(who, f"A1: idea number {i} that works for our small shop #SMBchat", minute=4 + i)
    w.post(user("hidden_hank", uid=21), "A1: walk-ins from our window display, every day #SMBchat",
           minute=9)  # fmt: skip
    w.save()
    store.hide_user(chat_slug="smb", username="hidden_hank", by="mod", now=w.at(60))
    return w


def test_shoutouts_name_only_who_answered_never_spam_or_hidden(
    store: Repository, tmp_path: Path
) -> None:
    """Issue 16: the thanks post @-mentioned an account that only posted BUY FOLLOWERS."""
    w = shoutout_chat(store)
    chat = chat_spec(max_mentions_per_post=4)
    recap = build_recap(store, chat, question_set(1), w.occurrence_id, out_dir=tmp_path)
    thread = "\n".join(recap.posts).lower()
    for name in ("cheap_followers_4u", "greta", "hidden_hank"):
        assert name not in thread
    shoutout = recap.posts[-1]
    named = mentions_in([shoutout])
    assert len(named) == 4  # max_mentions_per_post
    # Top voices first (all answered one question; by name), then first-timers by name,
    # the rest of them counted.
    assert "🌟 Top voices: @alice @bob @carol" in shoutout
    assert "👋 Welcome, first-timers: @dave +1 more" in shoutout
    assert "Thanks to all 5 of you who answered in #SMBchat on Tuesday 13 January" in shoutout


def test_with_no_mentions_left_first_timers_are_only_counted(
    store: Repository, tmp_path: Path
) -> None:
    w = shoutout_chat(store)
    chat = chat_spec(max_mentions=0)
    recap = build_recap(store, chat, question_set(1), w.occurrence_id, out_dir=tmp_path)
    assert mentions_in(recap.posts) == []
    assert "👋 Welcome to our 4 first-timers!" in recap.posts[-1]
