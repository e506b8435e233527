"""recap.html in headless Chromium: no console errors, planted scripts inert, readable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chatbot.recap import build_recap, write_recap
from chatbot.storage.repository import Repository
from tests.recap.bigchat import big_record
from tests.recap.devtools import find_chromium, open_page
from tests.recap.world import WEEK2, ChatWorld, chat_spec, question_set, user

CHROMIUM = find_chromium()
PLANTED = "<script>window.__pwned = 1; document.title = 'pwned'</script>"
PLANTED_IMG = '<img src=x onerror="window.__pwned = 2">'
SCREENSHOT_COPY = Path("/tmp/recap-browser-screenshot.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt: chromium)"),
]


def chat_with_threads(store: Repository) -> int:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    alice = user("alice", uid=11, followers=120, name="Alice 🍰 Bakes")
    bob = user("bob", uid=12, followers=40, name="Bob")
    carol = user("carol", uid=13, followers=900, name="Carol 李")
    a1 = w.post(
        alice, "A1: Word of mouth, and a weekly newsletter.\n\nWorks! #SMBchat", minute=3, likes=12
    )
    r1 = w.post(bob, "@alice how often do you send it? #SMBchat", minute=4, reply_to=a1)
    w.post(alice, "@bob every Friday morning #SMBchat", minute=5, reply_to=r1)
    w.post(carol, f"A1: {PLANTED} {PLANTED_IMG} #SMBchat", minute=5, likes=3)
    w.question(2, minute=10)
    w.post(bob, "A2: Instagram reels 📸 #SMBchat", minute=11, likes=4)
    w.post(carol, "A2: 本地广播 radio ads #SMBchat", minute=12)
    w.post(alice, "Thanks all! #SMBchat", minute=20)
    w.save()
    return w.occurrence_id


async def test_recap_page_has_no_console_errors_and_runs_no_planted_script(
    store: Repository, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    occurrence_id = chat_with_threads(store)
    recap = build_recap(store, chat_spec(), question_set(2), occurrence_id, out_dir=tmp_path)
    async with open_page(CHROMIUM, recap.files.html.as_uri(), tmp_path / "profile") as page:
        title = await page.evaluate("document.title")
        drawn_before = await page.evaluate("document.querySelectorAll('#q1 article').length")
        shown = await page.open_section("#q1")
        pwned = await page.evaluate("typeof window.__pwned")
        nested = await page.evaluate("document.querySelectorAll('#q1 [data-depth=\"2\"]').length")
        chart_ok = await page.evaluate(
            "(() => { const i = document.querySelector('img.chart');"
            " return !!i && i.complete && i.naturalWidth === 1000; })()"
        )
        text = await page.evaluate("document.body.innerText")
        shot = await page.screenshot(tmp_path / "recap.png", width=1200, height=2000)
    assert page.errors == []
    assert title == "#SMBchat recap · 2026-01-13" and pwned == "undefined"
    assert (drawn_before, shown) == (0, 4)  # drawn when opened: alice, bob, alice, carol
    assert nested == 1  # alice → bob → alice: a reply to a reply
    assert chart_ok
    assert PLANTED in text and PLANTED_IMG in text  # shown as text, not run
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shutil.copy(shot, SCREENSHOT_COPY)  # for a human to look at


async def test_the_recap_of_a_50000_post_chat_opens_at_once(tmp_path: Path) -> None:
    """Issue 16: that page was 23 MiB of 411,000 elements and took 9 s to load. Now each
    question's posts wait, as JSON, until the reader opens it, and come 200 at a time.
    (bench/recap_page.py measures its time to first paint.)"""
    assert CHROMIUM is not None
    recap = write_recap(big_record(), out_dir=tmp_path)
    size = recap.files.html.stat().st_size
    assert size < 10 * 2**20
    async with open_page(CHROMIUM, recap.files.html.as_uri(), tmp_path / "profile") as page:
        elements = await page.evaluate("document.getElementsByTagName('*').length")
        biggest = max(recap.stats.answers_per_question, key=recap.stats.answers_per_question.get)
        shown = await page.open_section(f"#q{biggest}")
        more = await page.evaluate(
            f"""(() => {{ const part = document.querySelector("#q{biggest}");
                part.querySelector("button.more").click();
                return part.querySelectorAll("article.post").length; }})()"""
        )
        label = await page.evaluate(
            f"document.querySelector('#q{biggest} button.more').textContent"
        )
    assert page.errors == []
    assert elements < 1000
    assert (shown, more) == (200, 400)
    assert label.startswith("Show 200 more (")
