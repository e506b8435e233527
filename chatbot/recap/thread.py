"""The recap as an X thread: headline numbers, per-question highlights, shout-outs."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date

from chatbot.domain.chat import RecapOptions
from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.stats import ChatStats, compact_number
from chatbot.render.length import MAX_WEIGHTED_LENGTH, weighted_length
from chatbot.render.safe_text import printable
from chatbot.render.threads import is_mention, join_into_posts, split_into_posts, trim_to_fit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from twitter_text import extract_urls_with_indices


@dataclass(frozen=True, slots=True)
class Shoutouts:
    """Who the shout-out posts name, by section, and how many were left unnamed."""

    top: list[str]
    new: list[str]
    others: list[str]
    more: int

    @property
    def named(self) -> list[str]:
        """Every handle the shout-outs name, in order."""
        return [*self.top, *self.new, *self.others]


def strip_urls(text: str) -> str:
    """Remove anything X would count (and bill) as a link."""
    spans = [u["indices"] for u in extract_urls_with_indices(text)]
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def excerpt(text: str, *, hashtag: str, limit: int) -> str:
    """A post's words, less mentions, links, control characters and the hashtag, to ``limit``."""
    words = [
        w
        for w in strip_urls(printable(text)).split()
        if not is_mention(w) and not is_mention(w.lstrip(".")) and w.lower() != hashtag.lower()
    ]
    return trim_to_fit(" ".join(words), limit=limit)


def headline(record: ChatRecord, stats: ChatStats, *, limit: int) -> str:
    """The first post: thanks, the chat's numbers and its hashtag."""
    people = f"👥 {stats.participants} participants"
    if record.knows_history:
        people += f" ({stats.new_participants} new)"
    answers = sum(stats.answers_per_question.values())
    lines = [people, f"💬 {stats.posts} posts, {answers} answers"]
    per_q = " · ".join(f"Q{n} {c}" for n, c in stats.answers_per_question.items())
    optional = [f"Answers: {per_q}"] if per_q else []
    if stats.busiest_minute is not None:
        optional.append(
            f"⏱ Busiest minute: {stats.busiest_minute:%H:%M} ({stats.busiest_minute_posts} posts)"
        )
    if stats.potential_reach:
        optional.append(f"📣 Potential reach: {compact_number(stats.potential_reach)}")

    def compose(title: str, extra: list[str]) -> str:
        return "\n".join([f"Thanks for joining {record.hashtag}: {title}!", "", *lines, *extra])

    while optional and weighted_length(compose(record.title, optional)) > limit:
        optional.pop()
    text = compose(record.title, optional)
    if weighted_length(text) > limit:
        room = limit - weighted_length(compose("", optional))
        text = compose(trim_to_fit(record.title, limit=max(room, 1)), optional)
    return text if weighted_length(text) <= limit else trim_to_fit(text, limit=limit)


def highlight_post(
    record: ChatRecord, number: int, best: list[ChatPost], *, limit: int, mention: set[int]
) -> str:
    """One question's post: its text and its best answers (``mention``: ids to @-name)."""
    header = f"Q{number}: " + trim_to_fit(record.questions.get(number, ""), limit=100)
    budget = (limit - weighted_length(header) - 2) // max(len(best), 1) - 1
    lines = [header, ""]
    for post in best:
        who = f"@{post.username}" if post.id in mention else post.username
        lead = f"⭐ {who}: “"
        room = budget - weighted_length(lead + "”")
        words = excerpt(post.text, hashtag=record.hashtag, limit=max(room, 1))
        lines.append(f"{lead}{words}”" if words and room > 3 else f"⭐ {who}")
    return "\n".join(lines)


def choose_shoutouts(record: ChatRecord, stats: ChatStats, *, budget: int) -> Shoutouts:
    """Pick who to thank by name, top voices first, then first-timers, then everyone else."""
    people = sorted(record.people.values(), key=lambda p: p.username.lower())
    top = [c.username for c in stats.top_contributors[:3]]
    new = [p.username for p in people if p.is_new and p.username not in top]
    named = {*top, *new}  # a set: looking names up in the list was quadratic in people
    others = [p.username for p in people if p.username not in named]
    room = max(budget, 0)
    top = top[:room]
    new = new[: room - len(top)]
    others = others[: room - len(top) - len(new)]
    return Shoutouts(top, new, others, more=len(people) - len(top) - len(new) - len(others))


def shoutout_posts(
    record: ChatRecord, picked: Shoutouts, *, limit: int, per_post: int
) -> list[str]:
    """Shout-out posts naming each picked handle once, within the per-post mention cap."""
    blocks: list[str] = []
    sections = [
        ("🌟 Top voices today:", picked.top),
        ("👋 Welcome to our first-timers:", picked.new),
        ("🙏 Thanks for joining:", picked.others),
    ]
    for heading, names in sections:
        if names:
            handles = [f"@{n}" for n in names]
            blocks += split_into_posts(
                handles, prefix=f"{heading} ", limit=limit, max_mentions=per_post
            )
    # The date keeps this post unique week to week: X refuses duplicate texts.
    day = date.fromisoformat(record.local_date)
    closing = f"Thanks for {record.hashtag} on {day:%A} {day.day} {day:%B}, see you next time!"
    if picked.more:
        closing = f"…and {picked.more} more! {closing}"
    blocks.append(closing)
    return join_into_posts(blocks, limit=limit, max_mentions=per_post)


def compose_thread(
    record: ChatRecord,
    stats: ChatStats,
    best: dict[int, list[ChatPost]],
    *,
    options: RecapOptions,
    numbering: bool = True,
) -> list[str]:
    """The whole recap thread, every post within X's weighted 280."""
    reserve = weighted_length(" (99/99)") if numbering else 0
    limit = MAX_WEIGHTED_LENGTH - reserve
    per_post = max(options.max_mentions_per_post, 1)
    budget = options.max_mentions
    posts = [headline(record, stats, limit=limit)]
    for number, answers in best.items():
        mention = set()
        for post in answers[:per_post]:
            if budget > 0:
                mention.add(post.id)
                budget -= 1
        posts.append(highlight_post(record, number, answers, limit=limit, mention=mention))
    picked = choose_shoutouts(record, stats, budget=budget)
    posts += shoutout_posts(record, picked, limit=limit, per_post=per_post)
    if numbering and 1 < len(posts) < 100:
        posts = [f"{p} ({i}/{len(posts)})" for i, p in enumerate(posts, start=1)]
    return posts


def mentions_in(posts: list[str]) -> list[str]:
    """Every @handle the posts name, in order (for checks and previews)."""
    return [w.rstrip(".,:;!?)”") for p in posts for w in p.split() if is_mention(w)]
