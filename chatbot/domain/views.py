"""Data exchanged between the host and its control surfaces (Discord, CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chatbot.domain.posts import Network


@dataclass(frozen=True, slots=True)
class ControlResult:
    """Outcome of a moderator command, ready to show to the moderator."""

    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class LiveChat:
    """A chat in progress, as `/chat status` shows it."""

    slug: str
    hashtag: str
    title: str
    state: str  # "running", "paused", "closing"
    current_question: int  # 0 before Q1
    question_count: int
    current_question_text: str
    next_step: str  # e.g. "Q3", "last call", "closing"
    next_step_at: datetime | None
    ends_at: datetime
    posts_collected: int
    participants: int


@dataclass(frozen=True, slots=True)
class UpcomingChat:
    """A scheduled chat that has not started."""

    slug: str
    hashtag: str
    title: str
    starts_at: datetime
    timezone: str
    paused: bool = False
    skip_next: bool = False


@dataclass(frozen=True, slots=True)
class HostStatus:
    """Everything `/chat status` reports."""

    live: list[LiveChat] = field(default_factory=list)
    upcoming: list[UpcomingChat] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MirroredAnswer:
    """One collected post to mirror into a moderator's question thread."""

    post_id: int
    question_number: int | None  # None: general, not tied to a question
    author_username: str
    author_name: str
    text: str
    url: str  # where the post is on its network
    parent_post_id: int | None = None
    network: Network = Network.X


@dataclass(frozen=True, slots=True)
class RecapPreview:
    """The recap thread as it would be posted, and where its files are."""

    slug: str
    occurrence_date: str
    posts: list[str]
    files: list[str]
    status: str  # "draft", "awaiting approval", "published"
    numbers: tuple[str, ...] = ()  # per-network numbers and cost (``Recap.numbers()``)
