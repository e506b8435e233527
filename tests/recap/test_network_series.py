"""`chatbot report` of a chat held on X, Bluesky and Mastodon: people counted per network."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from chatbot.domain.flow import Flow
from chatbot.domain.network import Network
from chatbot.recap.series import series_report, summary_lines
from chatbot.recap.series_files import build_series
from chatbot.reports import report_command
from chatbot.settings import load_settings
from chatbot.storage.repository import Repository
from tests.recap.three_networks import BSKY, MASTO, three_network_weeks
from tests.recap.world import ChatWorld


def _end(store: Repository, w: ChatWorld) -> None:
    flow = Flow.plan(start=w.start, duration=timedelta(minutes=60), first_question_after=5,
                     intervals=[8], last_call_lead=5, thread=True)  # fmt: skip
    store.open_occurrence(w.occurrence_id, flow=flow, at=w.start)
    store.end_occurrence(w.occurrence_id, flow=flow, ended_at=w.at(60), collect_until=w.at(75))


def _two_weeks(store: Repository) -> None:
    for world in three_network_weeks(store):
        _end(store, world)


def test_people_are_counted_per_network_week_by_week(store: Repository) -> None:
    _two_weeks(store)
    report = series_report("smb", store.chat_series("smb"))

    assert report.people == 8  # ana on X and ana.bsky.social are two people
    assert report.people_per_network == {Network.X: 2, BSKY: 4, MASTO: 2}
    first, second = report.weeks
    assert first.per_network == {Network.X: (1, 1), BSKY: (1, 1)}
    assert second.per_network == {Network.X: (2, 1), BSKY: (4, 3), MASTO: (2, 2)}
    assert (second.new, second.returning) == (6, 2)
    loyal = {r.username: r.network for r in report.loyal}
    assert loyal["bob.bsky.social"] is BSKY and loyal["eve@mastodon.social"] is MASTO
    lines = summary_lines(report)
    assert "8 people in all (X 2, Bluesky 4, Mastodon 2)" in lines[0]
    assert lines[-2].endswith("; X 2 (1 new) · Bluesky 4 (3 new) · Mastodon 2 (2 new)")


async def test_report_command_and_page_show_people_per_network(
    store: Repository, database_url: str, tmp_path: Path
) -> None:
    _two_weeks(store)
    settings = load_settings(None, database_url=database_url, data_dir=tmp_path)
    out = io.StringIO()
    assert await report_command(settings, "smb", out=out) == 0
    text = out.getvalue()
    assert "8 people in all (X 2, Bluesky 4, Mastodon 2), $0.00 on X" in text
    assert "People per network:\n2026-01-06   X 1 (1 new) · Bluesky 1 (1 new)\n" in text
    assert "2026-01-13   X 2 (1 new) · Bluesky 4 (3 new) · Mastodon 2 (2 new)" in text
    _, files = build_series(store, "smb", out_dir=tmp_path)
    assert files is not None
    page = files.html.read_text(encoding="utf-8")
    assert "<h2>People per network</h2>" in page
    assert 'href="https://bsky.app/profile/bob.bsky.social">@bob.bsky.social</a>' in page
    assert 'href="https://x.com/ana">@ana</a>' in page
