"""Hosting work that fails (the database locked or unreachable, a bug) is tried again.

A chat's state is in the database, so a runner that failed is rebuilt from it and goes
on, as after a restart; a recap starts over where it stopped. Nothing is lost by
trying again, and giving up would stop the chat for good while the process still holds
the leader lock (no standby would take over): so the work is tried again after 2 s,
4 s… at most a minute apart, and the moderators are told at the first failure and every
half hour it goes on failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from chatbot.hosting.notices import alert
from chatbot.ports import Clock, ModeratorChannel

log = logging.getLogger("chatbot.hosting")
T = TypeVar("T")
FIRST_WAIT = timedelta(seconds=2)
MAX_WAIT = timedelta(minutes=1)
ALERT_EVERY = timedelta(minutes=30)


async def keep_trying(
    work: Callable[[int], Awaitable[T]],
    *,
    what: str,
    clock: Clock,
    moderators: ModeratorChannel,
    until: datetime | None = None,
) -> T:
    """Return ``work(failures)``, called again after each failure (``failures`` says how
    many came before); past ``until`` a failure is raised instead."""
    failures = 0
    alerted: datetime | None = None
    while True:
        began = clock.now()
        try:
            return await work(failures)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            now = clock.now()
            if until is not None and now > until:
                raise
            # A database error's own first line ("database is locked"), not its SQL.
            lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            reason = lines[0][:200] if lines else type(exc).__name__
            failures = 1 if now - began > MAX_WAIT else failures + 1  # a new streak
            wait = min(MAX_WAIT, FIRST_WAIT * 2 ** (failures - 1))
            log.error(
                "%s failed (%d in a row), trying again in %.0f s: %s",
                what,
                failures,
                wait.total_seconds(),
                reason,
                exc_info=failures == 1,
            )
            if alerted is None or now - alerted >= ALERT_EVERY:
                await alert(
                    moderators,
                    f"{what} failed ({reason}). What was done is saved in the database; the "
                    "bot tries again by itself, at most a minute apart.",
                )
                alerted = now
            await clock.sleep(wait.total_seconds())
