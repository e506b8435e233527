"""recap.html: one self-contained page that opens at once however long the chat was.

The numbers, chart, highlights and thread are plain HTML. Each question's transcript is
a collapsed ``<details>`` whose posts travel as JSON (escaped for HTML by Jinja's
``tojson``) and are drawn with ``textContent``, a batch at a time, when it is opened:
a 50,000-post chat makes a page of a few hundred elements, not hundreds of thousands.
The page is written as the template renders it, never held whole in memory.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, PackageLoader
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from chatbot.domain.posts import Network
from chatbot.recap.files import how, local_time, names_networks
from chatbot.recap.model import ChatPost, ChatRecord, network_name, profile_url
from chatbot.recap.stats import ChatStats, compact_number
from chatbot.recap.tree import Section, walk

BATCH = 200  # posts drawn each time a reader opens a question or asks for more
Row = list[str | int]
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def post_rows(record: ChatRecord, section: Section) -> Iterator[Row]:
    """A section's posts, each before its replies, as the page's script draws them.

    Ids go as text: JavaScript numbers lose digits beyond 2**53. A Bluesky or Mastodon
    post also carries its network's name, its address and its author's page (an X post's
    are made by the script from its id and handle, as they always were).
    """
    for p, depth in walk(section):
        m = p.metrics
        row: Row = [
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
        if p.network is not Network.X:
            row += [network_name(p.network), p.url, p.profile]
        yield row


def section_json(record: ChatRecord, section: Section) -> Iterator[Markup]:
    """A section's rows as a JSON array, escaped for a ``<script>`` as Jinja's ``tojson``
    escapes, in pieces of ``BATCH`` rows (one filter call per row cost more than the rows)."""
    rows = post_rows(record, section)
    yield Markup("[")
    first = True
    while batch := list(itertools.islice(rows, BATCH)):
        text = ",".join(map(_dumps, batch))
        yield htmlsafe_json_dumps(text if first else "," + text, dumps=_as_is)
        first = False
    yield Markup("]")


def _as_is(text: str) -> str:
    return text


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
    parts: list[Section],
) -> Path:
    """Write recap.html (inline CSS and script, chart as a data: URI, all text escaped)."""
    env = Environment(loader=PackageLoader("chatbot.recap", "templates"), autoescape=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    chart_uri = None
    if chart is not None and chart.exists():
        chart_uri = "data:image/png;base64," + base64.b64encode(chart.read_bytes()).decode()
    with path.open("w", encoding="utf-8") as handle:
        page = env.get_template("recap.html.j2").generate(
            record=record,
            stats=stats,
            best=best,
            thread=thread,
            sections=parts,
            sizes={s.number: sum(1 for _ in walk(s)) for s in parts},
            rows=lambda section: section_json(record, section),
            summary=lambda section, size: summary(stats, section, size),
            chart_uri=chart_uri,
            reach=compact_number(stats.potential_reach),
            local=lambda moment: local_time(record, moment),
            how=how,
            batch=BATCH,
            networks=names_networks(record),
            network_name=network_name,
            profile=profile_url,
            free=[n.name for n in stats.per_network.values() if n.network is not Network.X],
        )
        handle.writelines(page)
    return path
