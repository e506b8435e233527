"""The audit log adapter writes every moderator command to the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from chatbot.ports import AuditLog
from chatbot.storage.audit import StoreAuditLog
from chatbot.storage.repository import Repository

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
MOD = 1_234_567_890_123_456_789  # a real-sized Discord id: needs a 64-bit column


async def _status(audit: AuditLog) -> None:
    await audit.record(
        actor_id=MOD,
        actor_name="mod",
        command="/chat status",
        arguments="",
        allowed=True,
        result="",
    )


async def test_allowed_and_refused_commands_are_read_back_newest_first(store: Repository) -> None:
    times = iter([T0, T0 + timedelta(seconds=30)])
    audit: AuditLog = StoreAuditLog(store, now=lambda: next(times))
    await audit.record(
        actor_id=MOD,
        actor_name="mod",
        command="/chat pause",
        arguments="slug=smbchat",
        allowed=True,
        result="Paused #SMBchat.",
    )
    await audit.record(
        actor_id=42,
        actor_name="visitor",
        command="/chat end",
        arguments="",
        allowed=False,
        result="You need the Moderator role to run /chat end.",
    )
    got = [
        (a.at, a.actor_id, a.actor_name, a.command, a.arguments, a.allowed, a.result)
        for a in store.actions()
    ]
    assert got == [
        (
            T0 + timedelta(seconds=30),
            42,
            "visitor",
            "/chat end",
            "",
            False,
            "You need the Moderator role to run /chat end.",
        ),
        (T0, MOD, "mod", "/chat pause", "slug=smbchat", True, "Paused #SMBchat."),
    ]


async def test_entries_are_stamped_in_utc(store: Repository) -> None:
    paris = datetime(2026, 11, 24, 2, 0, tzinfo=timezone(timedelta(hours=1)))
    audit = StoreAuditLog(store, now=lambda: paris)
    await _status(audit)
    (entry,) = store.actions()
    assert entry.at == T0
    assert entry.at.utcoffset() == timedelta(0)


async def test_default_clock_is_aware_utc_now(store: Repository) -> None:
    before = datetime.now(UTC)
    await _status(StoreAuditLog(store))
    (entry,) = store.actions()
    assert before <= entry.at <= datetime.now(UTC)
    assert entry.at.utcoffset() == timedelta(0)
