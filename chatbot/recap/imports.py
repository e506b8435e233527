"""A chat the bot did not host, read from X, kept in the database as one of its weeks.

``chatbot transcript … --chat SLUG`` stores what it read as an occurrence of the chat
in the state "imported": the host never hosts, recaps on its own or publishes it, and
the series report (``chatbot report``) counts it with the weeks the bot hosted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from chatbot.domain.answers import Assignment
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.cost import Prices, Usage
from chatbot.domain.occurrence import Occurrence, OccurrenceState
from chatbot.domain.posts import XPost
from chatbot.recap.build import Recap, RecapStore, build_recap
from chatbot.recap.transcript import find_chat

IMPORTABLE = (OccurrenceState.SCHEDULED, OccurrenceState.SKIPPED, OccurrenceState.IMPORTED)


class ImportRefusedError(Exception):
    """The bot hosted the chat on that date: its own record is kept, nothing imported."""


class ImportStore(RecapStore, Protocol):
    """The synchronous reads and writes an import makes (run it in a worker thread)."""

    def find_occurrence(self, chat_slug: str, local_date: str) -> Occurrence | None:
        """Return the chat's occurrence on a local date, if any."""
        ...

    def get_or_create_occurrence(
        self,
        *,
        chat_slug: str,
        local_date: str,
        hashtag: str,
        question_set: str,
        scheduled_start: datetime,
    ) -> Occurrence:
        """Return the chat's occurrence on that local date, creating it once."""
        ...

    def hidden_usernames(self, chat_slug: str) -> set[str]:
        """Return the lower-case handles hidden from a chat."""
        ...

    def record_collection(
        self,
        *,
        occurrence_id: int,
        posts: Sequence[XPost],
        answers: Sequence[Assignment],
        since_id: int | None,
        now: datetime,
        host_user_id: int,
    ) -> list[XPost]:
        """Store posts and their answers in one transaction; return the new posts."""
        ...

    def add_usage(self, occurrence_id: int, usage: Usage) -> Usage:
        """Add X usage to an occurrence's totals."""
        ...

    def mark_imported(
        self, occurrence_id: int, *, started_at: datetime, ended_at: datetime
    ) -> None:
        """Keep an occurrence as imported from X (never hosted or published)."""
        ...


def local_date_of(chat: ChatSpec, start: datetime) -> str:
    """The chat's local date of a moment."""
    return start.astimezone(ZoneInfo(chat.timezone)).date().isoformat()


def check_importable(store: ImportStore, chat: ChatSpec, start: datetime) -> None:
    """Refuse, before anything is read from X, a date the bot hosted."""
    found = store.find_occurrence(chat.slug, local_date_of(chat, start))
    if found is not None and found.state not in IMPORTABLE:
        raise ImportRefusedError(
            f"{chat.hashtag} on {found.local_date} was hosted by the bot ({found.state}): "
            "its posts are in the database already"
        )


def import_transcript(
    store: ImportStore,
    chat: ChatSpec,
    qset: QuestionSet,
    posts: Sequence[XPost],
    *,
    start: datetime,
    end: datetime,
    requests: int,
    now: datetime,
    out_dir: Path,
    host_username: str | None = None,
    prices: Prices | None = None,
) -> Recap:
    """Store posts read from X as the chat's occurrence on ``start``'s local date, then
    build its recap files from the database. Posts already stored are kept as they were;
    hidden accounts' posts are not stored, as the collector would not have."""
    check_importable(store, chat, start)
    hidden = store.hidden_usernames(chat.slug)
    kept = [p for p in posts if p.author.username.lower() not in hidden]
    found = find_chat(kept, host_username=host_username or chat.host, hidden=hidden)
    occurrence = store.get_or_create_occurrence(
        chat_slug=chat.slug,
        local_date=local_date_of(chat, start),
        hashtag=chat.hashtag,
        question_set=chat.question_set,
        scheduled_start=start,
    )
    store.record_collection(
        occurrence_id=occurrence.id,
        posts=found.posts,
        answers=found.assignments,
        since_id=None,
        now=now,
        host_user_id=found.host_id if found.host_id is not None else -1,
    )
    store.add_usage(occurrence.id, Usage(requests=requests, posts_read=len(posts)))
    store.mark_imported(occurrence.id, started_at=start, ended_at=end)
    return build_recap(store, chat, qset, occurrence.id, out_dir=out_dir, prices=prices)
