"""One-shot commands on stored chats and on X: recap, transcript, history, report."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import TextIO

from chatbot.app import SetupError, load_chats, open_store, wire, x_client
from chatbot.catalog import Catalog
from chatbot.clock import SystemClock
from chatbot.domain.chat import ChatSpec
from chatbot.domain.cost import Prices, Usage, cost_dollars
from chatbot.domain.occurrence import HELD_STATES, OccurrenceState
from chatbot.domain.posts import Network
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import XClient, XError
from chatbot.recap import Recap, build_recap, thread_posts
from chatbot.recap.imports import ImportRefusedError, check_importable, import_transcript
from chatbot.recap.model import network_name
from chatbot.recap.series import SeriesReport, network_counts, people_in_all, percent
from chatbot.recap.series_files import build_series
from chatbot.recap.stats import plural
from chatbot.recap.transcript import build_transcript_from_x, search_chat
from chatbot.render.safe_text import printable
from chatbot.settings import Settings
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.repository import Repository
from chatbot.x.meter import Meter


def print_recap(recap: Recap, out: TextIO) -> None:
    """The thread as it would be posted, then where the files are; for a chat on several
    networks, its numbers per network first and the thread as each network gets it."""
    several = recap.stats.several_networks
    if several:
        print("\n".join(printable(line) for line in recap.numbers()), file=out)
    for network in recap.networks if several else (Network.X,):
        posts = thread_posts(recap, network)
        if several:
            print(f"\n=== The recap thread on {network_name(network)}", file=out)
        for number, text in enumerate(posts, start=1):
            print(f"--- post {number}/{len(posts)}\n{printable(text)}", file=out)
    print("\nFiles:", file=out)
    for path in recap.files.all():
        print(f"  {path}", file=out)


def chat_named(settings: Settings, slug: str) -> tuple[Catalog, ChatSpec]:
    """The chat files and the valid chat called ``slug``, or a SetupError naming the known."""
    catalog = load_chats(settings)
    chat = catalog.chats.get(slug)
    if chat is None:
        known = ", ".join(sorted(catalog.chats)) or "none"
        raise SetupError(f"no valid chat called '{slug}' (known: {known})")
    return catalog, chat


async def recap_command(
    settings: Settings,
    slug: str,
    *,
    occurrence_date: str | None = None,
    publish: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """``chatbot recap``: rebuild the files, print the thread, post it when asked."""
    catalog, chat = chat_named(settings, slug)
    store = await asyncio.to_thread(open_store, settings.database)
    if occurrence_date:
        occurrence = await asyncio.to_thread(store.find_occurrence, slug, occurrence_date)
    else:
        occurrence = await asyncio.to_thread(store.latest_occurrence, slug, states=HELD_STATES)
    if occurrence is None:
        when = f"on {occurrence_date}" if occurrence_date else "yet"
        raise SetupError(f"{chat.hashtag} has no hosted chat {when} in {settings.database}")
    if publish and occurrence.state == OccurrenceState.IMPORTED:
        raise SetupError(
            f"{chat.hashtag} on {occurrence.local_date} was imported from X, not hosted: "
            "its recap is not posted"
        )
    recap = await asyncio.to_thread(
        build_recap,
        store,
        chat,
        catalog.question_set_of(chat),
        occurrence.id,
        out_dir=settings.recaps,
        prices=settings.prices,
    )
    print_recap(recap, out)
    if not publish:
        print("\nNothing was posted (add --publish to post the thread on X).", file=out)
        return 0
    chat_store = SqlChatStore(store)
    usage = UsageLedger(chat_store)
    x = x_client(settings, usage)
    try:
        me = await x.me()
        hosting = wire(
            settings,
            catalog=catalog,
            store=chat_store,
            x=x,
            usage=usage,
            host_user=me,
            clock=SystemClock(),
        )
        try:
            result = await hosting.recaps.publish(chat, occurrence, recap)
        finally:
            await hosting.deps.store.close()
    except XError as exc:
        raise SetupError(f"X refused: {exc}") from exc
    finally:
        await x.close()
    print(f"\n{result.message}", file=out)
    return 0 if result.ok else 1


async def transcript_command(
    settings: Settings,
    hashtag: str,
    *,
    start: datetime,
    end: datetime,
    timezone: str = "UTC",
    host: str | None = None,
    chat_slug: str | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """``chatbot transcript``: recap files for any chat in X's recent-search window; with
    ``chat_slug``, also kept in the database as one of that chat's weeks."""
    if end <= start:
        raise SetupError("--end must be after --start")
    tag = hashtag if hashtag.startswith("#") else f"#{hashtag}"
    host_username = host.lstrip("@") if host else None
    meter = Meter()
    x = x_client(settings, meter)
    try:
        if chat_slug is None:
            recap = await build_transcript_from_x(
                x,
                tag,
                start,
                end,
                settings.recaps / "transcripts",
                timezone=timezone,
                host_username=host_username,
            )
        else:
            recap = await _import(settings, x, tag, chat_slug, start, end, host_username)
    except XError as exc:
        raise SetupError(f"X refused the search: {exc}") from exc
    finally:
        await x.close()
    print_recap(recap, out)
    # The pages of one search never repeat a post: each post returned is billed once.
    used = Usage(requests=meter.requests, posts_read=meter.posts_returned)
    print(
        f"\nRead {used.posts_read} posts in {used.requests} requests "
        f"(${used.cost(settings.prices)} on X).",
        file=out,
    )
    if chat_slug is not None:
        print(
            f"Kept in {settings.database} as {chat_slug}'s chat of {recap.local_date} "
            f"(imported: never hosted or posted; `chatbot report {chat_slug}` counts it).",
            file=out,
        )
    return 0


async def _import(
    settings: Settings,
    x: XClient,
    tag: str,
    slug: str,
    start: datetime,
    end: datetime,
    host_username: str | None,
) -> Recap:
    """Read a chat from X and keep it as an imported week of ``slug``."""
    catalog, chat = chat_named(settings, slug)
    if chat.hashtag.lower() != tag.lower():
        raise SetupError(f"--chat {slug} is {chat.hashtag}, not {tag}")
    store = await asyncio.to_thread(open_store, settings.database)
    try:
        await asyncio.to_thread(check_importable, store, chat, start)  # before paying X
        posts, requests = await search_chat(x, tag, start, end)
        return await asyncio.to_thread(
            import_transcript,
            store,
            chat,
            catalog.question_set_of(chat),
            posts,
            start=start,
            end=end,
            requests=requests,
            now=datetime.now(UTC),
            out_dir=settings.recaps,
            host_username=host_username,
            prices=settings.prices,
        )
    except ImportRefusedError as exc:
        raise SetupError(f"{exc}; nothing was imported") from None


async def history_command(
    settings: Settings, slug: str | None = None, *, out: TextIO = sys.stdout
) -> int:
    """``chatbot history``: each hosted chat with its numbers and what it cost on X."""
    store = await asyncio.to_thread(open_store, settings.database)
    lines = await asyncio.to_thread(_history, store, slug, settings.prices)
    if not lines:
        print("No chat has been hosted yet.", file=out)
        return 0
    print(f"{'chat':<14}{'date':<12}{'state':<10}{'posts':>7}{'people':>8}"
          f"{'reads':>8}{'made':>6}{'cost':>9}  recap", file=out)  # fmt: skip
    for line in lines:
        print(line, file=out)
    return 0


def _history(store: Repository, slug: str | None, prices: Prices) -> list[str]:
    """One line per hosted chat, newest first (reads the database: run it in a thread)."""
    lines = []
    for occ in store.occurrences(slug):
        posts, people = store.count_collected(occ.id)
        usage = store.usage(occ.id)
        lines.append(
            f"{occ.chat_slug:<14}{occ.local_date:<12}{occ.state:<10}{posts:>7}{people:>8}"
            f"{usage.posts_read:>8}{usage.posts_created:>6}"
            f"{'$' + str(cost_dollars(usage, prices)):>9}  {occ.recap_state}"
        )
    return lines


async def report_command(
    settings: Settings, slug: str | None = None, *, out: TextIO = sys.stdout
) -> int:
    """``chatbot report``: every week of a chat side by side, from the database only."""
    store = await asyncio.to_thread(open_store, settings.database)
    slugs = [slug] if slug else await asyncio.to_thread(store.series_slugs)
    if not slugs:
        print("No chat has finished yet.", file=out)
        return 0
    for name in slugs:
        report, files = await asyncio.to_thread(
            build_series, store, name, out_dir=settings.recaps, prices=settings.prices
        )
        print_series(report, out)
        if files is not None:
            print("Files:", *(f"  {path}" for path in files.all()), sep="\n", file=out)
        print(file=out)
    return 0


def print_series(report: SeriesReport, out: TextIO) -> None:
    """The series report as a table, one line a week, then the most loyal participants."""
    if not report.weeks:
        print(f"{report.slug}: no finished or imported chat in the database yet.", file=out)
        return
    first, last = report.weeks[0].local_date, report.weeks[-1].local_date
    print(
        f"{printable(report.hashtag)} ({report.slug}): {plural(len(report.weeks), 'week')} "
        f"from {first} to {last}, {people_in_all(report)}, ${report.cost} on X\n",
        file=out,
    )
    print(f"{'date':<13}{'people':>7}{'new':>5}{'back':>6}{'kept':>6}"
          f"{'answers':>9}{'inferred':>10}{'per Q':>7}{'cost':>9}", file=out)  # fmt: skip
    for w in report.weeks:
        per_q = "–" if w.answers_per_question is None else f"{w.answers_per_question:.1f}"
        print(
            f"{w.local_date + (' *' if w.imported else ''):<13}{w.participants:>7}{w.new:>5}"
            f"{w.returning:>6}{percent(w.retention):>6}{w.answers:>9}{w.inferred:>10}"
            f"{per_q:>7}{'$' + str(w.cost):>9}",
            file=out,
        )
    if report.imported:
        print("* imported with `chatbot transcript --chat`", file=out)
    if report.several_networks:  # a person is a handle on one network
        print("\nPeople per network:", file=out)
        for w in report.weeks:
            print(f"{w.local_date:<13}{network_counts(w.per_network)}", file=out)
    loyal = ", ".join(
        f"@{printable(r.username)} {plural(r.weeks, 'week')} "
        f"({plural(r.questions, 'question')} answered)"
        for r in report.loyal[:5]
    )
    print(f"\nMost loyal: {loyal}", file=out)
