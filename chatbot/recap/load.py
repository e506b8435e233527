"""Turn an occurrence as stored into a ``ChatRecord``: hidden users left out, times found."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.posts import Network
from chatbot.recap.model import (
    ChatPost,
    ChatRecord,
    StoredChat,
    redact_hidden,
)

_QUESTION_PREFIX = re.compile(r"^\s*Q\s?\d{1,2}\s*[:.)\-]\s*")


class RecordSource(Protocol):
    """Where stored chats come from (the database's repository)."""

    def stored_chat(self, occurrence_id: int) -> StoredChat:
        """Return an occurrence's posts (each with its network and address), people,
        question times and X usage."""
        ...


def load_record(
    store: RecordSource, chat: ChatSpec, qset: QuestionSet, occurrence_id: int
) -> ChatRecord:
    """Gather an occurrence's participants' posts, answers, people and X usage, each post
    and person with its network."""
    return record_of(store.stored_chat(occurrence_id), chat, qset)


def record_of(stored: StoredChat, chat: ChatSpec, qset: QuestionSet) -> ChatRecord:
    """The recap's view of a stored chat: hidden users' posts out, their @mentions redacted.

    An imported chat's questions are the host's own "Qn:" posts (that week's set may
    not be today's), and who was new that week is not known.
    """
    hidden = stored.hidden
    posts = stored.posts
    if hidden:  # copies only then: a post is rebuilt when a hidden user's @mention goes
        posts = [_redacted(p, hidden) for p in posts if p.username.lower() not in hidden]
    asked = _host_questions(stored)
    if stored.imported:
        questions = {number: text for number, (_, text) in asked.items()}
    else:
        questions = {q.number: q.text for q in qset.questions}
    times = {number: moment for number, (moment, _) in asked.items()} | stored.sent_questions
    seen = {p.network for p in posts}
    return ChatRecord(
        slug=chat.slug,
        title=chat.title if stored.imported else qset.title or chat.title,
        hashtag=stored.hashtag or chat.hashtag,
        timezone=chat.timezone,
        local_date=stored.local_date,
        questions=questions,
        question_times=dict(sorted(times.items())),
        posts=posts,
        people={p.author_id: stored.people[p.author_id] for p in posts},
        usage=stored.usage,
        knows_history=not stored.imported,
        hidden=hidden,
        networks=tuple(n for n in Network if n in chat.networks or n in seen),
    )


def question_text(text: str) -> str:
    """A host's question post without its "Qn:" prefix."""
    return _QUESTION_PREFIX.sub("", text, count=1)


def _host_questions(stored: StoredChat) -> dict[int, tuple[datetime, str]]:
    """The host's "Qn:" posts: when each question went out, and its text."""
    found: dict[int, tuple[datetime, str]] = {}
    for post in stored.host_posts:
        number = question_number_of_host_post(post.text)
        if number is not None:
            found.setdefault(number, (post.created_at, question_text(post.text)))
    return found


def _redacted(post: ChatPost, hidden: frozenset[str]) -> ChatPost:
    text = redact_hidden(post.text, hidden)
    return post if text == post.text else replace(post, text=text)
