"""The recap's numbers and highlights: pure functions over a ``ChatRecord``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chatbot.domain.cost import Prices, Usage, cost_dollars
from chatbot.recap.model import ChatPost, ChatRecord, Person


@dataclass(frozen=True, slots=True)
class Contributor:
    """A participant ranked by answers given and replies received."""

    username: str
    answers: int
    replies_received: int
    posts: int


@dataclass(frozen=True, slots=True)
class ChatStats:
    """The headline numbers of one chat."""

    participants: int
    new_participants: int
    returning_participants: int
    posts: int
    answers_per_question: dict[int, int]
    busiest_minute: datetime | None  # in the chat's zone
    busiest_minute_posts: int
    top_contributors: list[Contributor]
    potential_reach: int
    usage: Usage
    cost_dollars: Decimal


def answers_per_question(posts: list[ChatPost], questions: list[int]) -> dict[int, int]:
    """Count posts answering each question (a post labelled A1/A2 counts for both)."""
    counts = dict.fromkeys(questions, 0)
    for post in posts:
        for number in post.questions:
            if number >= 1:
                counts[number] = counts.get(number, 0) + 1
    return dict(sorted(counts.items()))


def busiest_minute(posts: list[ChatPost], timezone: str) -> tuple[datetime | None, int]:
    """Return the local minute with the most posts (earliest on a tie) and its count."""
    zone = ZoneInfo(timezone)
    minutes = Counter(p.created_at.astimezone(zone).replace(second=0, microsecond=0) for p in posts)
    if not minutes:
        return None, 0
    minute, count = min(minutes.items(), key=lambda kv: (-kv[1], kv[0]))
    return minute, count


def top_contributors(posts: list[ChatPost], *, limit: int = 5) -> list[Contributor]:
    """Rank authors by answers given, then replies received from others, then name."""
    author_of = {p.id: p.author_id for p in posts}
    names = {p.author_id: p.username for p in posts}
    answers: Counter[int] = Counter()
    replies: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for post in posts:
        total[post.author_id] += 1
        if any(n >= 1 for n in post.questions):
            answers[post.author_id] += 1
        parent_author = author_of.get(post.in_reply_to_post_id or -1)
        if parent_author is not None and parent_author != post.author_id:
            replies[parent_author] += 1
    ranked = sorted(total, key=lambda a: (-answers[a], -replies[a], -total[a], names[a].lower()))
    return [Contributor(names[a], answers[a], replies[a], total[a]) for a in ranked[:limit]]


def potential_reach(people: dict[int, Person]) -> int:
    """Sum of the participants' followers: the most that could have seen the chat."""
    return sum(p.followers for p in people.values())


def compute_stats(record: ChatRecord, *, prices: Prices | None = None, top: int = 5) -> ChatStats:
    """Compute every headline number of a chat."""
    authors = {p.author_id for p in record.posts}
    people = {uid: person for uid, person in record.people.items() if uid in authors}
    new = sum(1 for p in people.values() if p.is_new)
    minute, minute_posts = busiest_minute(record.posts, record.timezone)
    return ChatStats(
        participants=len(authors),
        new_participants=new,
        returning_participants=len(authors) - new,
        posts=len(record.posts),
        answers_per_question=answers_per_question(record.posts, sorted(record.questions)),
        busiest_minute=minute,
        busiest_minute_posts=minute_posts,
        top_contributors=top_contributors(record.posts, limit=top),
        potential_reach=potential_reach(people),
        usage=record.usage,
        cost_dollars=cost_dollars(record.usage, prices),
    )


def highlights(record: ChatRecord, *, per_question: int = 2) -> dict[int, list[ChatPost]]:
    """Per question, the answers with most engagement (earliest first on a tie)."""
    best: dict[int, list[ChatPost]] = {}
    for number in sorted(record.questions):
        answers = [p for p in record.posts if number in p.questions]
        answers.sort(key=lambda p: (-p.metrics.engagement, p.created_at, p.id))
        if answers:
            best[number] = answers[:per_question]
    return best


def compact_number(value: int) -> str:
    """Return 1234 as '1.2K' and 3400000 as '3.4M'."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if value >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(value)
