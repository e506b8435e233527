"""Read one occurrence from the database into a ``ChatRecord`` (hidden users left out)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from chatbot.domain.answers import question_number_of_host_post
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.posts import Metrics
from chatbot.recap.model import ChatPost, ChatRecord, Person, Usage, redact_hidden
from chatbot.storage.repository import ChatStore
from chatbot.storage.tables import Answer, CollectedPost, Occurrence


def load_record(
    store: ChatStore, chat: ChatSpec, qset: QuestionSet, occurrence_id: int
) -> ChatRecord:
    """Gather an occurrence's participants' posts, answers, people and X usage."""
    occ = store.get_occurrence(occurrence_id)
    if occ is None:
        raise KeyError(f"no occurrence {occurrence_id}")
    hidden = frozenset(store.hidden_usernames(chat.slug))
    rows = store.collected_posts(occurrence_id)
    host_rows = [r for r in rows if r.from_host]
    mine = [r for r in rows if not r.from_host and r.author_username.lower() not in hidden]
    by_post: dict[int, list[Answer]] = defaultdict(list)
    for answer in store.answers(occurrence_id):
        by_post[answer.post_id].append(answer)
    posts = [_chat_post(r, by_post.get(r.id, []), hidden) for r in mine]
    posts.sort(key=lambda p: (p.created_at, p.id))
    found = store.participants({p.author_id for p in posts})
    people = {}
    for post in posts:
        person = found.get(post.author_id)
        people[post.author_id] = Person(
            user_id=post.author_id,
            username=post.username,
            name=post.name,
            followers=person.followers_count if person else 0,
            is_new=bool(person and person.first_occurrence_id == occurrence_id),
        )
    return ChatRecord(
        slug=chat.slug,
        title=qset.title or chat.title,
        hashtag=occ.hashtag or chat.hashtag,
        timezone=chat.timezone,
        local_date=occ.local_date,
        questions={q.number: q.text for q in qset.questions},
        question_times=_question_times(store, occ, host_rows),
        posts=posts,
        people=people,
        usage=usage_of(store, occurrence_id),
        hidden=hidden,
    )


def _chat_post(row: CollectedPost, answers: list[Answer], hidden: frozenset[str]) -> ChatPost:
    numbered = sorted(
        (a for a in answers if a.question_number >= 1), key=lambda a: a.question_number
    )
    return ChatPost(
        id=row.id,
        author_id=row.author_id,
        username=row.author_username,
        name=row.author_name,
        text=redact_hidden(row.text, hidden),
        created_at=row.created_at,
        in_reply_to_post_id=row.in_reply_to_post_id,
        questions=tuple(a.question_number for a in numbered),
        labels=tuple(a.label for a in numbered if a.label),
        metrics=Metrics(
            like_count=row.like_count,
            reply_count=row.reply_count,
            retweet_count=row.retweet_count,
            quote_count=row.quote_count,
            impression_count=row.impression_count,
        ),
    )


def _question_times(
    store: ChatStore, occ: Occurrence, host_rows: list[CollectedPost]
) -> dict[int, datetime]:
    """When each question went out: the bot's sent q1..qn, else the host's "Qn:" posts."""
    times: dict[int, datetime] = {}
    for row in sorted(host_rows, key=lambda r: r.created_at):
        number = question_number_of_host_post(row.text)
        if number is not None:
            times.setdefault(number, row.created_at)
    assert occ.id is not None
    for bot_post in store.bot_posts(occ.id):
        key = bot_post.key
        if bot_post.state == "sent" and bot_post.sent_at and key[:1] == "q" and key[1:].isdigit():
            times[int(key[1:])] = bot_post.sent_at
    return dict(sorted(times.items()))


def usage_of(store: ChatStore, occurrence_id: int) -> Usage:
    """What an occurrence used on X so far, from its stored totals."""
    row = store.usage(occurrence_id)
    return Usage(
        requests=row.requests,
        posts_read=row.posts_read,
        posts_created=row.posts_created,
        posts_with_url=row.posts_with_url,
    )
