"""The demo's simulated participants answer on the emulated instance through CrowdStage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.emulator.mastodon.crowd import CrowdStage
from chatbot.simulation import Crowd
from tests.emulator.mastodon.conftest import Http


async def test_the_crowd_answers_on_mastodon_from_several_instances(
    emulator: MastodonEmulator, http: Http
) -> None:
    stage = CrowdStage(emulator)
    crowd = Crowd(emulator=stage, hashtag="#SMBchat", host_id=stage.host_id, size=9)  # type: ignore[arg-type]
    start = datetime.now(UTC)
    question = emulator.add_status("smbchat", "Q1: How do you find customers? #SMBchat")
    assert crowd.questions() == ({1: int(question)}, 1)
    for minute in range(1, 5):
        crowd.act(start + timedelta(minutes=minute), intensity=0.7)
    posted = {str(pid) for pid in crowd.truth}
    assert 15 < len(posted) < 40
    _, _, page = await http.call("GET", "/api/v1/timelines/tag/SMBchat", params={"limit": "40"})
    shown = {status["id"]: status for status in page}
    assert posted - {question} <= set(shown) | {str(r) for r in crowd.retweets}
    accts = {status["account"]["acct"] for status in page}
    assert any("@" in acct for acct in accts) and any("@" not in acct for acct in accts)
    replies = [s for s in page if s["in_reply_to_id"] == question]
    assert replies and all(">@<span>smbchat</span>" in s["content"] for s in replies)
