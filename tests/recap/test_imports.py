"""A chat the bot did not host, read from X (the emulator) and kept as one of its weeks."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chatbot.app import SetupError
from chatbot.domain.flow import Flow
from chatbot.domain.occurrence import HELD_STATES
from chatbot.emulator.x import XEmulator
from chatbot.recap import Recap
from chatbot.recap.imports import import_transcript
from chatbot.recap.series import series_report
from chatbot.recap.transcript import search_chat
from chatbot.reports import transcript_command
from chatbot.settings import Settings, load_settings
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from tests.recap.test_transcript import seed
from tests.recap.world import chat_spec, question_set

ROOT = Path(__file__).resolve().parents[2]


async def test_an_imported_chat_is_kept_as_a_week_never_hosted_or_published(
    store: Repository, emulator: XEmulator, x: TweepyXClient, tmp_path: Path
) -> None:
    ids = seed(emulator)
    start = datetime.fromtimestamp(ids["start"], UTC)
    end = start + timedelta(minutes=60)
    posts, requests = await search_chat(x, "#SMBchat", start, end)

    def run() -> Recap:
        return import_transcript(
            store, chat_spec(), question_set(6), posts, start=start, end=end,
            requests=requests, now=end, out_dir=tmp_path,
        )  # fmt: skip

    recap = await asyncio.to_thread(run)
    assert recap.occurrence_id is not None
    occurrence = store.get_occurrence(recap.occurrence_id)
    assert occurrence is not None
    assert (occurrence.state, occurrence.recap_state) == ("imported", "none")
    assert store.latest_occurrence("smb", states=HELD_STATES) is None  # no recap command's
    # Its questions are the host's own posts of that week, not today's question set.
    assert recap.stats.answers_per_question == {1: 2, 2: 1}
    page = recap.files.html.read_text(encoding="utf-8")
    assert "Q1: How do you find customers? #SMBchat" in page
    assert store.usage(occurrence.id).posts_read == len(posts)

    [week] = series_report("smb", store.chat_series("smb")).weeks
    assert (week.imported, week.participants, week.answers) == (True, 4, 3)

    stored = store.count_collected(occurrence.id)
    again = await asyncio.to_thread(run)
    assert again.occurrence_id == occurrence.id
    assert store.count_collected(occurrence.id) == stored  # nothing stored twice


def settings_for(emulator: XEmulator, database_url: str, tmp_path: Path) -> Settings:
    """The shipped chat files (#SMBchat, slug smbchat), X on the emulator."""
    keys = emulator.keys
    return load_settings(
        None,
        x_api_key=keys.consumer_key,
        x_api_secret=keys.consumer_secret,
        x_access_token=keys.access_token,
        x_access_token_secret=keys.access_token_secret,
        x_api_base_url=emulator.base_url,
        chat_dir=ROOT,
        data_dir=tmp_path,
        database_url=database_url,
    )


async def test_transcript_with_chat_keeps_the_chat_and_refuses_a_date_the_bot_hosted(
    store: Repository, emulator: XEmulator, database_url: str, tmp_path: Path
) -> None:
    ids = seed(emulator)
    start = datetime.fromtimestamp(ids["start"], UTC)
    end = start + timedelta(minutes=60)
    settings = settings_for(emulator, database_url, tmp_path)
    out = io.StringIO()
    code = await transcript_command(
        settings, "#SMBchat", start=start, end=end, chat_slug="smbchat", out=out
    )
    local_date = start.astimezone(ZoneInfo("America/New_York")).date().isoformat()
    assert code == 0
    assert f"as smbchat's chat of {local_date} (imported" in out.getvalue()
    imported = store.find_occurrence("smbchat", local_date)
    assert imported is not None and imported.state == "imported"

    flow = Flow.plan(start=start, duration=timedelta(minutes=60), first_question_after=5,
                     intervals=[8], last_call_lead=5, thread=True)  # fmt: skip
    store.open_occurrence(imported.id, flow=flow, at=start)  # as if the bot had hosted it
    searches = emulator.request_counts().get("GET /2/tweets/search/recent", 0)
    with pytest.raises(SetupError, match=r"was hosted by the bot \(running\).*nothing was"):
        await transcript_command(
            settings, "#SMBchat", start=start, end=end, chat_slug="smbchat", out=io.StringIO()
        )
    assert emulator.request_counts().get("GET /2/tweets/search/recent", 0) == searches
    with pytest.raises(SetupError, match="--chat smbchat is #SMBchat, not #Other"):
        await transcript_command(
            settings, "#Other", start=start, end=end, chat_slug="smbchat", out=io.StringIO()
        )
