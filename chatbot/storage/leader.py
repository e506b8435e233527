"""Leader election: at most one ``chatbot run`` process per database hosts the chats.

PostgreSQL: a session advisory lock held on a dedicated connection; the server drops it
when that connection dies, so a standby process takes over. SQLite file: ``flock`` on a
file beside the database; the OS drops it when the process dies. In-memory SQLite is
private to one process, which always leads.

The lock has no lease: if the server ends the leader's session while the leader is
alive, a standby may lead before the old leader's next check (``poll_seconds``) notices.
Claim each post in the database before sending it all the same.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# Defaults for the dedicated connection; the database URL may override any of them.
# Keepalives and a TCP user timeout notice a dead server or network in about 30 s, not hours.
_PG_DEFAULTS: dict[str, str | int] = {
    "application_name": "chatbot-leader",
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}


class _Released(Exception):
    """The leadership was released while a query waited to run."""


def advisory_key(name: str) -> int:
    """The signed 64-bit advisory lock key for ``name``, the same in every process and version."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leadership(ABC):
    """The right to host the chats; at most one process per database holds it."""

    def __init__(self, *, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._released = False

    async def acquire(self) -> None:
        """Return once this process leads; until then stand by, trying every ``poll_seconds``.

        Cancelling it releases this leadership for good.
        """
        announced = False
        try:
            while True:
                if self._released:
                    raise RuntimeError("this leadership was released; make a new one")
                outcome = await self._try_acquire()
                if outcome:
                    break
                if outcome is not None and not announced:
                    log.info(
                        "standing by: another chatbot process hosts the chats (%s)",
                        self.describe(),
                    )
                    announced = True
                await asyncio.sleep(self.poll_seconds)
        except asyncio.CancelledError:
            self.release()
            raise
        log.info("leading: this process hosts the chats (%s)", self.describe())

    @abstractmethod
    async def _try_acquire(self) -> bool | None:
        """Take the lock if free: True if taken, False if held elsewhere, None if unknown."""

    @abstractmethod
    async def lost(self) -> None:
        """Return (never raise) once this process does not lead, e.g. its connection died."""

    @abstractmethod
    def release(self) -> None:
        """Give up leadership (idempotent); a standby may take over at once."""

    @abstractmethod
    def describe(self) -> str:
        """Say where the lock lives, without any password."""


class PostgresLeadership(Leadership):
    """A session advisory lock held on a dedicated autocommit connection."""

    def __init__(self, conninfo: str, *, name: str, poll_seconds: float) -> None:
        super().__init__(poll_seconds=poll_seconds)
        params = conninfo_to_dict(conninfo)
        self._where = "{}:{}/{}".format(
            params.get("host") or params.get("hostaddr") or "localhost",
            params.get("port") or 5432,
            params.get("dbname") or params.get("user") or "",
        )
        self._conninfo = make_conninfo("", **{**_PG_DEFAULTS, **params})
        self._key = advisory_key(name)
        self._io = threading.Lock()  # one worker thread at a time uses the connection
        self._guard = threading.Lock()  # guards the three fields below
        self._conn: psycopg.Connection[TupleRow] | None = None
        self._busy = 0  # queries in flight on worker threads
        self._leading = False
        self._failing = False  # a warning about the server is out; do not repeat it

    def describe(self) -> str:
        return f"PostgreSQL advisory lock on {self._where}"

    async def _try_acquire(self) -> bool | None:
        sql = "SELECT pg_try_advisory_lock(%s::bigint)"
        try:
            got = await asyncio.to_thread(self._query, sql, (self._key,), connect=True)
        except _Released:
            return None
        except (psycopg.Error, OSError) as error:
            if not self._failing:
                log.warning("cannot reach %s, will keep trying: %s", self._where, error)
                self._failing = True
            return None
        if self._failing:
            log.info("reached %s again", self._where)
            self._failing = False
        self._leading = got is True and not self._released
        return self._leading

    async def lost(self) -> None:
        while self._leading:
            try:
                await asyncio.to_thread(self._query, "SELECT 1", (), connect=False)
            except _Released:
                return
            except Exception as error:  # whatever it was, the lock cannot be vouched for
                if not self._released:
                    log.error("lost leadership (%s): %s", self.describe(), error)
                self._leading = False
                return
            await asyncio.sleep(self.poll_seconds)

    def release(self) -> None:
        with self._guard:
            self._released = True
            self._leading = False
            conn, busy = self._conn, self._busy
            if not busy:
                self._conn = None
        if conn is not None and not busy:
            conn.close()  # a query in flight closes it when it returns (see _query)

    def _query(self, sql: str, params: tuple[object, ...], *, connect: bool) -> object:
        """Run one statement on the dedicated connection (worker thread).

        Opens the connection if ``connect``; otherwise a missing one is an error, since a
        new session would not hold the lock.
        """
        with self._guard:
            if self._released:
                raise _Released
            self._busy += 1
        try:
            with self._io:
                try:
                    conn = self._conn
                    if conn is None or conn.closed:
                        if not connect:
                            raise psycopg.OperationalError("the leader's connection is gone")
                        conn = psycopg.connect(self._conninfo, autocommit=True)
                        with self._guard:
                            self._conn = conn
                    row = conn.execute(sql, params).fetchone()
                    return row[0] if row else None
                except Exception:
                    self._drop_connection()  # the server ends the session and its lock with it
                    raise
        finally:
            with self._guard:
                self._busy -= 1
                stale = self._conn if self._released and not self._busy else None
                if stale is not None:
                    self._conn = None
            if stale is not None:
                stale.close()

    def _drop_connection(self) -> None:
        with self._guard:
            conn, self._conn, self._leading = self._conn, None, False
        if conn is not None:
            conn.close()


class FileLeadership(Leadership):
    """An exclusive ``flock`` on a lock file; no file means a private in-memory database."""

    def __init__(self, path: Path | None, *, poll_seconds: float) -> None:
        super().__init__(poll_seconds=poll_seconds)
        self.path = path
        self._fd: int | None = None
        self._leading = False
        self._done = asyncio.Event()

    def describe(self) -> str:
        if self.path is None:
            return "in-memory SQLite: one process, always leader"
        return f"lock file {self.path}"

    async def _try_acquire(self) -> bool:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())  # for people wondering who holds it
            self._fd = fd
        self._leading = True
        return True

    async def lost(self) -> None:
        if self._leading:
            await self._done.wait()

    def release(self) -> None:
        self._released = True
        self._leading = False
        self._done.set()
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None


def leadership_for(
    database_url: str, *, name: str = "chatbot-host", poll_seconds: float = 1.0
) -> Leadership:
    """The leadership that fits ``database_url``; nothing connects until ``acquire()``."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresLeadership(libpq_url, name=name, poll_seconds=poll_seconds)
    if backend == "sqlite":
        database = url.database
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return FileLeadership(None, poll_seconds=poll_seconds)
        path = Path(database).expanduser().resolve()
        return FileLeadership(path.with_name(path.name + ".lock"), poll_seconds=poll_seconds)
    raise ValueError(f"no leader election for {backend!r} databases; use PostgreSQL or SQLite")
