"""The recap as a thread on each network: headline numbers, per-question highlights,
shout-outs, each post within that network's length and naming its people its way."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date
from functools import partial

from chatbot.domain.chat import RecapOptions
from chatbot.domain.network import LengthRule
from chatbot.domain.posts import Network
from chatbot.recap.model import ChatPost, ChatRecord, network_name, short_handle
from chatbot.recap.picks import Shoutouts, choose_shoutouts
from chatbot.recap.stats import ChatStats, compact_number, plural
from chatbot.render.length import DEFAULT_RULES, length_of, weighted_length
from chatbot.render.safe_text import printable
from chatbot.render.threads import is_mention, trim_to_fit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from twitter_text import extract_urls_with_indices


def strip_urls(text: str) -> str:
    """Remove anything X would count (and bill) as a link."""
    spans = [u["indices"] for u in extract_urls_with_indices(text)]
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


Measure = Callable[[str], int]


def excerpt(text: str, *, hashtag: str, limit: int, measure: Measure = weighted_length) -> str:
    """A post's words, less mentions, links, control characters and the hashtag, to ``limit``."""
    words = [
        w
        for w in strip_urls(printable(text)).split()
        if not is_mention(w) and not is_mention(w.lstrip(".")) and w.lower() != hashtag.lower()
    ]
    return trim_to_fit(" ".join(words), limit=limit, measure=measure)


def greeting(record: ChatRecord, title: str) -> str:
    """The first line: thanks, with the hashtag once whether or not the title names it."""
    tag = record.hashtag
    if not title:
        return f"Thanks for joining {tag}!"
    if tag.lower() in title.lower():
        return f"Thanks for joining {title}!"
    return f"Thanks for joining {tag}: {title}!"


def headline(
    record: ChatRecord, stats: ChatStats, *, limit: int, measure: Measure = weighted_length
) -> str:
    """The first post: thanks, the chat's numbers (people on each network, when several)
    and its hashtag."""
    people = f"👥 {plural(stats.participants, 'participant')}"
    if record.knows_history:
        people += f" ({stats.new_participants} new)"
    talk = f"{plural(stats.answers, 'answer')} and {plural(stats.replies, 'reply', 'replies')}"
    lines = [people, f"💬 {talk} in {plural(stats.posts, 'post')}"]
    per_q = " · ".join(f"Q{n} {c}" for n, c in stats.answers_per_question.items())
    optional = [f"Answers: {per_q}"] if per_q else []
    if stats.several_networks:
        where = " · ".join(f"{n.name} {n.participants}" for n in stats.per_network.values())
        optional.insert(0, f"🌐 {where}")
    if stats.busiest_minute is not None:
        optional.append(
            f"⏱ Busiest minute: {stats.busiest_minute:%H:%M} ({stats.busiest_minute_posts} posts)"
        )
    if stats.potential_reach:
        optional.append(f"📣 Potential reach: {compact_number(stats.potential_reach)}")

    def compose(title: str, extra: list[str]) -> str:
        return "\n".join([greeting(record, title), "", *lines, *extra])

    title = record.title.strip()
    while optional and measure(compose(title, optional)) > limit:
        optional.pop()
    text = compose(title, optional)
    if measure(text) > limit:
        room = limit - measure(compose("", optional)) - 2
        text = compose(trim_to_fit(title, limit=max(room, 1), measure=measure), optional)
    return text if measure(text) <= limit else trim_to_fit(text, limit=limit, measure=measure)


def named(post: ChatPost, network: Network, *, mention: bool) -> str:
    """How a thread on ``network`` names a post's author: @-mentioned (``mention``) or by
    handle when they are on that network; someone of another network by the first part of
    their handle and their network ("ana (Bluesky)"): a whole foreign handle would be a link
    or someone else's mention there."""
    if post.network is not network:
        return f"{short_handle(post.network, post.username)} ({network_name(post.network)})"
    return f"@{post.username}" if mention else post.username


def highlight_block(
    record: ChatRecord,
    number: int,
    best: list[ChatPost],
    *,
    limit: int,
    mention: set[int],
    network: Network = Network.X,
    measure: Measure = weighted_length,
) -> str:
    """One question and its best answers within ``limit`` (``mention``: ids to @-name)."""
    question = trim_to_fit(
        record.questions.get(number, ""), limit=min(100, limit // 2), measure=measure
    )
    header = f"Q{number}: {question}"
    budget = (limit - measure(header) - 1) // max(len(best), 1) - 1
    lines = [header]
    for post in best:
        who = named(post, network, mention=post.id in mention)
        lead = f"⭐ {who}: “"
        room = budget - measure(lead + "”")
        words = excerpt(post.text, hashtag=record.hashtag, limit=max(room, 1), measure=measure)
        lines.append(f"{lead}{words}”" if words and room > 3 else f"⭐ {who}")
    return "\n".join(lines)


def shoutout_post(
    record: ChatRecord, picked: Shoutouts, *, limit: int, measure: Measure = weighted_length
) -> str:
    """The closing post: top voices and first-timers by name, the rest counted."""
    day = date.fromisoformat(record.local_date)
    # The date keeps this post unique week to week: X refuses duplicate texts.
    when = f"{record.hashtag} on {day:%A} {day.day} {day:%B}"
    closing = f"Thanks for {when}, see you next time!"
    if picked.answered:
        closing = (
            f"🙏 Thanks to all {picked.answered} of you who answered in {when}. See you next time!"
        )
    top, new, unnamed = list(picked.top), list(picked.new), picked.new_unnamed
    while True:
        lines = []
        if top:
            lines.append("🌟 Top voices: " + " ".join(f"@{n}" for n in top))
        if new:
            more = f" +{unnamed} more" if unnamed else ""
            lines.append("👋 Welcome, first-timers: " + " ".join(f"@{n}" for n in new) + more)
        elif unnamed:
            lines.append(f"👋 Welcome to our {plural(unnamed, 'first-timer')}!")
        text = "\n".join([*lines, "", closing] if lines else [closing])
        if measure(text) <= limit or not (top or new):
            if measure(text) <= limit:
                return text
            return trim_to_fit(text, limit=limit, measure=measure)
        if new:
            new.pop()
            unnamed += 1
        else:
            top.pop()


def compose_thread(
    record: ChatRecord,
    stats: ChatStats,
    best: dict[int, list[ChatPost]],
    *,
    options: RecapOptions,
    numbering: bool = True,
    network: Network = Network.X,
    rule: LengthRule | None = None,
) -> list[str]:
    """The whole recap thread on ``network``: the headline, highlights, and one post of
    shout-outs; at most ``options.max_thread_posts`` posts, each within ``rule`` (the
    network's default: X's weighted 280, Bluesky's 300 graphemes, Mastodon's 500).

    Only that network's people are @-named, within the chat's mention caps. When the
    questions outnumber the posts left for them, several share a post, with one
    highlight each.
    """
    rule = rule or DEFAULT_RULES[network]
    measure: Measure = weighted_length if rule.unit == "weighted" else partial(length_of, rule=rule)
    reserve = measure(" (99/99)") if numbering else 0
    limit = rule.limit - reserve
    per_post = max(options.max_mentions_per_post, 0)
    budget = options.max_mentions
    posts = [headline(record, stats, limit=limit, measure=measure)]
    slots = max(options.max_thread_posts, 2) - 2  # the headline and the shout-outs
    questions = list(best.items()) if slots else []
    size = -(-len(questions) // slots) if questions else 1  # questions sharing a post
    for start in range(0, len(questions), size):
        group = questions[start : start + size]
        room = (limit - 2 * (len(group) - 1)) // len(group)
        blocks, count = [], 0
        for number, answers in group:
            shown = answers if size == 1 else answers[:1]
            mention = set()
            for post in shown:
                if budget > 0 and count < per_post and post.network is network:
                    mention.add(post.id)
                    budget, count = budget - 1, count + 1
            blocks.append(
                highlight_block(
                    record,
                    number,
                    shown,
                    limit=room,
                    mention=mention,
                    network=network,
                    measure=measure,
                )
            )
        posts.append("\n\n".join(blocks))
    picked = choose_shoutouts(record, stats, budget=min(budget, per_post), network=network)
    posts.append(shoutout_post(record, picked, limit=limit, measure=measure))
    if numbering and 1 < len(posts) < 100:
        posts = [f"{p} ({i}/{len(posts)})" for i, p in enumerate(posts, start=1)]
    return posts


def mentions_in(posts: list[str]) -> list[str]:
    """Every @handle the posts name, in order (for checks and previews)."""
    return [w.rstrip(".,:;!?)”") for p in posts for w in p.split() if is_mention(w)]
