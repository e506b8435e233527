"""Every post a chat would make must fit each of its networks: X's weighted 280, Bluesky's
300 graphemes, a Mastodon instance's limit (500 unless ``chatbot doctor`` learns more)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.catalog.checks import FileCheck, Problem
from chatbot.catalog.lines import KeyLines
from chatbot.catalog.networks import NetworkSetup
from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.network import Network
from chatbot.domain.recurrence import next_occurrences
from chatbot.render.length import length_of
from chatbot.render.posts import context_for, describe_wait, fill, question_text, with_hashtag

NAMES = {
    "welcome": "welcome",
    "rules": "rules",
    "last_call": "last call",
    "closing": "closing",
    "reminder": "reminder",
}
# How a network counts, in a problem: "Q2 is 305 graphemes on Bluesky".
COUNTED = {
    Network.X: "characters as X counts them",
    Network.BLUESKY: "graphemes on Bluesky",
    Network.MASTODON: "characters as Mastodon counts them",
}


def sample_context(chat: ChatSpec, qset: QuestionSet, network: Network) -> dict[str, str]:
    """Placeholder values for the chat's next occurrence on ``network`` (its host handle),
    with the longest reminder wording."""
    starts = next_occurrences(chat, datetime.now(UTC), 1)
    start = starts[0] if starts else datetime.now(UTC)
    waits = [describe_wait(offset) for offset in chat.reminders] or ["in 10 minutes"]
    context = context_for(
        hashtag=chat.hashtag,
        title=qset.title,
        chat=chat.title,
        host=chat.hosts.get(network, chat.host),
        count=len(qset.questions),
        start=start,
        timezone=chat.timezone,
        until_start=timedelta(minutes=10),
    )
    context["when"] = max(waits, key=len)
    return context


def chat_posts(
    chat: ChatSpec, qset: QuestionSet, network: Network, lines: KeyLines
) -> list[tuple[str, str, int]]:
    """Each post the chat makes on ``network``: (its name, its text, its question file line)."""
    context = sample_context(chat, qset, network)
    posts: list[tuple[str, str, int]] = []
    for key, name in NAMES.items():
        text = with_hashtag(fill(getattr(qset, key), context), chat.hashtag)
        posts.append((name, text, lines.line(key)))
    for question in qset.questions:
        text = question_text(question.number, fill(question.text, context), chat.hashtag)
        posts.append((f"Q{question.number}", text, question.line))
    return posts


def check_lengths(check: FileCheck, chat: ChatSpec, qset: QuestionSet, setup: NetworkSetup) -> None:
    """Record a problem, at the question file's line, for each post over the limit of each
    of the chat's networks: one per post and network, naming both and the count."""
    if qset.path is None:
        return
    lines = KeyLines(qset.path.read_text(encoding="utf-8"))
    for network in chat.networks:
        rule = setup.rule(network)
        for name, text, line in chat_posts(chat, qset, network, lines):
            length = length_of(text, rule)
            if length <= rule.limit:
                continue
            problem = Problem(
                qset.path,
                line,
                f"{name} is {length} {COUNTED[network]} (limit {rule.limit}"
                f"{_limit_source(network, setup)}) with {chat.hashtag} from {check.path.name}",
            )
            if problem not in check.problems:
                check.problems.append(problem)
            check.count += 1


def _limit_source(network: Network, setup: NetworkSetup) -> str:
    """Where a Mastodon limit comes from: each instance sets its own."""
    if network is not Network.MASTODON:
        return ""
    if network in setup.rules:
        return ", the instance's"
    return ", Mastodon's default: `chatbot doctor` reads your instance's"
