"""scripts/check: what CI checks, run in the developer's own virtualenv without touching it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "check"


def _check(*args: str, venv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK), *args],
        cwd=ROOT,
        env={**os.environ, "VENV": venv},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the tests run outside a virtualenv")
def test_check_lints_types_and_runs_the_given_tests_in_the_existing_venv() -> None:
    python = Path(sys.prefix) / "bin" / "python"
    before = python.lstat().st_mtime_ns

    result = _check(
        "tests/test_cli.py", "-q", "-p", "no:cacheprovider", "-k", "help", venv=sys.prefix
    )

    assert result.returncode == 0, result.stdout + result.stderr
    sections = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert sections == ["== lint", "== types", "== tests"]
    assert "1 passed" in result.stdout
    assert python.lstat().st_mtime_ns == before  # the virtualenv was reused, not rebuilt


def test_check_without_a_virtualenv_says_how_to_make_one(tmp_path: Path) -> None:
    result = _check(venv=str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "pip install -c constraints.txt -e '.[dev]'" in result.stderr
