"""Publishing a built recap: refresh metrics once, approve it, post its thread once."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from chatbot.domain.network import Network
from chatbot.domain.occurrence import RecapState
from chatbot.hosting.outlets import NetPoster, OutletPost
from chatbot.hosting.publisher import Publisher
from chatbot.ports import ChatStore, Clock, ModeratorChannel, Outlet, XClient, XError
from chatbot.recap.build import Recap, thread_posts

NETWORK_RECAP_WITHIN = timedelta(hours=2)  # a network down longer gets no recap thread


class RecapNotApprovedError(Exception):
    """The chat requires approval and a moderator has not approved this recap yet."""


METRICS_BATCH = 2000  # posts looked up (20 requests) and stored before the next ones


async def refresh_metrics(store: ChatStore, x: XClient, occurrence_id: int) -> int:
    """Look every collected X post up once (batched by the client) and store fresh
    metrics, ``METRICS_BATCH`` posts at a time: a 50,000-post chat is never held all at
    once. Other networks' posts (negative stored ids) are not looked up on X."""
    ids = [i for i in await store.collected_post_ids(occurrence_id) if i > 0]  # X's own
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


async def publish_recap_elsewhere(
    *,
    store: ChatStore,
    outlets: Mapping[Network, Outlet],
    networks: Sequence[Network],
    recap: Recap,
    clock: Clock,
    moderators: ModeratorChannel,
    hashtag: str,
) -> dict[Network, int]:
    """Post the recap thread on each of ``networks`` besides X, under that network's
    closing post, all at once; return how many posts each network took. A network down
    is tried again for NETWORK_RECAP_WITHIN, and its thread is dropped after that (the
    moderators are told); a thread half-done before a restart goes on where it stopped.

    Each network's thread is the recap's own for it (``thread_posts``): its mention
    syntax, naming its own people, within its length rule.
    """
    if recap.occurrence_id is None:
        return {}
    occ_id = recap.occurrence_id
    until = clock.now() + NETWORK_RECAP_WITHIN

    async def one(network: Network) -> int:
        poster = NetPoster(
            outlet=outlets[network],
            store=store,
            clock=clock,
            moderators=moderators,
            occurrence_id=occ_id,
            hashtag=hashtag,
        )
        made = 0
        parents_now: tuple[str, ...] = ("closing", "last_call")
        for i, text in enumerate(thread_posts(recap, network), start=1):
            key = f"recap-{i}"
            post = OutletPost(key, text, parents=parents_now, late_at=until)
            if await poster.deliver(post) is None:
                break  # refused or too late: the rest of the thread would hang loose
            made, parents_now = made + 1, (key,)
        return made

    wanted = [n for n in networks if n is not Network.X and n in outlets]
    counts = await asyncio.gather(*(one(n) for n in wanted))
    return dict(zip(wanted, counts, strict=True))
