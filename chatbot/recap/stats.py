"""The recap's numbers and highlights: pure functions over a ``ChatRecord``."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chatbot.domain.cost import Prices, Usage, cost_dollars
from chatbot.domain.posts import Network
from chatbot.recap.model import ChatPost, ChatRecord, Person, network_name


@dataclass(frozen=True, slots=True)
class Contributor:
    """A participant ranked by the questions they answered."""

    username: str
    questions: int  # distinct questions answered
    answers: int  # answer posts
    replies_received: int
    posts: int
    network: Network = Network.X


@dataclass(frozen=True, slots=True)
class NetworkStats:
    """One network's share of a chat: a person is their handle on that network."""

    network: Network
    participants: int
    new_participants: int
    returning_participants: int
    posts: int
    answers: int
    replies: int
    potential_reach: int

    @property
    def name(self) -> str:
        """The network as readers know it."""
        return network_name(self.network)


@dataclass(frozen=True, slots=True)
class ChatStats:
    """The headline numbers of one chat.

    Every post is one of: an answer (labelled, replying to a question, or inferred), a
    conversation reply (replying to another participant's post), or another post.
    A post answering A2/A3 is one answer, and counts for each of its questions.
    """

    participants: int
    new_participants: int
    returning_participants: int
    posts: int
    answers: int
    inferred_answers: int
    replies: int
    other_posts: int
    answers_per_question: dict[int, int]
    inferred_per_question: dict[int, int]
    replies_per_question: dict[int, int]  # conversation under each question's answers
    busiest_minute: datetime | None  # in the chat's zone
    busiest_minute_posts: int
    top_contributors: list[Contributor]
    potential_reach: int
    usage: Usage  # X's: reading Bluesky and Mastodon costs nothing
    cost_dollars: Decimal
    per_network: dict[Network, NetworkStats] = field(default_factory=dict)

    @property
    def several_networks(self) -> bool:
        """True when the chat was held on more than one network."""
        return len(self.per_network) > 1


def is_reply(post: ChatPost, participant_posts: set[int]) -> bool:
    """A conversation reply: not an answer, made in reply to another participant's post."""
    return not post.is_answer and post.in_reply_to_post_id in participant_posts


def per_question(posts: list[ChatPost], questions: list[int]) -> dict[int, int]:
    """Count the posts tied to each question (a post labelled A1/A2 counts for both)."""
    counts = dict.fromkeys(questions, 0)
    for post in posts:
        for number in post.questions:
            if number >= 1:
                counts[number] = counts.get(number, 0) + 1
    return dict(sorted(counts.items()))


def posts_per_minute(posts: list[ChatPost], zone: ZoneInfo) -> Counter[datetime]:
    """How many posts each local minute has (minutes with none left out)."""
    # Counted by the minute as stored, then each minute moved to the zone: the same
    # minutes (every UTC offset since 1972 is whole minutes), for a conversion a minute
    # instead of one a post.
    stored = Counter(p.created_at.replace(second=0, microsecond=0) for p in posts)
    minutes: Counter[datetime] = Counter()
    for minute, count in stored.items():
        minutes[minute.astimezone(zone)] += count
    return minutes


def busiest_minute(posts: list[ChatPost], timezone: str) -> tuple[datetime | None, int]:
    """Return the local minute with the most posts (earliest on a tie) and its count."""
    minutes = posts_per_minute(posts, ZoneInfo(timezone))
    if not minutes:
        return None, 0
    minute, count = min(minutes.items(), key=lambda kv: (-kv[1], kv[0]))
    return minute, count


def top_contributors(posts: list[ChatPost], *, limit: int = 5) -> list[Contributor]:
    """Who answered: by questions answered, then replies their posts drew from others.

    Splitting one answer into many posts earns nothing; people who answered no
    question are not contributors.
    """
    author_of = {p.id: p.author_id for p in posts}
    names = {p.author_id: p.username for p in posts}
    networks = {p.author_id: p.network for p in posts}
    questions: dict[int, set[int]] = defaultdict(set)
    answers: Counter[int] = Counter()
    replies: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for post in posts:
        total[post.author_id] += 1
        if post.is_answer:
            answers[post.author_id] += 1
            questions[post.author_id].update(post.questions)
        parent_author = author_of.get(post.in_reply_to_post_id or -1)
        if parent_author is not None and parent_author != post.author_id:
            replies[parent_author] += 1
    ranked = sorted(questions, key=lambda a: (-len(questions[a]), -replies[a], names[a].lower()))
    return [
        Contributor(names[a], len(questions[a]), answers[a], replies[a], total[a], networks[a])
        for a in ranked[:limit]
    ]


def potential_reach(people: dict[int, Person]) -> int:
    """Sum of the participants' followers: the most that could have seen the chat."""
    return sum(p.followers for p in people.values())


def compute_stats(record: ChatRecord, *, prices: Prices | None = None, top: int = 5) -> ChatStats:
    """Compute every headline number of a chat."""
    authors = {p.author_id for p in record.posts}
    people = {uid: person for uid, person in record.people.items() if uid in authors}
    new = sum(1 for p in people.values() if p.is_new)
    minute, minute_posts = busiest_minute(record.posts, record.timezone)
    ids = {p.id for p in record.posts}
    answers = [p for p in record.posts if p.is_answer]
    replies = [p for p in record.posts if is_reply(p, ids)]
    numbers = sorted(record.questions)
    return ChatStats(
        participants=len(authors),
        new_participants=new,
        returning_participants=len(authors) - new,
        posts=len(record.posts),
        answers=len(answers),
        inferred_answers=sum(1 for p in answers if p.is_inferred),
        replies=len(replies),
        other_posts=len(record.posts) - len(answers) - len(replies),
        answers_per_question=per_question(answers, numbers),
        inferred_per_question=per_question([p for p in answers if p.is_inferred], numbers),
        replies_per_question=per_question(replies, numbers),
        busiest_minute=minute,
        busiest_minute_posts=minute_posts,
        top_contributors=top_contributors(record.posts, limit=top),
        potential_reach=potential_reach(people),
        usage=record.usage,
        cost_dollars=cost_dollars(record.usage, prices),
        per_network=network_stats(record, people, ids),
    )


def network_stats(
    record: ChatRecord, people: dict[int, Person], ids: set[int]
) -> dict[Network, NetworkStats]:
    """Each of the chat's networks' numbers (a network with no posts counts zeros)."""
    posts: dict[Network, list[ChatPost]] = {n: [] for n in record.networks}
    for post in record.posts:
        posts.setdefault(post.network, []).append(post)
    found = {}
    for network, theirs in posts.items():
        authors = {p.author_id for p in theirs}
        new = sum(1 for uid in authors if uid in people and people[uid].is_new)
        answers = sum(1 for p in theirs if p.is_answer)
        found[network] = NetworkStats(
            network=network,
            participants=len(authors),
            new_participants=new,
            returning_participants=len(authors) - new,
            posts=len(theirs),
            answers=answers,
            replies=sum(1 for p in theirs if is_reply(p, ids)),
            potential_reach=sum(people[uid].followers for uid in authors if uid in people),
        )
    return dict(sorted(found.items(), key=lambda kv: list(Network).index(kv[0])))


def network_lines(stats: ChatStats, *, history: bool = True) -> list[str]:
    """One line of numbers per network, e.g. 'Bluesky: 12 people (3 new, 9 returning),
    40 posts, 31 answers, 5 replies' (``history``: new vs returning is known)."""
    lines = []
    for n in stats.per_network.values():
        people = plural(n.participants, "person", "people")
        if history:
            people += f" ({n.new_participants} new, {n.returning_participants} returning)"
        lines.append(
            f"{n.name}: {people}, {plural(n.posts, 'post')}, {plural(n.answers, 'answer')}, "
            f"{plural(n.replies, 'reply', 'replies')}"
        )
    return lines


def cost_line(stats: ChatStats) -> str:
    """What the chat cost: X's reads and posts; Bluesky's and Mastodon's cost nothing."""
    u = stats.usage
    line = (
        f"X cost: ${stats.cost_dollars} ({u.posts_read} posts read, "
        f"{u.posts_created} created, {u.posts_with_url} with a link)"
    )
    free = [n.name for n in stats.per_network.values() if n.network is not Network.X]
    if free:
        line += f"; reading and posting on {' and '.join(free)} costs nothing"
    return line


def compact_number(value: int) -> str:
    """Return 1234 as '1.2K' and 3400000 as '3.4M'."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if value >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(value)


def plural(count: int, word: str, words: str = "") -> str:
    """'1 answer', '2 answers'; ``words`` for an irregular plural ('people')."""
    return f"{count} {word if count == 1 else words or word + 's'}"
