"""What every part of the repository shares: the engine and one short session each call.

``Repository`` (``chatbot.storage.repository``) is composed of mixins built on
``StoreBase``, one module per concern; none of them opens a session any other way.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

# Ids per ``IN (...)`` query: well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500


class StoreBase:
    """Holds the engine and opens sessions that keep objects usable after commit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)
