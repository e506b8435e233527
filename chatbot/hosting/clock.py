"""Clocks: real time, accelerated time (the demo), and a manual clock for tests."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait for real."""
        await asyncio.sleep(max(0.0, seconds))


class AcceleratedClock:
    """Time that runs ``speed`` times faster than the wall clock, from ``start``."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start, self.speed = start, speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        """Return the accelerated time."""
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of accelerated time."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)


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
