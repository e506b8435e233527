"""Turn an occurrence as stored into a ``ChatRecord``: hidden users left out, times found."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.recap.model import ChatRecord, StoredChat, redact_hidden


class RecordSource(Protocol):
    """Where stored chats come from (the database's repository)."""

    def stored_chat(self, occurrence_id: int) -> StoredChat:
        """Return an occurrence's posts, people, question times and X usage."""
        ...


def load_record(
    store: RecordSource, chat: ChatSpec, qset: QuestionSet, occurrence_id: int
) -> ChatRecord:
    """Gather an occurrence's participants' posts, answers, people and X usage."""
    return record_of(store.stored_chat(occurrence_id), chat, qset)


def record_of(stored: StoredChat, chat: ChatSpec, qset: QuestionSet) -> ChatRecord:
    """The recap's view of a stored chat: hidden users' posts out, their @mentions redacted."""
    hidden = stored.hidden
    posts = [
        replace(p, text=redact_hidden(p.text, hidden))
        for p in stored.posts
        if p.username.lower() not in hidden
    ]
    return ChatRecord(
        slug=chat.slug,
        title=qset.title or chat.title,
        hashtag=stored.hashtag or chat.hashtag,
        timezone=chat.timezone,
        local_date=stored.local_date,
        questions={q.number: q.text for q in qset.questions},
        question_times=_question_times(stored),
        posts=posts,
        people={p.author_id: stored.people[p.author_id] for p in posts},
        usage=stored.usage,
        hidden=hidden,
    )


def _question_times(stored: StoredChat) -> dict[int, datetime]:
    """When each question went out: the bot's sent q1..qn, else the host's "Qn:" posts."""
    times: dict[int, datetime] = {}
    for post in stored.host_posts:
        number = question_number_of_host_post(post.text)
        if number is not None:
            times.setdefault(number, post.created_at)
    times.update(stored.sent_questions)
    return dict(sorted(times.items()))
