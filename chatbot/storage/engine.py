"""Engine factory and schema upgrades (Alembic) run at start, one process at a time."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from chatbot.storage.leader import advisory_key

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, busy_timeout: float = 30.0) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout (seconds a write
    waits for another process's lock before it fails)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect = {"check_same_thread": False, "timeout": busy_timeout}
        engine = create_engine(url, connect_args=connect)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default), keeping all data.

    Processes started at once (a leader and its standby) migrate one after the other:
    the second waits for the first, then finds the schema up to date.
    """
    config = alembic_config()
    with _migration_lock(engine), engine.begin() as connection:
        _lock_in_transaction(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite file: an exclusive ``flock`` on a file beside it, while migrating."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        yield
        return
    path = Path(database).expanduser().resolve()
    with path.with_name(path.name + ".migrate.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the OS drops it if the process dies
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_in_transaction(connection: Connection) -> None:
    """PostgreSQL: an advisory lock the server holds until the migration commits."""
    if connection.dialect.name == "postgresql":
        key = advisory_key("chatbot-migrate")
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None when it is empty."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
