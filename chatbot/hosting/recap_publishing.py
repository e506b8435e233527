"""Publishing a built recap: refresh metrics once, approve it, post its thread once."""

from __future__ import annotations

from datetime import datetime

from chatbot.domain.occurrence import RecapState
from chatbot.hosting.publisher import Publisher
from chatbot.ports import ChatStore, XClient, XError
from chatbot.recap.build import Recap


class RecapNotApprovedError(Exception):
    """The chat requires approval and a moderator has not approved this recap yet."""


METRICS_BATCH = 2000  # posts looked up (20 requests) and stored before the next ones


async def refresh_metrics(store: ChatStore, x: XClient, occurrence_id: int) -> int:
    """Look every collected post up once (batched by the client) and store fresh metrics,
    ``METRICS_BATCH`` posts at a time: a 50,000-post chat is never held all at once."""
    ids = await store.collected_post_ids(occurrence_id)
    changed = 0
    for start in range(0, len(ids), METRICS_BATCH):
        changed += await store.update_metrics(await x.get_posts(ids[start : start + METRICS_BATCH]))
    return changed


async def approve_recap(store: ChatStore, occurrence_id: int) -> RecapState:
    """Approve a drafted recap for publishing; return the recap state after the call."""
    occ = await store.get_occurrence(occurrence_id)
    if occ is None:
        raise KeyError(f"no occurrence {occurrence_id}")
    if occ.recap_state in (RecapState.DRAFT, RecapState.AWAITING):
        await store.set_recap_state(occurrence_id, RecapState.APPROVED)
        return RecapState.APPROVED
    return occ.recap_state


async def publish_recap(
    store: ChatStore,
    publisher: Publisher,
    recap: Recap,
    *,
    now: datetime,
    reply_to: int | None = None,
) -> list[int]:
    """Post the recap thread as a reply chain (chart on the first post); return X ids.

    Each post goes through the Publisher under key ``recap-<i>``: recorded before it
    is sent, looked up on X first if an earlier process left it half-done, so a
    restart goes on where the thread stopped and never posts one twice. With
    approval required, only an approved recap is posted. ``reply_to`` hangs the
    thread under a post (e.g. the closing one).
    """
    if recap.occurrence_id is None:
        raise ValueError("a recap built from X alone (transcript) is not published")
    occ_id = recap.occurrence_id
    occ = await store.get_occurrence(occ_id)
    if occ is None:
        raise KeyError(f"no occurrence {occ_id}")
    done = (RecapState.APPROVED, RecapState.PUBLISHED)
    if recap.require_approval and occ.recap_state not in done:
        raise RecapNotApprovedError(f"recap of occurrence {occ_id} is {occ.recap_state}")
    ids: list[int] = []
    previous = reply_to
    for i, text in enumerate(recap.posts, start=1):
        result = await publisher.publish(
            occurrence_id=occ_id,
            key=f"recap-{i}",
            text=text,  # an intent already stored keeps its text: a resumed thread goes on
            now=now,
            reply_to=previous,
            media_path=recap.files.chart if i == 1 else None,
        )
        if result.outcome != "sent" or result.post_id is None:
            raise XError(
                f"recap post {i} of {len(recap.posts)} was not posted "
                f"({result.outcome}): {result.error}"
            )
        ids.append(result.post_id)
        previous = result.post_id
    await store.set_recap_state(occ_id, RecapState.PUBLISHED)
    return ids
