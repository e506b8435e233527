"""Terminal escapes in answers are stored as written, but reach neither X nor a terminal."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from pathlib import Path

from chatbot.recap import build_recap
from chatbot.reports import print_recap
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK2, ChatWorld, chat_spec, question_set, user

HOSTILE = "A1: \x1b[2J\x1b]0;owned\x07we \x1b[31mcall\x1b[0m every\rcustomer back\x08 #SMBchat"


def controls(text: str) -> set[str]:
    """The control characters in ``text``, but newlines."""
    return {c for c in text if unicodedata.category(c) == "Cc" and c != "\n"}


def test_escapes_in_an_answer_stay_stored_but_leave_the_thread_and_the_terminal(
    store: Repository, tmp_path: Path
) -> None:
    world = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    world.question(1, minute=2)
    world.post(user("mallory", uid=990), HOSTILE, minute=3, likes=50)
    world.post(user("ann", uid=991), "A1: we post every day #SMBchat", minute=4)
    world.save()

    recap = build_recap(store, chat_spec(), question_set(), world.occurrence_id, out_dir=tmp_path)

    thread = "\n".join(recap.posts)
    assert "mallory: “A1: we call every customer back”" in thread
    assert controls(thread) == set()
    shown = io.StringIO()
    print_recap(recap, shown)
    assert controls(shown.getvalue()) == set()
    (stored,) = [p for p in store.collected_posts(world.occurrence_id) if p.text == HOSTILE]
    assert stored.author_username == "mallory"


def test_escapes_in_a_thread_post_never_reach_the_terminal(
    store: Repository, tmp_path: Path
) -> None:
    world = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    world.question(1, minute=2)
    world.save()
    recap = build_recap(store, chat_spec(), question_set(), world.occurrence_id, out_dir=tmp_path)
    # A moderator's /chat ask text, say, with an escape in it.
    asked = recap.posts[0] + "\n\x1b]0;owned\x07Q9: and you?\x1b[8m"
    shown = io.StringIO()
    print_recap(replace(recap, posts=[asked]), shown)
    assert "Q9: and you?" in shown.getvalue() and controls(shown.getvalue()) == set()
