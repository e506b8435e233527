"""Refresh metrics once after a chat, approve a recap, and post it idempotently."""

from __future__ import annotations

import asyncio
import math
from datetime import datetime
from pathlib import Path

from chatbot.ports import XClient, XError
from chatbot.recap.build import APPROVED, AWAITING, DRAFT, PUBLISHED, Recap
from chatbot.recap.thread import strip_urls
from chatbot.render.threads import is_mention
from chatbot.storage.repository import ChatStore

_LOOKUP_BATCH = 100


class RecapNotApprovedError(Exception):
    """The chat requires approval and a moderator has not approved this recap yet."""


async def refresh_metrics(
    store: ChatStore, x: XClient, occurrence_id: int, *, record_usage: bool = False
) -> int:
    """Look every collected post up once (batched by the client) and store fresh metrics.

    ``record_usage`` adds the reads to XUsage; leave it off when the runner stores
    the X adapter's meter for the chat instead (it counts these reads already).
    """
    rows = await asyncio.to_thread(store.collected_posts, occurrence_id)
    ids = [r.id for r in rows]
    if not ids:
        return 0
    posts = await x.get_posts(ids)
    if record_usage:
        await asyncio.to_thread(
            store.add_usage,
            occurrence_id,
            requests=math.ceil(len(ids) / _LOOKUP_BATCH),
            posts_read=len(posts),
        )
    return await asyncio.to_thread(store.update_metrics, posts)


def approve_recap(store: ChatStore, occurrence_id: int) -> str:
    """Approve a drafted recap for publishing; return the recap state after the call."""
    occ = store.get_occurrence(occurrence_id)
    if occ is None:
        raise KeyError(f"no occurrence {occurrence_id}")
    if occ.recap_state in (DRAFT, AWAITING):
        store.update_occurrence(occurrence_id, recap_state=APPROVED)
        return APPROVED
    return occ.recap_state


def _has_url(text: str) -> bool:
    return strip_urls(text) != text


async def publish_recap(
    store: ChatStore,
    x: XClient,
    recap: Recap,
    *,
    now: datetime,
    reply_to: int | None = None,
    record_usage: bool = False,
) -> list[int]:
    """Post the recap thread as a reply chain (chart on the first post); return X ids.

    Each post is recorded under key ``recap-<i>`` before it is sent and marked sent
    after, so a restart skips what is on X already and goes on from there. With
    approval required, only an approved recap is posted. ``reply_to`` hangs the
    thread under a post (e.g. the closing one); ``record_usage`` as in refresh_metrics.
    """
    if recap.occurrence_id is None:
        raise ValueError("a recap built from X alone (transcript) is not published")
    occ_id = recap.occurrence_id
    occ = await asyncio.to_thread(store.get_occurrence, occ_id)
    if occ is None:
        raise KeyError(f"no occurrence {occ_id}")
    if recap.require_approval and occ.recap_state not in (APPROVED, PUBLISHED):
        raise RecapNotApprovedError(f"recap of occurrence {occ_id} is {occ.recap_state}")
    ids: list[int] = []
    previous = reply_to
    for i, text in enumerate(recap.posts, start=1):
        media = str(recap.files.chart) if i == 1 else None
        post = await asyncio.to_thread(
            store.intend_post,
            occurrence_id=occ_id,
            key=f"recap-{i}",
            text=text,
            now=now,
            reply_to_post_id=previous,
            media_path=media,
        )
        if post.state == "sent" and post.x_post_id is not None:
            ids.append(post.x_post_id)
            previous = post.x_post_id
            continue
        assert post.id is not None
        try:
            # The stored text wins: a resumed thread goes on as it was first intended.
            x_id = await x.create_post(
                post.text,
                reply_to=previous,
                media_path=Path(post.media_path) if post.media_path else None,
            )
        except XError as error:
            await asyncio.to_thread(store.mark_failed, post.id, error=str(error))
            raise
        await asyncio.to_thread(store.mark_sent, post.id, x_post_id=x_id, now=now)
        if record_usage:
            await asyncio.to_thread(
                store.add_usage,
                occ_id,
                requests=1,
                posts_created=1,
                posts_with_url=int(_has_url(post.text)),
            )
        ids.append(x_id)
        previous = x_id
    await asyncio.to_thread(store.update_occurrence, occ_id, recap_state=PUBLISHED)
    return ids


def mentions_in(posts: list[str]) -> list[str]:
    """Every @handle the posts name, in order (for checks and previews)."""
    return [w.rstrip(".,:;!?)”") for p in posts for w in p.split() if is_mention(w)]
