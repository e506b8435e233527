"""One-shot commands on stored chats and on X: recap, transcript, history."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import TextIO

from chatbot.app import SetupError, load_chats, open_store, wire, x_client
from chatbot.clock import SystemClock
from chatbot.domain.cost import Prices, Usage, cost_dollars
from chatbot.domain.occurrence import HELD_STATES
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import XError
from chatbot.recap import Recap, build_recap
from chatbot.recap.transcript import build_transcript_from_x
from chatbot.render.safe_text import printable
from chatbot.settings import Settings
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.repository import Repository
from chatbot.x.meter import Meter


def print_recap(recap: Recap, out: TextIO) -> None:
    """The thread as it would be posted, then where the files are."""
    for number, text in enumerate(recap.posts, start=1):
        print(f"--- post {number}/{len(recap.posts)}\n{printable(text)}", file=out)
    print("\nFiles:", file=out)
    for path in recap.files.all():
        print(f"  {path}", file=out)


async def recap_command(
    settings: Settings,
    slug: str,
    *,
    occurrence_date: str | None = None,
    publish: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """``chatbot recap``: rebuild the files, print the thread, post it when asked."""
    catalog = load_chats(settings)
    chat = catalog.chats.get(slug)
    if chat is None:
        known = ", ".join(sorted(catalog.chats)) or "none"
        raise SetupError(f"no valid chat called '{slug}' (known: {known})")
    store = await asyncio.to_thread(open_store, settings.database)
    if occurrence_date:
        occurrence = await asyncio.to_thread(store.find_occurrence, slug, occurrence_date)
    else:
        occurrence = await asyncio.to_thread(store.latest_occurrence, slug, states=HELD_STATES)
    if occurrence is None:
        when = f"on {occurrence_date}" if occurrence_date else "yet"
        raise SetupError(f"{chat.hashtag} has no hosted chat {when} in {settings.database}")
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
    out: TextIO = sys.stdout,
) -> int:
    """``chatbot transcript``: recap files for any chat in X's recent-search window."""
    if end <= start:
        raise SetupError("--end must be after --start")
    tag = hashtag if hashtag.startswith("#") else f"#{hashtag}"
    meter = Meter()
    x = x_client(settings, meter)
    try:
        recap = await build_transcript_from_x(
            x,
            tag,
            start,
            end,
            settings.recaps / "transcripts",
            timezone=timezone,
            host_username=host.lstrip("@") if host else None,
        )
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
    return 0


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
