"""A clock that moves only when a test (or a benchmark) tells it to."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class ManualClock:
    """A clock that moves only when told to; sleepers wake when their time is reached."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        """Return the clock's time."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been advanced by ``seconds``."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timedelta(seconds=seconds), future))
        await future

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (tests planning ahead); sleepers wake at the next advance."""
        self._now = moment

    async def advance(self, delta: timedelta, *, step: timedelta = timedelta(seconds=1)) -> None:
        """Move time forward in ``step``s, letting woken tasks run at each one."""
        target = self._now + delta
        while self._now < target:
            self._now = min(target, self._now + step)
            for due, future in list(self._sleepers):
                if due <= self._now and not future.done():
                    future.set_result(None)
            self._sleepers = [(d, f) for d, f in self._sleepers if not f.done()]
            for _ in range(20):
                await asyncio.sleep(0)
