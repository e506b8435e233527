"""The chaos campaign's short version (bench/chaos.py): the real `chatbot run`, killed at
the worst moments, with X failing and the database stalled, loses no answer and makes
no post twice, by X's own records."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.dbfixtures import pg_url, sqlite_url  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import chaos


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_killed_and_faulted_the_bot_loses_nothing_and_doubles_nothing(
    kind: str, request: pytest.FixtureRequest
) -> None:
    url = str(request.getfixturevalue("pg_url" if kind == "postgres" else "sqlite_url"))
    options = chaos.parse_args(["--speed", "30", "--lock-seconds", "1.5"])

    result = await chaos.run_one(kind, url, chaos.EVERYTHING, chaos.everything, options)

    assert chaos.failures(result) == [], chaos.row(result)
    assert result.kills >= 5  # before the welcome, Q2, mid-collection, the window's end, recap
    assert result.checked.made > 200
    assert result.checked.searched_again <= 100 * result.kills  # a page in flight at most
