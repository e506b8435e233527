"""The scheduler plans each chat's start and reminders at the right instants, across DST."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chatbot.scheduling import ChatScheduler
from tests.hosting.conftest import T0, Rig


def fire_times(scheduler: ChatScheduler, slug: str) -> dict[str, datetime]:
    return {job.id.split(":")[1]: job.next_run_time.astimezone(UTC) for job in scheduler.jobs(slug)}


@pytest.fixture
async def scheduler(rig: Rig):
    assert rig.host is not None
    planned = ChatScheduler(rig.host)
    planned.scheduler.start(paused=True)  # jobs get fire times; none runs
    yield planned
    planned.shutdown()


async def test_next_chat_and_its_reminders_are_planned(rig: Rig, scheduler: ChatScheduler) -> None:
    rig.clock.set(T0 - timedelta(days=2))
    scheduler.plan_all()
    assert fire_times(scheduler, "smbchat") == {
        "start": T0,
        "reminder-1440m": T0 - timedelta(days=1),
        "reminder-60m": T0 - timedelta(hours=1),
        "reminder-10m": T0 - timedelta(minutes=10),
    }


async def test_reminders_already_past_are_not_planned(rig: Rig, scheduler: ChatScheduler) -> None:
    rig.clock.set(T0 - timedelta(minutes=30))
    scheduler.plan_all()
    assert set(fire_times(scheduler, "smbchat")) == {"start", "reminder-10m"}


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # New York springs forward on 14 March 2027: 20:00 EST is 01:00 UTC, EDT 00:00.
        ("America/New_York", datetime(2027, 3, 10, 1, 0, tzinfo=UTC),
         datetime(2027, 3, 17, 0, 0, tzinfo=UTC)),
        # London falls back on 31 October 2027: 20:00 BST is 19:00 UTC, GMT 20:00.
        ("Europe/London", datetime(2027, 10, 26, 19, 0, tzinfo=UTC),
         datetime(2027, 11, 2, 20, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
async def test_a_weekly_chat_stays_at_local_time_across_dst(
    rig: Rig, scheduler: ChatScheduler, zone: str, before: datetime, after: datetime
) -> None:
    assert rig.host is not None
    chat = replace(rig.catalog.chats["smbchat"], timezone=zone)
    rig.catalog.chats["smbchat"] = chat
    rig.clock.set(before - timedelta(days=2))
    assert scheduler.plan(chat, after=rig.clock.now()) == before

    rig.clock.set(before)
    start_job = next(j for j in scheduler.jobs("smbchat") if j.id.endswith(":start"))
    await start_job.func(*start_job.args)  # the start fires: the chat opens, next week is planned

    assert "smbchat" in rig.host.runners
    assert fire_times(scheduler, "smbchat")["start"] == after
    assert fire_times(scheduler, "smbchat")["reminder-60m"] == after - timedelta(hours=1)


async def test_a_reminder_that_fires_posts_once(rig: Rig, scheduler: ChatScheduler) -> None:
    rig.clock.set(T0 - timedelta(hours=1))
    scheduler.plan_all()
    job = next(j for j in scheduler.jobs("smbchat") if j.id.endswith("reminder-60m"))
    await job.func(*job.args)
    await job.func(*job.args)  # fired twice (e.g. a restart): posted once
    texts = [p["text"] for p in rig.emulator.posts()]
    assert len(texts) == 1 and "#SMBchat" in texts[0]
