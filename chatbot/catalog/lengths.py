"""Every post a chat would make must fit X's weighted 280 characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.catalog.checks import FileCheck, Problem
from chatbot.catalog.lines import KeyLines
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.recurrence import next_occurrences
from chatbot.render.length import MAX_WEIGHTED_LENGTH, weighted_length
from chatbot.render.posts import context_for, describe_wait, fill, question_text, with_hashtag

NAMES = {
    "welcome": "welcome",
    "rules": "rules",
    "last_call": "last call",
    "closing": "closing",
    "reminder": "reminder",
}


def sample_context(chat: ChatSpec, qset: QuestionSet) -> dict[str, str]:
    """Placeholder values for the chat's next occurrence, with the longest reminder wording."""
    starts = next_occurrences(chat, datetime.now(UTC), 1)
    start = starts[0] if starts else datetime.now(UTC)
    waits = [describe_wait(offset) for offset in chat.reminders] or ["in 10 minutes"]
    context = context_for(
        hashtag=chat.hashtag,
        title=qset.title,
        chat=chat.title,
        host=chat.host,
        count=len(qset.questions),
        start=start,
        timezone=chat.timezone,
        until_start=timedelta(minutes=10),
    )
    context["when"] = max(waits, key=len)
    return context


def check_lengths(check: FileCheck, chat: ChatSpec, qset: QuestionSet) -> None:
    """Record a problem, at the question file's line, for each post over X's limit."""
    if qset.path is None:
        return
    lines = KeyLines(qset.path.read_text(encoding="utf-8"))
    context = sample_context(chat, qset)
    posts: list[tuple[str, str, int]] = []
    for key, name in NAMES.items():
        text = with_hashtag(fill(getattr(qset, key), context), chat.hashtag)
        posts.append((name, text, lines.line(key)))
    for question in qset.questions:
        text = question_text(question.number, fill(question.text, context), chat.hashtag)
        posts.append((f"Q{question.number}", text, question.line))
    for name, text, line in posts:
        length = weighted_length(text)
        if length > MAX_WEIGHTED_LENGTH:
            problem = Problem(
                qset.path,
                line,
                f"{name} is {length} characters as X counts them (limit {MAX_WEIGHTED_LENGTH}) "
                f"with {chat.hashtag} from {check.path.name}",
            )
            if problem not in check.problems:
                check.problems.append(problem)
            check.count += 1
