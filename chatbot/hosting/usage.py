"""The host's meter: what each X call cost, added to the occurrence that made it.

Calls for several chats (and a chat's posting and collecting) overlap in time, so
a before/after difference of one counter would count a call twice. Instead each
count is tagged with the occurrence of the task making the call (a context
variable set by ``track``), and each tag's counts are written once, when its call
is over. Reads are billed as X bills them, a post once per UTC day, by the store,
which keeps the reads billed so that a restart does not count them again.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from chatbot.domain.cost import Usage, billing_day
from chatbot.ports import ChatStore

T = TypeVar("T")
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("x_usage_tag", default=None)


@dataclass
class _Counts:
    """One occurrence's counts not yet written."""

    requests: int = 0
    posts_created: int = 0
    posts_with_url: int = 0
    reads: set[tuple[int, date]] = field(default_factory=set)  # (post id, billing day)


class UsageLedger:
    """Implements ``chatbot.ports.XMeter`` for the host, per occurrence, into the store."""

    def __init__(self, store: ChatStore) -> None:
        self.store = store
        self._pending: dict[int, _Counts] = defaultdict(_Counts)

    def _counts(self) -> _Counts | None:
        tag = _current.get()
        return self._pending[tag] if tag is not None else None

    def record_request(self) -> None:
        """Count a request for the occurrence making it."""
        if (counts := self._counts()) is not None:
            counts.requests += 1

    def record_read(self, post_ids: Iterable[int], *, at: datetime) -> None:
        """Note the posts read, by the day X bills them on."""
        if (counts := self._counts()) is not None:
            day = billing_day(at)
            counts.reads.update((post_id, day) for post_id in post_ids)

    def record_created(self, *, with_url: bool) -> None:
        """Count a post made for the occurrence."""
        if (counts := self._counts()) is not None:
            counts.posts_created += 1
            counts.posts_with_url += int(with_url)

    async def track(self, occurrence_id: int, call: Awaitable[T]) -> T:
        """Await ``call`` (a coroutine) tagged with the occurrence, then record its usage."""
        token = _current.set(occurrence_id)
        try:
            return await call
        finally:
            _current.reset(token)
            await self.flush(occurrence_id)

    async def flush(self, occurrence_id: int) -> None:
        """Add the occurrence's counts not yet written to its stored usage; the store
        bills each read X has not billed yet (it keeps them, across restarts)."""
        counts = self._pending.pop(occurrence_id, None)
        if counts is None:
            return
        usage = Usage(
            requests=counts.requests,
            posts_created=counts.posts_created,
            posts_with_url=counts.posts_with_url,
        )
        if usage != Usage() or counts.reads:
            await self.store.add_usage(occurrence_id, usage, reads=counts.reads)
