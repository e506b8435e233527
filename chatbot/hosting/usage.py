"""Attribute what each X call cost to the chat occurrence that made it.

Calls for several chats (and a chat's posting and collecting) overlap in time,
so a before/after difference of one meter would count a call twice. Instead the
meter tags each count with the occurrence of the task making the call (a
context variable) and the recorder writes each tag's counts once.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from chatbot.ports import ChatStore
from chatbot.recap.model import Usage
from chatbot.x.meter import Meter

T = TypeVar("T")
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("x_usage_tag", default=None)


@dataclass
class _Counts:
    requests: int = 0
    posts_read: int = 0
    posts_created: int = 0
    posts_with_url: int = 0


@dataclass(slots=True)
class TaggedMeter(Meter):
    """A meter that also keeps, per occurrence, the counts not yet written down."""

    pending: dict[int, _Counts] = field(default_factory=lambda: defaultdict(_Counts))

    def _tagged(self) -> _Counts | None:
        tag = _current.get()
        return self.pending[tag] if tag is not None else None

    def record_request(self) -> None:
        Meter.record_request(self)
        if (counts := self._tagged()) is not None:
            counts.requests += 1

    def record_read(self, post_ids: Iterable[int], *, at: datetime) -> None:
        billed = self.snapshot().posts_billed
        Meter.record_read(self, post_ids, at=at)
        if (counts := self._tagged()) is not None:
            counts.posts_read += self.snapshot().posts_billed - billed

    def record_created(self, *, with_url: bool) -> None:
        Meter.record_created(self, with_url=with_url)
        if (counts := self._tagged()) is not None:
            counts.posts_created += 1
            counts.posts_with_url += int(with_url)


class UsageRecorder:
    """Runs X calls tagged with an occurrence and adds what they used to its totals."""

    def __init__(self, store: ChatStore, meter: Meter | None) -> None:
        self.store = store
        self.meter = meter if isinstance(meter, TaggedMeter) else None

    async def track(self, occurrence_id: int, call: Awaitable[T]) -> T:
        """Await ``call`` (a coroutine) tagged with the occurrence, then record its usage."""
        token = _current.set(occurrence_id)
        try:
            return await call
        finally:
            _current.reset(token)
            await self.flush(occurrence_id)

    async def flush(self, occurrence_id: int) -> None:
        """Write the occurrence's counts not yet written."""
        if self.meter is None:
            return
        counts = self.meter.pending.pop(occurrence_id, None)
        if counts and (counts.requests or counts.posts_read or counts.posts_created):
            await self.store.add_usage(
                occurrence_id,
                Usage(
                    requests=counts.requests,
                    posts_read=counts.posts_read,
                    posts_created=counts.posts_created,
                    posts_with_url=counts.posts_with_url,
                ),
            )
