"""The recap's files: posts.csv, recap.md and one self-contained recap.html."""

from __future__ import annotations

import base64
import csv
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader

from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.stats import ChatStats, compact_number
from chatbot.recap.tree import Node, sections

CSV_COLUMNS = (
    "id",
    "time",
    "author",
    "question",
    "parent",
    "text",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "impressions",
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|!~>])")


def write_csv(record: ChatRecord, path: Path) -> Path:
    """One row per participant post; the csv module quotes commas, quotes and newlines."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for p in record.posts:
            m = p.metrics
            writer.writerow(
                [
                    p.id,
                    p.created_at.isoformat(),
                    p.username,
                    ";".join(str(n) for n in p.questions) or "0",
                    p.in_reply_to_post_id or "",
                    p.text,
                    m.like_count,
                    m.reply_count,
                    m.retweet_count,
                    m.quote_count,
                    m.impression_count,
                ]
            )
    return path


def md_escape(text: str) -> str:
    """Make participant text inert in Markdown: HTML entities and markup escaped, one line."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _local(record: ChatRecord, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(record.timezone)).strftime("%H:%M")


def render_markdown(
    record: ChatRecord, stats: ChatStats, best: dict[int, list[ChatPost]], thread: list[str]
) -> str:
    """The recap as Markdown: numbers, highlights, the thread and the transcript."""
    out = [f"# {md_escape(record.title)}", ""]
    out.append(f"{md_escape(record.hashtag)} · {record.local_date} · times in {record.timezone}")
    out += ["", "## Numbers", ""]
    people = f"- Participants: {stats.participants}"
    if record.knows_history:
        people += f" ({stats.new_participants} new, {stats.returning_participants} returning)"
    out += [people, f"- Posts: {stats.posts}"]
    if stats.busiest_minute is not None:
        out.append(
            f"- Busiest minute: {stats.busiest_minute:%H:%M} ({stats.busiest_minute_posts} posts)"
        )
    out.append(f"- Potential reach: {compact_number(stats.potential_reach)} followers")
    u = stats.usage
    out.append(
        f"- X cost: ${stats.cost_dollars} ({u.posts_read} posts read, "
        f"{u.posts_created} created, {u.posts_with_url} with a link)"
    )
    out += ["", "| Question | Answers |", "| --- | --- |"]
    for number, count in stats.answers_per_question.items():
        out.append(f"| Q{number}: {md_escape(record.questions.get(number, ''))} | {count} |")
    out += ["", "### Top contributors", "", "| Who | Answers | Replies received | Posts |"]
    out.append("| --- | --- | --- | --- |")
    for c in stats.top_contributors:
        out.append(f"| @{md_escape(c.username)} | {c.answers} | {c.replies_received} | {c.posts} |")
    out += ["", "![Activity](activity.png)", "", "## Highlights", ""]
    for number, posts in best.items():
        out.append(f"### Q{number}: {md_escape(record.questions.get(number, ''))}")
        out.append("")
        for p in posts:
            out.append(
                f"- [@{md_escape(p.username)}]({p.url}) ({p.metrics.engagement} engagements): "
                f"{md_escape(p.text)}"
            )
        out.append("")
    out += ["## Recap thread", ""]
    for i, text in enumerate(thread, start=1):
        out.append(f"{i}. {md_escape(text)}")
    out += ["", "## Transcript", ""]
    for section in sections(record):
        out += [f"### {md_escape(section.title)}", ""]
        out += _md_nodes(record, section.threads, depth=0) or ["_No answers._"]
        out.append("")
    return "\n".join(out)


def _md_nodes(record: ChatRecord, nodes: list[Node], *, depth: int) -> list[str]:
    lines: list[str] = []
    stack = [(n, depth) for n in reversed(nodes)]
    while stack:
        node, level = stack.pop()
        p = node.post
        lines.append(
            f"{'  ' * level}- **@{md_escape(p.username)}** [{_local(record, p.created_at)}]"
            f"({p.url}): {md_escape(p.text)}"
        )
        stack.extend((child, level + 1) for child in reversed(node.children))
    return lines


def render_html(
    record: ChatRecord, stats: ChatStats, thread: list[str], *, chart: Path | None
) -> str:
    """One self-contained page (inline CSS, chart as a data: URI); all text autoescaped."""
    env = Environment(loader=PackageLoader("chatbot.recap", "templates"), autoescape=True)
    chart_uri = None
    if chart is not None and chart.exists():
        chart_uri = "data:image/png;base64," + base64.b64encode(chart.read_bytes()).decode()
    return env.get_template("recap.html.j2").render(
        record=record,
        stats=stats,
        thread=thread,
        sections=sections(record),
        chart_uri=chart_uri,
        reach=compact_number(stats.potential_reach),
        total_answers=sum(stats.answers_per_question.values()),
        local=lambda moment: _local(record, moment),
    )
