"""Plain data a recap is built from: one chat's posts, people, questions and X usage.

Loaded from the database (the store hands out a ``StoredChat``, which
``chatbot.recap.load`` turns into a ``ChatRecord``) or straight from X
(``chatbot.recap.transcript``); every function that computes or renders a
recap takes only these objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from chatbot.domain.cost import Usage
from chatbot.domain.posts import Metrics

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})\b")
INFERRED = "window"
NOT_ANSWERS = frozenset({"inherited", "general"})


def redact_hidden(text: str, hidden: frozenset[str] | set[str]) -> str:
    """Replace @mentions of hidden users with "@hidden" so they are never named."""
    if not hidden:
        return text
    return _MENTION.sub(lambda m: "@hidden" if m.group(1).lower() in hidden else m.group(0), text)


def post_url(username: str, post_id: int) -> str:
    """Return the public address of a post on X."""
    return f"https://x.com/{username}/status/{post_id}"


@dataclass(frozen=True, slots=True)
class ChatPost:
    """One participant's post with the questions it answers (empty: general)."""

    id: int
    author_id: int
    username: str
    name: str
    text: str
    created_at: datetime
    in_reply_to_post_id: int | None = None
    questions: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    method: str = "general"  # how its questions were found (chatbot.domain.answers.METHODS)

    @property
    def question(self) -> int:
        """The first question this post answers, 0 when general."""
        return self.questions[0] if self.questions else 0

    @property
    def is_answer(self) -> bool:
        """An answer to its questions, labelled, replying to one, or inferred; a reply
        under someone's answer only takes its question and is conversation, not an answer."""
        return bool(self.questions) and self.method not in NOT_ANSWERS

    @property
    def is_inferred(self) -> bool:
        """An unlabelled answer assigned to the question that was live when it was made."""
        return self.is_answer and self.method == INFERRED

    @property
    def url(self) -> str:
        """The post's address on X."""
        return post_url(self.username, self.id)


@dataclass(frozen=True, slots=True)
class Person:
    """A participant of this chat; ``is_new`` when this was their first chat."""

    user_id: int
    username: str
    name: str = ""
    followers: int = 0
    is_new: bool = False


@dataclass(frozen=True, slots=True)
class ChatRecord:
    """Everything one occurrence's recap needs; hidden users are already left out."""

    slug: str
    title: str
    hashtag: str
    timezone: str
    local_date: str
    questions: dict[int, str]
    question_times: dict[int, datetime]
    posts: list[ChatPost]  # participants' posts (never the host's), oldest first
    people: dict[int, Person]
    usage: Usage = field(default_factory=Usage)
    knows_history: bool = True  # False when new vs returning is unknown (transcript)
    hidden: frozenset[str] = frozenset()

    @property
    def heading(self) -> str:
        """The title for the files: the chat's title, or '#tag transcript' when it has none."""
        return self.title or f"{self.hashtag} transcript"


@dataclass(frozen=True, slots=True)
class StoredChat:
    """An occurrence as the database keeps it, before hidden users are left out."""

    hashtag: str
    local_date: str
    posts: list[ChatPost]  # participants' posts, oldest first, with the questions they answer
    host_posts: list[ChatPost]  # the host account's own posts, oldest first
    people: dict[int, Person]  # every author of ``posts``, by user id
    sent_questions: dict[int, datetime]  # when the bot's own Q1…Qn went out
    hidden: frozenset[str] = frozenset()  # lower-case handles hidden from this chat
    usage: Usage = field(default_factory=Usage)
    imported: bool = False  # read from X by ``chatbot transcript``, not hosted by the bot


@dataclass(frozen=True, slots=True)
class StoredWeek:
    """One occurrence of a chat as the series report reads it, hidden accounts left out."""

    local_date: str
    hashtag: str
    imported: bool  # read from X by `chatbot transcript`, not hosted by the bot
    people: dict[int, str]  # everyone who posted: user id -> handle
    answered: dict[int, int]  # user id -> questions they answered
    answers: int  # answer posts (one answering A2/A3 counts once)
    inferred: int  # of which inferred
    per_question: dict[int, int]  # answer posts per question
    questions: int  # questions asked
    usage: Usage = field(default_factory=Usage)
