"""recap.html: one self-contained page that opens at once however long the chat was.

The numbers, chart, highlights and thread are plain HTML. Each question's transcript is
a collapsed ``<details>`` whose posts travel as JSON (escaped for HTML by Jinja's
``tojson``) and are drawn with ``textContent``, a batch at a time, when it is opened:
a 50,000-post chat makes a page of a few hundred elements, not hundreds of thousands.
The page is written as the template renders it, never held whole in memory.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, PackageLoader

from chatbot.recap.files import how, local_time
from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.stats import ChatStats, compact_number
from chatbot.recap.tree import Section, sections, walk

BATCH = 200  # posts drawn each time a reader opens a question or asks for more
Row = list[str | int]


def post_rows(record: ChatRecord, section: Section) -> Iterator[Row]:
    """A section's posts, each before its replies, as the page's script draws them.

    Ids go as text: JavaScript numbers lose digits beyond 2**53.
    """
    for node, depth in walk(section.threads):
        p, m = node.post, node.post.metrics
        yield [
            str(p.id),
            p.username,
            p.name,
            local_time(record, p.created_at),
            p.text,
            depth,
            how(p),
            m.like_count,
            m.reply_count,
            m.retweet_count,
            m.quote_count,
        ]


def summary(stats: ChatStats, section: Section, rows: int) -> str:
    """What a collapsed section holds, e.g. '57 answers (4 inferred) · 12 replies'."""
    if not section.number:
        return f"{rows} posts"
    answers = stats.answers_per_question.get(section.number, 0)
    inferred = stats.inferred_per_question.get(section.number, 0)
    replies = stats.replies_per_question.get(section.number, 0)
    text = f"{answers} answers" + (f" ({inferred} inferred)" if inferred else "")
    return f"{text} · {replies} replies"


def write_html(
    record: ChatRecord,
    stats: ChatStats,
    best: dict[int, list[ChatPost]],
    thread: list[str],
    path: Path,
    *,
    chart: Path | None,
) -> Path:
    """Write recap.html (inline CSS and script, chart as a data: URI, all text escaped)."""
    env = Environment(loader=PackageLoader("chatbot.recap", "templates"), autoescape=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    chart_uri = None
    if chart is not None and chart.exists():
        chart_uri = "data:image/png;base64," + base64.b64encode(chart.read_bytes()).decode()
    parts = sections(record)
    with path.open("w", encoding="utf-8") as handle:
        page = env.get_template("recap.html.j2").generate(
            record=record,
            stats=stats,
            best=best,
            thread=thread,
            sections=parts,
            sizes={s.number: sum(1 for _ in walk(s.threads)) for s in parts},
            rows=lambda section: post_rows(record, section),
            summary=lambda section, size: summary(stats, section, size),
            chart_uri=chart_uri,
            reach=compact_number(stats.potential_reach),
            local=lambda moment: local_time(record, moment),
            how=how,
            batch=BATCH,
        )
        handle.writelines(page)
    return path
