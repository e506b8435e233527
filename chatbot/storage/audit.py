"""The audit log adapter: moderator commands written to the database as ModeratorAction rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from chatbot.storage.moderation import ModerationStore


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


class StoreAuditLog:
    """Implements ``chatbot.ports.AuditLog`` on ``ModerationStore.record_action``.

    The write runs in a worker thread so a slow database never stalls the event
    loop that Discord and X share. ``now`` must return aware datetimes (stored as UTC).
    """

    def __init__(self, store: ModerationStore, *, now: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.now = now

    async def record(
        self,
        *,
        actor_id: int,
        actor_name: str,
        command: str,
        arguments: str,
        allowed: bool,
        result: str,
    ) -> None:
        """Append one entry to the audit trail, stamped with the time it was recorded."""
        await asyncio.to_thread(
            self.store.record_action,
            at=self.now(),
            actor_id=actor_id,
            actor_name=actor_name,
            command=command,
            arguments=arguments,
            allowed=allowed,
            result=result,
        )
