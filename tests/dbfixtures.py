"""Database fixtures: each test gets its own SQLite file, and its own PostgreSQL
database when the server on 127.0.0.1:5432 is reachable.

Import the fixtures into a test folder's conftest with
``from tests.dbfixtures import *``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from chatbot.storage.engine import make_engine, upgrade
from chatbot.storage.repository import Repository

PG_ADMIN = os.environ.get("CHATBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

__all__ = ["database_url", "engine", "pg_url", "sqlite_url", "store"]


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file."""
    return f"sqlite:///{tmp_path / 'chatbot.db'}"


@contextmanager
def new_pg_database(prefix: str = "chatbot_test") -> Iterator[str]:
    """A fresh PostgreSQL database on the test server, dropped afterwards (the benchmarks
    use it too)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped after the test (skipped if the server is down)."""
    if not _pg_reachable():
        if os.environ.get("CHATBOT_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required but not reachable at {PG_ADMIN}")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    with new_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh, fully migrated database."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> Repository:
    """The repository on a fresh database."""
    return Repository(engine)
