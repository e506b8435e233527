"""The recap's data files: posts.csv and recap.md, written as they are made."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot.domain.posts import Network
from chatbot.recap.model import ChatPost, ChatRecord, network_name
from chatbot.recap.stats import ChatStats, compact_number, cost_line, network_lines
from chatbot.recap.tree import Section, walk

CSV_COLUMNS = (
    "id",
    "time",
    "author",
    "question",
    "method",
    "parent",
    "text",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "impressions",
    "network",
    "url",
)
# OWASP's CSV injection advice: a cell starting with one of these is run as a formula by
# spreadsheet programs; a leading apostrophe makes it text. Every cell is also quoted, so
# a separator or a quote inside a text cannot start a new cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_URL_CODES = str.maketrans({"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E"})
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|!~>])")


def csv_cell(text: str) -> str:
    """A text cell a spreadsheet program shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(record: ChatRecord, path: Path) -> Path:
    """One row per participant post, every cell quoted and neutralised (``csv_cell``)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(CSV_COLUMNS)
        for p in record.posts:
            m = p.metrics
            writer.writerow(
                [
                    p.id,
                    p.created_at.isoformat(),
                    csv_cell(p.username),
                    ";".join(str(n) for n in p.questions) or "0",
                    p.method,
                    p.in_reply_to_post_id or "",
                    csv_cell(p.text),
                    m.like_count,
                    m.reply_count,
                    m.retweet_count,
                    m.quote_count,
                    m.impression_count,
                    p.network.value,
                    csv_cell(p.url),
                ]
            )
    return path


def md_escape(text: str) -> str:
    """Make participant text inert in Markdown: HTML entities and markup escaped, one line."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(_backslashed, text)


def md_link(text: str, url: str) -> str:
    """``text`` linked to ``url`` in Markdown (plain ``text`` when there is no address);
    brackets and spaces are percent-encoded so the address cannot end the link early."""
    return f"[{text}]({url.translate(_URL_CODES)})" if url else text


def names_networks(record: ChatRecord) -> bool:
    """Whether the files name each post's network: always, unless the chat was X's alone
    (whose files stay as they always were)."""
    return record.networks != (Network.X,)


def on_network(record: ChatRecord, post: ChatPost) -> str:
    """ " on Bluesky" after a handle, when the files name networks."""
    return f" on {network_name(post.network)}" if names_networks(record) else ""


def _backslashed(match: re.Match[str]) -> str:
    # A function, not the template r"\\\1": expanding a template costs more than the match.
    return "\\" + match.group(1)


def local_time(record: ChatRecord, moment: datetime) -> str:
    """A moment as HH:MM in the chat's zone."""
    local = moment.astimezone(ZoneInfo(record.timezone))
    return f"{local.hour:02d}:{local.minute:02d}"  # twice as fast as strftime


def how(post: ChatPost) -> str:
    """How a post answers, for readers: its labels, "inferred", or nothing."""
    if post.labels:
        return ", ".join(post.labels)
    return "inferred" if post.is_inferred else ""


def write_markdown(
    record: ChatRecord,
    stats: ChatStats,
    best: dict[int, list[ChatPost]],
    thread: list[str],
    path: Path,
    *,
    parts: list[Section],
) -> Path:
    """Write the recap as Markdown: numbers, highlights, the thread and the transcript
    (``parts``, the record's ``sections``)."""
    with path.open("w", encoding="utf-8") as handle:
        for line in markdown_lines(record, stats, best, thread, parts):
            handle.write(line + "\n")
    return path


def markdown_lines(
    record: ChatRecord,
    stats: ChatStats,
    best: dict[int, list[ChatPost]],
    thread: list[str],
    parts: list[Section],
) -> Iterator[str]:
    """The Markdown recap, line by line."""
    yield f"# {md_escape(record.heading)}"
    yield ""
    yield f"{md_escape(record.hashtag)} · {record.local_date} · times in {record.timezone}"
    yield from ("", "## Numbers", "")
    people = f"- Participants: {stats.participants}"
    if record.knows_history:
        people += f" ({stats.new_participants} new, {stats.returning_participants} returning)"
    yield people
    if names_networks(record):
        yield from (f"  - {line}" for line in network_lines(stats, history=record.knows_history))
    yield (
        f"- Posts: {stats.posts}: {stats.answers} answers ({stats.inferred_answers} inferred), "
        f"{stats.replies} conversation replies, {stats.other_posts} other posts"
    )
    if stats.busiest_minute is not None:
        yield f"- Busiest minute: {stats.busiest_minute:%H:%M} ({stats.busiest_minute_posts} posts)"
    yield f"- Potential reach: {compact_number(stats.potential_reach)} followers"
    yield f"- {cost_line(stats)}"
    yield from (
        "",
        "| Question | Answers | of which inferred | Replies |",
        "| --- | --- | --- | --- |",
    )
    for number, count in stats.answers_per_question.items():
        yield (
            f"| Q{number}: {md_escape(record.questions.get(number, ''))} | {count} "
            f"| {stats.inferred_per_question.get(number, 0)} "
            f"| {stats.replies_per_question.get(number, 0)} |"
        )
    yield from ("", "### Top voices", "")
    yield "| Who | Questions answered | Answers | Replies received | Posts |"
    yield "| --- | --- | --- | --- | --- |"
    for c in stats.top_contributors:
        where = f" ({network_name(c.network)})" if names_networks(record) else ""
        yield (
            f"| @{md_escape(c.username)}{where} | {c.questions} | {c.answers} "
            f"| {c.replies_received} | {c.posts} |"
        )
    yield from ("", "![Activity](activity.png)", "", "## Highlights", "")
    for number, posts in best.items():
        yield f"### Q{number}: {md_escape(record.questions.get(number, ''))}"
        yield ""
        for p in posts:
            kind = f", {how(p)}" if how(p) else ""
            yield (
                f"- {md_link(f'@{md_escape(p.username)}', p.url)}{on_network(record, p)} "
                f"({p.metrics.engagement} engagements{md_escape(kind)}): {md_escape(p.text)}"
            )
        yield ""
    yield from ("## Recap thread", "")
    for i, text in enumerate(thread, start=1):
        yield f"{i}. {md_escape(text)}"
    yield from ("", "## Transcript", "")
    for section in parts:
        yield from (f"### {md_escape(section.title)}", "")
        if not section.threads:
            yield "_No answers._"
        for p, depth in walk(section):
            kind = f" ({md_escape(how(p))})" if how(p) else ""
            yield (
                f"{'  ' * depth}- **@{md_escape(p.username)}**{on_network(record, p)} "
                f"{md_link(local_time(record, p.created_at), p.url)}{kind}: {md_escape(p.text)}"
            )
        yield ""
