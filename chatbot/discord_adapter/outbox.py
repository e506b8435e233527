"""Per-destination queues flushed in batches by background tasks, never by the caller."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass

import discord

from chatbot.discord_adapter.hide_button import MAX_BUTTONS

log = logging.getLogger(__name__)

BATCH_CHARS = 1900  # under Discord's 2000, leaving room for a header line
BATCH_ENTRIES = 10


@dataclass(frozen=True, slots=True)
class Entry:
    """One block of a feed message, optionally with a "Hide @handle" button and a line
    (``move``: post id, "@handle: text") in the "Move a post" menu."""

    text: str
    hide_handle: str | None = None
    move: tuple[int, str] | None = None


Sender = Callable[[Hashable, list[Entry]], Awaitable[None]]


class Outbox:
    """Queues entries per destination; one task per destination sends them batched."""

    def __init__(
        self,
        *,
        send: Sender,
        interval: float = 2.0,
        max_pending: int = 500,
        retry_max_delay: float = 30.0,
        send_timeout: float = 60.0,
    ) -> None:
        self._send = send
        self._interval = interval
        self._max_pending = max_pending
        self._retry_max_delay = retry_max_delay
        self._send_timeout = send_timeout
        self._queues: dict[Hashable, deque[Entry]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self.dropped = 0
        self._closed = False

    def put(self, key: Hashable, entries: Sequence[Entry]) -> None:
        """Queue ``entries`` for ``key`` without waiting; the oldest go when the queue is full."""
        queue = self._queues.setdefault(key, deque(maxlen=self._max_pending))
        overflow = max(0, len(queue) + len(entries) - self._max_pending)
        if overflow:
            if self.dropped % 100 == 0:
                log.warning("Discord feed queue for %s is full; dropping the oldest entries", key)
            self.dropped += overflow
        queue.extend(entries)
        if key not in self._workers:
            self._workers[key] = asyncio.get_running_loop().create_task(
                self._work(key), name=f"discord-feed-{key}"
            )

    def pending(self) -> int:
        """Return how many entries wait to be sent."""
        return sum(len(queue) for queue in self._queues.values())

    async def close(self) -> None:
        """Stop every worker; entries still queued are dropped."""
        self._closed = True
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if self.pending():
            log.warning("Dropping %d unsent Discord feed entries on close", self.pending())

    async def _work(self, key: Hashable) -> None:
        queue = self._queues[key]
        failures = 0
        try:
            while queue and not self._closed:
                batch = _take_batch(queue)
                try:
                    async with asyncio.timeout(self._send_timeout):
                        await self._send(key, batch)
                except asyncio.CancelledError:
                    queue.extendleft(reversed(batch))
                    raise
                except Exception as exc:
                    queue.extendleft(reversed(batch))
                    failures += 1
                    delay = self._retry_delay(exc, failures)
                    log.warning("Discord feed to %s failed (%s); retry in %.1fs", key, exc, delay)
                    await asyncio.sleep(delay)
                    continue
                failures = 0
                await asyncio.sleep(self._interval)
        finally:
            self._workers.pop(key, None)

    def _retry_delay(self, exc: Exception, failures: int) -> float:
        if isinstance(exc, discord.RateLimited):
            return min(exc.retry_after, self._retry_max_delay * 10)
        return min(0.5 * 2**failures, self._retry_max_delay)


def _take_batch(queue: deque[Entry]) -> list[Entry]:
    """Take entries from the front while they fit in one message."""
    batch = [queue.popleft()]
    size = len(batch[0].text)
    handles = {batch[0].hide_handle} - {None}
    while queue and len(batch) < BATCH_ENTRIES:
        entry = queue[0]
        new_handles = handles | ({entry.hide_handle} - {None})
        if size + 1 + len(entry.text) > BATCH_CHARS or len(new_handles) > MAX_BUTTONS:
            break
        batch.append(queue.popleft())
        size += 1 + len(entry.text)
        handles = new_handles
    return batch
