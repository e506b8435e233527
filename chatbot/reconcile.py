"""X's own records against the database: what a chat lost, doubled and read twice.

The X emulator keeps every post made and every read it served (``XEmulator.posts()``
and its log's ``summary()``, or ``GET /_emulator/posts`` and ``/_emulator/log``). After
a chat they are set against what the bot stored: ``chatbot demo``, the benchmarks and
the chaos campaign (``bench/chaos.py``) print the same figures from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatbot.hosting.collector import EARLY
from chatbot.storage.repository import Repository
from chatbot.x.convert import comparable, comparable_post


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """One occurrence, as X saw it and as the database holds it."""

    made: int  # participants' posts with the hashtag made in the collection window
    lost: list[int]  # of those, the ids the database does not hold
    bot_posts: int  # the host account's posts on X
    doubled: int  # host posts on X that repeat another's (as X shows it): a post made twice
    collected: int  # X posts the database holds for the occurrence (the bot's own included)
    billed: int  # posts X billed, each once per UTC day
    returned: int  # posts X returned, every time
    searched_again: int  # posts recent search returned more than once on one UTC day

    @property
    def billed_per_collected(self) -> float:
        """Billed reads per collected post: 1.00 means each post was paid for once."""
        return self.billed / self.collected if self.collected else 0.0

    @property
    def returned_per_collected(self) -> float:
        """Posts X returned per collected post (a metrics refresh returns each once more)."""
        return self.returned / self.collected if self.collected else 0.0

    def lines(self) -> list[str]:
        """The figures, one per line, as the demo and the benchmarks print them."""
        return [
            f"answers lost: {len(self.lost)} of {self.made} participant posts in the window",
            f"bot posts doubled: {self.doubled} of {self.bot_posts} on X",
            f"posts read more than once on the same day by search: {self.searched_again}",
            f"billed per collected post: {self.billed_per_collected:.2f}; returned per "
            f"collected post: {self.returned_per_collected:.2f} ({self.collected} collected)",
        ]


def reconcile(
    store: Repository,
    occurrence_id: int,
    *,
    x_posts: Sequence[Mapping[str, Any]],
    x_log: Mapping[str, Any],
    host_user_id: int,
) -> Reconciliation:
    """Set the emulator's posts and log against the database for one occurrence."""
    occurrence = store.get_occurrence(occurrence_id)
    if occurrence is None:
        raise KeyError(f"no occurrence {occurrence_id}")
    tag = occurrence.hashtag.lstrip("#").lower()
    start = occurrence.scheduled_start - EARLY
    end = occurrence.collect_until or datetime.max.replace(tzinfo=start.tzinfo)
    hidden = store.hidden_usernames(occurrence.chat_slug)
    host = [p for p in x_posts if int(p["author_id"]) == host_user_id]
    wanted = [
        int(p["id"])
        for p in x_posts
        if int(p["author_id"]) != host_user_id
        and start <= _created(p) < end
        and tag in {h["tag"].lower() for h in (p.get("entities") or {}).get("hashtags", [])}
        and not any(r["type"] == "retweeted" for r in p.get("referenced_tweets", []))
        and p["author"]["username"].lower() not in hidden
    ]
    # X's posts only: other networks' (negative stored ids) are neither billed nor on X.
    collected = {i for i in store.collected_post_ids(occurrence_id) if i > 0}
    texts = Counter(comparable_post(p) for p in host)  # X's links in text masked
    return Reconciliation(
        made=len(wanted),
        lost=[i for i in wanted if i not in collected],
        bot_posts=len(host),
        doubled=sum(n - 1 for n in texts.values()),
        collected=len(collected),
        billed=int(x_log["billed_reads"]),
        returned=int(x_log["posts_returned"]),
        searched_again=int(x_log["searched_again_same_day"]),
    )


def copies_on_x(text: str, x_posts: Sequence[Mapping[str, Any]], author_id: int) -> int:
    """How many of ``author_id``'s posts on X are the post whose text was ``text``."""
    wanted = comparable(text)
    return len(
        [p for p in x_posts if int(p["author_id"]) == author_id and comparable_post(p) == wanted]
    )


def _created(post: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(post["created_at"]).replace("Z", "+00:00"))
