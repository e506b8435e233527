"""`chatbot demo`: a whole chat on the local emulator, then the recap, as a new user sees it."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from chatbot.demo import run_demo
from chatbot.domain.network import Network
from chatbot.settings import load_settings
from chatbot.simulation import SPAMMER

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_hosts_a_whole_chat_and_publishes_its_recap(tmp_path: Path) -> None:
    settings = load_settings(None, CHATBOT_DATA_DIR=tmp_path, CHATBOT_CHAT_DIR=ROOT)
    out = io.StringIO()

    status = asyncio.run(run_demo(settings, speed=900, people=12, out=out))

    text = out.getvalue()
    assert status == 0, text
    for number in range(1, 7):
        assert f"  Q{number}: " in text
    assert f"/chat hide @{SPAMMER[0]}" in text
    assert "Recap thread posted on the emulator" in text
    # X's search lag is on (posts show 1-20 s late), and still, from X's own records:
    assert "answers lost: 0 of " in text and "bot posts doubled: 0 of " in text
    assert "posts read more than once on the same day by search: 0" in text
    folder = next((tmp_path / "recaps" / "smbchat").iterdir())
    recap = (folder / "recap.md").read_text(encoding="utf-8")
    assert "ana\\_bakes" in recap and SPAMMER[0].replace("_", "\\_") not in recap
    with (folder / "posts.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 50
    authors = {row["author"] for row in rows}
    assert "ana_bakes" in authors and SPAMMER[0] not in authors
    assert (folder / "activity.png").stat().st_size > 1000

    # The demo's database is a normal one: the other commands read it.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    env["CHATBOT_DATA_DIR"] = str(tmp_path)
    history = subprocess.run(
        [sys.executable, "-m", "chatbot", "history"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert history.returncode == 0, history.stderr
    row = history.stdout.splitlines()[1].split()
    assert row[0] == "smbchat" and row[2] == "ended" and row[-1] == "published"
    # Collected posts: the recap's, plus the spammer's few from before the hide.
    assert len(rows) <= int(row[3]) <= len(rows) + 10 and row[-2].startswith("$")

    rebuilt = subprocess.run(
        [sys.executable, "-m", "chatbot", "recap", "smbchat"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "--- post 1/" in rebuilt.stdout and "Nothing was posted" in rebuilt.stdout


def test_the_demo_runs_in_an_empty_folder_with_its_own_chat(tmp_path: Path) -> None:
    """After `pip install`, in any folder: the demo carries the example chat in the package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHATBOT_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "demo", "--speed", "900", "--people", "6"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"No chat files in {tmp_path.resolve()}: ")
    assert "Recap thread posted on the emulator" in result.stdout
    assert (tmp_path / "data" / "recaps" / "smbchat").is_dir()


def test_the_demo_hosts_one_chat_on_three_networks_and_prints_one_recap(tmp_path: Path) -> None:
    settings = load_settings(None, CHATBOT_DATA_DIR=tmp_path, CHATBOT_CHAT_DIR=ROOT)
    out = io.StringIO()
    networks = (Network.X, Network.BLUESKY, Network.MASTODON)

    status = asyncio.run(run_demo(settings, speed=900, people=8, out=out, networks=networks))

    text = out.getvalue()
    assert status == 0, text
    assert "on Bluesky (http://127.0.0.1:" in text and "Mastodon (http://127.0.0.1:" in text
    assert text.count("Recap thread posted") == 1
    assert "(and on bluesky: 8 posts" in text and "(and on mastodon: 8 posts" in text
    # Each network's own records: every post of its crowd read, no bot post twice.
    for name in ("Bluesky", "Mastodon"):
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{name}: bot posts"))
        assert "bot posts 18, doubled: 0" in line and ", lost: 0 of " in line, line
    # People of every network are in the recap's files, under their own handles.
    folder = next((tmp_path / "recaps" / "smbchat").iterdir())
    with (folder / "posts.csv").open(encoding="utf-8") as handle:
        authors = {row["author"] for row in csv.DictReader(handle)}
    assert "ana_bakes" in authors and "ana-bakes.bsky.social" in authors
    assert any(a.endswith(".example") and "@" in a for a in authors)


def test_the_demo_names_the_networks_it_knows_when_given_another(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", "demo", "--networks", "x,myspace"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--networks takes a list of x, bluesky, mastodon" in done.stderr
    assert "'x,myspace'" in done.stderr
