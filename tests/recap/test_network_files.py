"""The recap files of a chat on X, Bluesky and Mastodon: each post names its network and
links to it there, numbers per network, hostile Bluesky text and names inert."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chatbot.domain.network import Network
from chatbot.recap import build_recap, thread_posts
from chatbot.recap.build import Recap
from chatbot.storage.repository import Repository
from tests.recap.devtools import find_chromium, open_page
from tests.recap.pages import section_rows
from tests.recap.three_networks import (
    HOSTILE_NAME,
    HOSTILE_TEXT,
    three_network_spec,
    three_networks,
)
from tests.recap.world import WEEK2, ChatWorld, chat_spec, question_set, user

CHROMIUM = find_chromium()


@pytest.fixture
def recap(store: Repository, tmp_path: Path) -> Recap:
    w = three_networks(store)
    spec = three_network_spec()
    return build_recap(store, spec, question_set(2), w.occurrence_id, out_dir=tmp_path)


def test_csv_names_each_posts_network_and_address(recap: Recap) -> None:
    with recap.files.csv.open(encoding="utf-8", newline="") as handle:
        rows = {r["author"]: r for r in csv.DictReader(handle)}
    assert rows["carl"]["network"] == "x"
    assert rows["carl"]["url"] == f"https://x.com/carl/status/{rows['carl']['id']}"
    assert rows["bob.bsky.social"]["network"] == "bluesky"
    assert rows["bob.bsky.social"]["url"].startswith("https://bsky.app/profile/bob.bsky.social/")
    assert rows["eve@mastodon.social"]["network"] == "mastodon"
    assert rows["eve@mastodon.social"]["url"].startswith("https://mastodon.social/@eve/")
    assert rows["mal.bsky.social"]["url"] == ""  # its javascript: address is dropped
    assert int(rows["bob.bsky.social"]["id"]) < 0  # stored id, the network's own in url


def test_markdown_names_networks_with_numbers_and_links(recap: Recap) -> None:
    md = recap.files.markdown.read_text(encoding="utf-8")
    assert "  - X: 2 people (1 new, 1 returning), 3 posts, 3 answers, 0 replies" in md
    assert "  - Bluesky: 4 people (3 new, 1 returning), 4 posts, 4 answers, 0 replies" in md
    assert "  - Mastodon: 2 people (2 new, 0 returning), 2 posts, 1 answer, 1 reply" in md
    assert "reading and posting on Bluesky and Mastodon costs nothing" in md
    assert "- **@eve@mastodon.social** on Mastodon [" in md
    assert "](https://mastodon.social/@eve/" in md
    assert "**@carl** on X [" in md and "](https://x.com/carl/status/" in md
    # No address, no link; the hostile text stays text.
    assert "- **@mal.bsky.social** on Bluesky 20:11 (A2):" in md
    assert "javascript:" not in md and "<script>" not in md and "<img" not in md


def test_html_escapes_a_hostile_bluesky_name_and_text(recap: Recap) -> None:
    page = recap.files.html.read_text(encoding="utf-8")
    assert HOSTILE_NAME not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(&#34;bsky&#34;)&gt;" in page  # the highlight's name
    assert "&lt;/script&gt;&lt;script&gt;alert(&#39;bsky&#39;)" in page
    assert 'href="javascript:' not in page
    sections = section_rows(page)
    assert sorted(sections) == [1, 2]  # fay's reply nests under eve's answer in Q1
    assert page.count("<script") == page.count("</script>") == 2 + 1  # the page's own
    rows = {row[1]: row for rows in sections.values() for row in rows}
    assert rows["mal.bsky.social"][2] == HOSTILE_NAME and rows["mal.bsky.social"][4]
    assert rows["mal.bsky.social"][11:] == [
        "Bluesky",
        "",
        "https://bsky.app/profile/mal.bsky.social",
    ]
    assert rows["eve@mastodon.social"][11] == "Mastodon"
    assert rows["eve@mastodon.social"][12].startswith("https://mastodon.social/@eve/")
    assert len(rows["carl"]) == 11  # an X post's addresses are made by the page, as before
    assert "<h2>Networks</h2>" in page and "<td>Bluesky</td><td>4</td><td>3</td>" in page
    assert "Bluesky and Mastodon: free" in page


def test_the_chart_is_drawn_for_several_networks(recap: Recap) -> None:
    data = recap.files.chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt: chromium)")
async def test_the_page_links_each_post_on_its_network(recap: Recap, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    async with open_page(CHROMIUM, recap.files.html.as_uri(), tmp_path / "profile") as page:
        shown = await page.open_section("#q1")
        links = await page.evaluate(
            "[...document.querySelectorAll('#q1 article .meta a')].map(a => a.href)"
        )
        tags = await page.evaluate(
            "[...document.querySelectorAll('#q1 article .meta .tag')].map(t => t.textContent)"
        )
        shown2 = await page.open_section("#q2")
        hostile = await page.evaluate("document.querySelector('#q2 article .who').textContent")
        pwned = await page.evaluate("document.querySelectorAll('img[src=x]').length")
    assert page.errors == []
    assert shown == 7 and shown2 == 2
    assert any(h.startswith("https://bsky.app/profile/bob.bsky.social/post/") for h in links)
    assert any(h.startswith("https://mastodon.social/@eve/") for h in links)
    assert "https://mastodon.social/@eve" in links
    assert any(h.startswith("https://x.com/carl/status/") for h in links)
    assert {"Bluesky", "Mastodon"} <= set(tags)
    assert hostile == HOSTILE_NAME and pwned == 0
    assert HOSTILE_TEXT  # shown as text in the section, never run (pwned stays 0)


def test_a_chat_on_x_alone_names_no_network(store: Repository, tmp_path: Path) -> None:
    """Its files stay as they were before other networks (but for posts.csv's two new
    columns): no network named, no per-network numbers, no free-networks cost note."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(user("ann", uid=31), "A1: reels of the shop floor #SMBchat", minute=3)
    w.save()
    recap = build_recap(store, chat_spec(), question_set(1), w.occurrence_id, out_dir=tmp_path)
    assert recap.networks == (Network.X,) and not recap.stats.several_networks
    md = recap.files.markdown.read_text(encoding="utf-8")
    page = recap.files.html.read_text(encoding="utf-8")
    for text in (md, page, "\n".join(recap.posts), "\n".join(recap.numbers())):
        assert "Bluesky" not in text and "Mastodon" not in text and " on X [" not in text
    assert "- **@ann** [20:03](https://x.com/ann/status/" in md
    assert "<h2>Networks</h2>" not in page
    assert thread_posts(recap, Network.X) == recap.posts
