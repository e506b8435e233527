"""Build an occurrence's recap: numbers, thread text and files, from the database."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from chatbot.domain.chat import ChatSpec, QuestionSet, RecapOptions
from chatbot.domain.cost import Prices
from chatbot.domain.network import LengthRule, Network
from chatbot.domain.occurrence import Occurrence, OccurrenceState, RecapState
from chatbot.recap.chart import draw_activity
from chatbot.recap.files import write_csv, write_markdown
from chatbot.recap.load import RecordSource, load_record
from chatbot.recap.model import ChatPost, ChatRecord
from chatbot.recap.page import write_html
from chatbot.recap.picks import highlights
from chatbot.recap.series import SeriesSource
from chatbot.recap.stats import ChatStats, compute_stats, cost_line, network_lines, plural
from chatbot.recap.thread import compose_thread
from chatbot.recap.tree import sections


class RecapStore(RecordSource, SeriesSource, Protocol):
    """The synchronous reads and writes recaps and series reports make (run them in a
    worker thread)."""

    def get_occurrence(self, occurrence_id: int) -> Occurrence | None:
        """Return one occurrence by id."""
        ...

    def set_recap_state(self, occurrence_id: int, state: RecapState) -> None:
        """Move an occurrence's recap along."""
        ...


@dataclass(frozen=True, slots=True)
class RecapFiles:
    """Where a recap's files were written."""

    directory: Path
    markdown: Path
    html: Path
    csv: Path
    chart: Path

    def all(self) -> list[Path]:
        """Every file, in a stable order."""
        return [self.markdown, self.html, self.csv, self.chart]


@dataclass(frozen=True, slots=True)
class Recap:
    """A built recap: the thread to post, its files and its numbers."""

    occurrence_id: int | None
    slug: str
    local_date: str
    posts: list[str]
    files: RecapFiles
    stats: ChatStats
    highlights: dict[int, list[ChatPost]]
    require_approval: bool = False
    state: RecapState = RecapState.DRAFT
    # What the thread of each network is made from (``thread_posts``).
    record: ChatRecord | None = field(default=None, repr=False, compare=False)
    options: RecapOptions = field(default_factory=RecapOptions, repr=False)

    @property
    def networks(self) -> tuple[Network, ...]:
        """The networks the chat was held on (and any its posts came from)."""
        return self.record.networks if self.record else (Network.X,)

    def numbers(self) -> list[str]:
        """The recap's numbers as moderators preview them: people and posts in all, then
        per network when the chat was on several, then what it cost (X's alone)."""
        s = self.stats
        history = self.record.knows_history if self.record else True
        people = plural(s.participants, "person", "people")
        if history:
            people += f" ({s.new_participants} new, {s.returning_participants} returning)"
        lines = [f"In all: {people}, {plural(s.posts, 'post')}, {plural(s.answers, 'answer')}"]
        if s.several_networks:
            lines.extend(network_lines(s, history=history))
        return [*lines, cost_line(s)]


def thread_posts(recap: Recap, network: Network, *, rule: LengthRule | None = None) -> list[str]:
    """The recap thread to post on ``network``: that network's mention syntax
    (``@ana``, ``@ana.bsky.social``, ``@ana@mastodon.social``) naming only its own people,
    each post within ``rule`` (default: the network's, ``render.length.DEFAULT_RULES``;
    pass a Mastodon instance's own limit when it is known), within the chat's mention caps.
    X's with its default rule is ``recap.posts``."""
    if recap.record is None or (network is Network.X and rule is None):
        return list(recap.posts)
    return compose_thread(
        recap.record,
        recap.stats,
        recap.highlights,
        options=recap.options,
        network=network,
        rule=rule,
    )


def write_recap(
    record: ChatRecord,
    *,
    out_dir: Path,
    options: RecapOptions | None = None,
    prices: Prices | None = None,
    occurrence_id: int | None = None,
) -> Recap:
    """Compute a record's recap and write its four files under ``out_dir/slug/date/``."""
    options = options or RecapOptions()
    stats = compute_stats(record, prices=prices)
    best = highlights(record, per_question=max(options.highlights_per_question, 1))
    thread = compose_thread(record, stats, best, options=options)
    directory = out_dir / record.slug / record.local_date
    directory.mkdir(parents=True, exist_ok=True)
    files = RecapFiles(
        directory=directory,
        markdown=directory / "recap.md",
        html=directory / "recap.html",
        csv=directory / "posts.csv",
        chart=directory / "activity.png",
    )
    draw_activity(record, stats, files.chart)
    write_csv(record, files.csv)
    parts = sections(record)
    write_markdown(record, stats, best, thread, files.markdown, parts=parts)
    write_html(record, stats, best, thread, files.html, chart=files.chart, parts=parts)
    return Recap(
        occurrence_id=occurrence_id,
        slug=record.slug,
        local_date=record.local_date,
        posts=thread,
        files=files,
        stats=stats,
        highlights=best,
        require_approval=options.require_approval,
        record=record,
        options=options,
    )


def build_recap(
    store: RecapStore,
    chat: ChatSpec,
    qset: QuestionSet,
    occurrence_id: int,
    *,
    out_dir: Path,
    prices: Prices | None = None,
) -> Recap:
    """Build an occurrence's recap from the database, write its files, and mark it drafted.

    The recap state moves to "draft", or "awaiting_approval" when the chat requires
    approval; an approved or published recap keeps its state when rebuilt, and an
    imported chat's (never published) stays as it is.
    """
    record = load_record(store, chat, qset, occurrence_id)
    recap = write_recap(
        record, out_dir=out_dir, options=chat.recap, prices=prices, occurrence_id=occurrence_id
    )
    occ = store.get_occurrence(occurrence_id)
    state = occ.recap_state if occ else RecapState.NONE
    if occ is not None and occ.state == OccurrenceState.IMPORTED:
        return replace(recap, state=state)
    if state not in (RecapState.APPROVED, RecapState.PUBLISHED):
        state = RecapState.AWAITING if chat.recap.require_approval else RecapState.DRAFT
        store.set_recap_state(occurrence_id, state)
    return replace(recap, state=state)
