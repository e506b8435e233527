"""A recurring chat and its question set, as loaded from ``schedules/`` and ``questions/``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from chatbot.domain.network import Network


@dataclass(frozen=True, slots=True)
class Question:
    """One numbered question; its number comes from its place in the file."""

    number: int
    text: str
    image: Path | None = None
    minutes: int | None = None  # overrides the schedule's interval after this question
    line: int = 0


@dataclass(frozen=True, slots=True)
class QuestionSet:
    """The texts of one chat: welcome, rules, questions, last call, closing, reminder."""

    key: str  # path under questions/ without ".toml", e.g. "smb/engaging-customers"
    title: str
    welcome: str
    rules: str
    last_call: str
    closing: str
    reminder: str
    questions: tuple[Question, ...]
    path: Path | None = None
    answer_letter: str = "A"  # what answers' numbers follow: "R" in a Spanish chat (R1:)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """When a chat recurs: a weekly day and time, or a cron expression (chat's own zone)."""

    weekday: int | None = None  # 0 = Monday
    hour: int = 0
    minute: int = 0
    cron: str | None = None

    def describe(self) -> str:
        """Human wording, e.g. 'every Tuesday at 20:00'."""
        if self.cron:
            return f"cron '{self.cron}'"
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        return f"every {days[self.weekday or 0]} at {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True, slots=True)
class RecapOptions:
    """How a chat's recap is published."""

    post_to_x: bool = True
    require_approval: bool = False
    delay_minutes: int = 10
    max_mentions_per_post: int = 8
    max_mentions: int = 40
    highlights_per_question: int = 2
    max_thread_posts: int = 8


@dataclass(frozen=True, slots=True)
class ChatSpec:
    """One recurring chat from a schedule file, hosted on one or more networks."""

    slug: str
    title: str
    hashtag: str  # with '#'
    host: str  # the X handle without '@' ("" when the chat is not on X)
    timezone: str  # IANA name
    recurrence: Recurrence
    question_set: str  # key of a QuestionSet
    duration_minutes: int = 60
    question_interval_minutes: int = 8
    first_question_after_minutes: int = 5
    last_call_before_end_minutes: int = 5
    reminders: tuple[timedelta, ...] = ()
    thread_under_welcome: bool = True
    grace_minutes: int = 15
    enabled: bool = True
    recap: RecapOptions = field(default_factory=RecapOptions)
    path: Path | None = None
    networks: tuple[Network, ...] = (Network.X,)
    # The host account on each network, as Author.handle writes it (no leading "@"):
    # "SMBchatHost", "smbchat.bsky.social", "smbchat@mastodon.social". The X one is ``host``.
    hosts: Mapping[Network, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if Network.X in self.networks and Network.X not in self.hosts:
            object.__setattr__(self, "hosts", {Network.X: self.host, **self.hosts})

    @property
    def duration(self) -> timedelta:
        """The chat window's length."""
        return timedelta(minutes=self.duration_minutes)
