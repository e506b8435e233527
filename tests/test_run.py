"""`chatbot run` and `chatbot emulator` as processes, the way a host runs them."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.dbfixtures import pg_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
BAD_SCHEDULE = """slug = "marschat"
title = "Mars"
hashtag = "#MarsChat"
host = "@SMBchatHost"
timezone = "Mars/Olympus_Mons"
question_set = "smb/engaging-customers"
[recurrence]
weekday = "Tuesday"
time = "20:00"
"""


class Process:
    """A child process whose stderr lines are read as they come."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chatbot", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Return the first line containing ``text`` (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        for line in self.lines:
            if text in line:
                return line
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.lines))

    def has(self, text: str) -> bool:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return any(text in line for line in self.lines)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chat_dir(tmp_path: Path) -> Path:
    """The shipped chat files plus one schedule with a time zone that does not exist."""
    folder = tmp_path / "chats"
    shutil.copytree(ROOT / "schedules", folder / "schedules")
    shutil.copytree(ROOT / "questions", folder / "questions")
    (folder / "schedules" / "mars.toml").write_text(BAD_SCHEDULE, encoding="utf-8")
    return folder


# The emulator checks signatures with the keys of its settings, as X does with its own.
X_KEYS = {
    "X_API_KEY": "key",
    "X_API_SECRET": "secret-value-1",
    "X_ACCESS_TOKEN": "1500000000000000001-token",
    "X_ACCESS_TOKEN_SECRET": "secret-value-2",
}


@pytest.fixture
def emulator_url() -> Iterator[str]:
    """`chatbot emulator` on a free port."""
    port = free_port()
    emulator = Process(["emulator", "--port", str(port)], dict(os.environ) | X_KEYS, ROOT)
    try:
        emulator.wait_for(f"127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        emulator.stop()


def bot_env(tmp_path: Path, chat_dir: Path, emulator_url: str, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "DISCORD_"))}
    env.update(
        X_KEYS,
        X_API_BASE_URL=emulator_url,
        CHATBOT_CHAT_DIR=str(chat_dir),
        CHATBOT_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database,
        CHATBOT_LOG_LEVEL="INFO",
    )
    return env


def test_run_without_x_credentials_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("X_")}
    env["CHATBOT_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "--env-file", str(tmp_path / "none"), "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "X_API_KEY" in result.stderr and "chatbot demo" in result.stderr


def test_run_hosts_the_good_chats_and_names_the_bad_file(
    tmp_path: Path, chat_dir: Path, emulator_url: str
) -> None:
    database = f"sqlite:///{tmp_path / 'bot.db'}"
    bot = Process(["run"], bot_env(tmp_path, chat_dir, emulator_url, database), ROOT)
    try:
        bot.wait_for("Posting as @SMBchatHost; hosting 1 chat(s)")
        bot.wait_for("smbchat: next chat at")
        errors = [line for line in bot.lines if " ERROR " in line]
        assert len(errors) == 1, errors
        assert "mars.toml:5:" in errors[0] and "Mars/Olympus_Mons" in errors[0]
        assert not bot.has("secret-value")
    finally:
        assert bot.stop() == 0


def test_run_freezes_what_start_up_made_out_of_the_garbage_collectors_way(
    tmp_path: Path, chat_dir: Path, emulator_url: str
) -> None:
    """A full collection walks every object it tracks: the modules, classes and
    matplotlib's tables start-up leaves (about 200,000) are frozen once started, so a
    big chat's collections walk only what the chat makes (bench/README.md)."""
    database = f"sqlite:///{tmp_path / 'bot.db'}"
    bot = Process(["run"], bot_env(tmp_path, chat_dir, emulator_url, database), ROOT)
    try:
        bot.wait_for("Posting as @SMBchatHost")
        line = bot.wait_for("objects frozen out of the garbage collector's way")
        frozen = re.search(r"(\d+) objects frozen", line)
        assert frozen and int(frozen.group(1)) > 100_000, line
    finally:
        assert bot.stop() == 0


@pytest.mark.postgres
def test_two_runs_on_one_postgres_only_one_hosts_and_the_other_takes_over(
    tmp_path: Path,
    chat_dir: Path,
    emulator_url: str,
    pg_url: str,  # noqa: F811
) -> None:
    env = bot_env(tmp_path, chat_dir, emulator_url, pg_url)
    first = Process(["run"], env, ROOT)
    first.wait_for("Posting as @SMBchatHost")
    second = Process(["run"], env, ROOT)
    try:
        second.wait_for("standing by")
        time.sleep(1.0)
        assert not second.has("Posting as")
        first.proc.kill()  # no clean shutdown: the lock goes with the connection
        first.proc.wait()
        second.wait_for("Posting as @SMBchatHost", timeout=20)
    finally:
        first.stop()
        assert second.stop() == 0


def test_transcript_builds_files_for_a_chat_the_bot_did_not_host(
    tmp_path: Path, chat_dir: Path, emulator_url: str
) -> None:
    def add(author: str, text: str, minutes_ago: int, **refs: str) -> str:
        moment = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        body = {"author": author, "text": text, "created_at": moment.isoformat(), **refs}
        request = urllib.request.Request(
            f"{emulator_url}/_emulator/posts",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["id"])

    question = add("other_host", "Q1: What's your best tip? #OtherChat", 50)
    add("ana_bakes", "A1: reply fast <script>alert(1)</script> #OtherChat", 45)
    add("bo_builds", "Same here! #OtherChat", 44, reply_to=question)
    add("cleo_codes", "A1: too early #OtherChat", 200)  # before --start
    start = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    end = datetime.now(UTC).isoformat()
    env = bot_env(tmp_path, chat_dir, emulator_url, f"sqlite:///{tmp_path / 'x.db'}")
    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "transcript", "#OtherChat", "--start", start,
         "--end", end, "--host", "@other_host"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Read 3 posts in 1 requests" in result.stdout
    html = next((tmp_path / "data" / "recaps" / "transcripts").rglob("recap.html"))
    page = html.read_text(encoding="utf-8")
    assert "ana_bakes" in page and "bo_builds" in page and "cleo_codes" not in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def _printed(line: str, name: str) -> str:
    """The value of ``NAME=value`` in an emulator's start-up line."""
    found = re.search(rf"{name}=(\S+)", line)
    assert found, f"no {name} in {line!r}"
    return found.group(1)


def _call(url: str, *, body: dict[str, str] | None = None, token: str = "") -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, object] = json.loads(response.read())
    return answer


def test_emulator_serves_bluesky_and_mastodon_beside_x_with_the_settings_to_use() -> None:
    port = free_port()
    emulator = Process(
        ["emulator", "--port", str(port), "--networks", "x,bluesky,mastodon"],
        dict(os.environ) | X_KEYS,
        ROOT,
    )
    try:
        emulator.wait_for(f"X API emulator on http://127.0.0.1:{port}")
        bluesky = emulator.wait_for("BLUESKY_SERVICE=")
        mastodon = emulator.wait_for("MASTODON_BASE_URL=")
        service = _printed(bluesky, "BLUESKY_SERVICE")
        assert service == f"http://127.0.0.1:{port + 1}"
        session = _call(
            f"{service}/xrpc/com.atproto.server.createSession",
            body={
                "identifier": _printed(bluesky, "BLUESKY_HANDLE"),
                "password": _printed(bluesky, "BLUESKY_APP_PASSWORD"),
            },
        )
        assert session["handle"] == _printed(bluesky, "BLUESKY_HANDLE")
        base = _printed(mastodon, "MASTODON_BASE_URL")
        assert base == f"http://127.0.0.1:{port + 2}"
        me = _call(
            f"{base}/api/v1/accounts/verify_credentials",
            token=_printed(mastodon, "MASTODON_ACCESS_TOKEN"),
        )
        assert me["username"]
    finally:
        emulator.stop()


def test_emulator_names_an_unknown_network() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chatbot", "emulator", "--networks", "x,myspace"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown network myspace" in result.stderr
