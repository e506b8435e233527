"""Who the recap puts forward: each question's best answers, and who gets a shout-out.

Both read posts with the classifier of ``chatbot.domain.chatter``, the one that
infers unlabelled answers: greetings, thanks, questions back, cheers and spam say
nothing; what is left is the post's substance, in words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from chatbot.domain.chatter import asks, is_spam, substance
from chatbot.domain.posts import Network
from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.stats import ChatStats, top_contributors

ONE_LINER = 5  # an answer saying fewer words than this is a one-liner
TOP_VOICES = 3


@dataclass(frozen=True, slots=True)
class Shoutouts:
    """Who the shout-out post names, and how many of those who answered it only counts."""

    top: list[str]
    new: list[str]
    new_unnamed: int  # first-timers who answered but are not named
    answered: int  # everyone who answered a question


def _tier(post: ChatPost, words: int) -> int | None:
    """0: a substantive answer; 1: a substantive reply in an answer's conversation;
    2: a one-liner, or a reply asking back; None: says nothing (never a highlight)."""
    if not words:
        return None
    if words < ONE_LINER or (not post.is_answer and asks(post.text)):
        return 2
    return 0 if post.is_answer else 1


def highlights(record: ChatRecord, *, per_question: int = 2) -> dict[int, list[ChatPost]]:
    """Per question, its best posts, one per author: substantive answers first, then
    substantive replies under them; one-liners and questions back only when nothing
    substantive was said. Ranked by engagement once X's metrics are in, else by substance.
    """
    metrics_known = any(p.metrics.engagement for p in record.posts)
    tiers: dict[tuple[int, int], list[tuple[tuple[int, int, datetime, int], ChatPost]]]
    tiers = defaultdict(list)
    for post in record.posts:
        if not post.questions:
            continue
        words = substance(post.text)
        tier = _tier(post, words)
        if tier is None:
            continue
        engagement = post.metrics.engagement if metrics_known else 0
        rank = (-engagement, -words, post.created_at, post.id)
        for number in post.questions:
            tiers[number, tier].append((rank, post))
    best: dict[int, list[ChatPost]] = {}
    for number in sorted(record.questions):
        ordered = sorted(tiers[number, 0]) + sorted(tiers[number, 1])
        candidates = ordered or sorted(tiers[number, 2])
        picked = _pick([post for _, post in candidates], per_question)
        if picked:
            best[number] = picked
    return best


def _pick(ranked: list[ChatPost], count: int) -> list[ChatPost]:
    """The first ``count`` posts of ``ranked``, one per author; when they come from several
    networks, each network's best is taken first (every network has its highlights), and
    the picks keep their rank order."""
    picked: dict[int, ChatPost] = {}  # rank -> post
    authors: set[int] = set()
    if len({post.network for post in ranked}) > 1:
        networks = set()
        for rank, post in enumerate(ranked):
            if len(picked) < count and post.network not in networks:
                networks.add(post.network)
                picked[rank] = post
                authors.add(post.author_id)
    for rank, post in enumerate(ranked):
        if len(picked) >= count:
            break
        if post.author_id not in authors:
            picked[rank] = post
            authors.add(post.author_id)
    return [picked[rank] for rank in sorted(picked)]


def choose_shoutouts(
    record: ChatRecord, stats: ChatStats, *, budget: int, network: Network | None = None
) -> Shoutouts:
    """Top voices, then first-timers, named within ``budget`` mentions: only people who
    answered a question, never one that posted spam (hidden accounts are not in the record).

    With ``network``, only that network's people are named (a mention reaches no one on
    another network); ``answered`` still counts everyone who answered, on every network.
    """
    spammers = {p.author_id for p in record.posts if is_spam(p.text)}
    answered = {
        p.author_id: p.username for p in record.posts if p.is_answer and p.author_id not in spammers
    }
    everyone = len(answered)
    contributors = stats.top_contributors
    theirs = [p for p in record.posts if p.network is network] if network else record.posts
    if len(theirs) != len(record.posts):  # people of other networks are left out
        authors = {p.author_id for p in theirs}
        answered = {uid: name for uid, name in answered.items() if uid in authors}
        contributors = top_contributors(theirs)
    names = set(answered.values())
    room = max(budget, 0)
    top = [c.username for c in contributors if c.username in names][: min(room, TOP_VOICES)]
    new = sorted(
        (
            answered[uid]
            for uid, person in record.people.items()
            if person.is_new and uid in answered and answered[uid] not in top
        ),
        key=str.lower,
    )
    named_new = new[: room - len(top)]
    return Shoutouts(top, named_new, len(new) - len(named_new), everyone)
