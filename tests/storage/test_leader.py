"""Leader election: two runners on one database never host at once; a standby takes over."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from chatbot.storage.leader import FileLeadership, advisory_key, leadership_for

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("leader_child.py")
LOGGER = "chatbot.storage.leader"


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


async def async_wait_until(condition: Callable[[], bool], within: float) -> bool:
    """``wait_until`` without blocking the event loop."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


class Runner:
    """A separate process standing in for ``chatbot run``; a thread collects its stdout."""

    def __init__(self, url: str, log_path: Path) -> None:
        self.log_path = log_path
        self.lines: list[str] = []
        with log_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, str(CHILD), url],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    @property
    def leads(self) -> bool:
        return f"LEADER {self.proc.pid}" in self.lines

    def log(self) -> str:
        return self.log_path.read_text()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


def report(runners: list[Runner]) -> str:
    return "\n".join(f"pid {r.proc.pid}: {r.lines} stderr:\n{r.log()}" for r in runners)


@pytest.mark.parametrize(
    "url_fixture", ["sqlite_url", pytest.param("pg_url", marks=pytest.mark.postgres)]
)
def test_two_runners_only_one_hosts_and_the_other_takes_over_when_it_dies(
    url_fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = str(request.getfixturevalue(url_fixture))
    runners = [Runner(url, tmp_path / f"runner{i}.log") for i in range(2)]
    try:
        assert wait_until(lambda: any(r.leads for r in runners), 30), report(runners)
        leader, standby = runners if runners[0].leads else runners[::-1]
        assert wait_until(lambda: "standing by" in standby.log(), 30), report(runners)
        # Both are up and contending; the standby must not lead while the leader lives.
        assert not wait_until(lambda: standby.leads, 2), report(runners)
        assert leader.lines == [f"LEADER {leader.proc.pid}"]

        leader.kill()
        assert wait_until(lambda: standby.leads, 10), report(runners)
        assert standby.lines == [f"LEADER {standby.proc.pid}"]
        assert standby.proc.poll() is None
    finally:
        for runner in runners:
            runner.kill()


def _terminate_lock_holders(url: str) -> int:
    """End every session holding an advisory lock in this database; return how many."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks"
            " WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchall()
    return len(rows)


@pytest.mark.postgres
async def test_lost_returns_when_the_server_ends_the_leaders_session(pg_url: str) -> None:
    leadership = leadership_for(pg_url, poll_seconds=0.1)
    try:
        await asyncio.wait_for(leadership.acquire(), 10)
        assert await asyncio.to_thread(_terminate_lock_holders, pg_url) == 1
        await asyncio.wait_for(leadership.lost(), 10)
        # The lock went with the session: another process can lead now.
        other = leadership_for(pg_url, poll_seconds=0.1)
        await asyncio.wait_for(other.acquire(), 10)
        other.release()
    finally:
        leadership.release()


async def test_a_standby_logs_once_and_takes_over_on_release(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    first = leadership_for(database_url, poll_seconds=0.05)
    second = leadership_for(database_url, poll_seconds=0.05)
    await asyncio.wait_for(first.acquire(), 10)
    waiting = asyncio.create_task(second.acquire())
    try:
        assert await async_wait_until(lambda: "standing by" in caplog.text, 10)
        await asyncio.sleep(0.5)  # ten more tries, all refused
        assert not waiting.done()
        assert caplog.text.count("standing by") == 1
        assert f"({second.describe()})" in caplog.text

        first.release()
        first.release()  # idempotent
        await asyncio.wait_for(first.lost(), 1)
        await asyncio.wait_for(waiting, 10)
    finally:
        waiting.cancel()
        first.release()
        second.release()


async def test_in_memory_sqlite_always_leads_until_released() -> None:
    one, two = leadership_for("sqlite://"), leadership_for("sqlite:///:memory:")
    await asyncio.wait_for(one.acquire(), 1)
    await asyncio.wait_for(two.acquire(), 1)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(one.lost(), 0.2)
    one.release()
    await asyncio.wait_for(one.lost(), 1)
    two.release()


async def test_the_lock_file_sits_beside_the_database_and_its_folder_is_created(
    tmp_path: Path,
) -> None:
    leadership = leadership_for(f"sqlite:///{tmp_path}/new/folder/chatbot.db")
    assert isinstance(leadership, FileLeadership)
    assert leadership.path == tmp_path / "new" / "folder" / "chatbot.db.lock"
    await asyncio.wait_for(leadership.acquire(), 1)
    assert leadership.path.exists()
    leadership.release()


async def test_an_unreachable_server_is_reported_once_and_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    # Nothing listens on port 1: each try is refused at once.
    leadership = leadership_for(
        "postgresql+psycopg://postgres@127.0.0.1:1/chatbot", poll_seconds=0.02
    )
    waiting = asyncio.create_task(leadership.acquire())
    assert await async_wait_until(lambda: "cannot reach" in caplog.text, 10)
    await asyncio.sleep(0.3)
    assert not waiting.done()
    assert caplog.text.count("cannot reach 127.0.0.1:1/chatbot") == 1
    assert "standing by" not in caplog.text
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    with pytest.raises(RuntimeError, match="released"):
        await leadership.acquire()  # cancelling acquire() released it


def test_describe_names_the_lock_without_the_password() -> None:
    url = "postgresql+psycopg://chatbot:s3cret-pw@db.example:6543/chatbot?sslmode=require"
    assert leadership_for(url).describe() == "PostgreSQL advisory lock on db.example:6543/chatbot"
    assert leadership_for("postgresql://u@127.0.0.1/x").describe().endswith("127.0.0.1:5432/x")


def test_the_advisory_key_is_stable_across_processes_and_versions() -> None:
    """Changing it would let an old and a new release lead at once during an upgrade."""
    assert advisory_key("chatbot-host") == -7862572456374038261
    assert advisory_key("chatbot-host") != advisory_key("chatbot-other")


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        leadership_for("mysql://u@127.0.0.1/chatbot")
