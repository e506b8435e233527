"""The repository itself: no ballooned text file (bench/README.md was once 2.8 MB), CI pinned."""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 300 * 1024
# As git decides: a NUL byte in the first 8,000 bytes makes a file binary (images, fonts…).
SNIFF = 8000
# A file or folder of the repository as the docs name it, e.g. `chatbot/ports.py`.
PATH = re.compile(
    r"(?:\.ci|bench|chatbot|questions|schedules|scripts|tests)/[\w./-]*|[\w-]+\.(?:md|txt|toml)"
)


def oversized_text_files(root: Path, limit: int = LIMIT) -> list[str]:
    """Each file git tracks under ``root`` that is text and over ``limit`` bytes, with its size."""
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout
    found = []
    for name in listing.decode("utf-8").split("\0"):
        path = root / name
        if not name or not path.is_file() or path.stat().st_size <= limit:
            continue
        with path.open("rb") as handle:
            if b"\0" in handle.read(SNIFF):
                continue
        found.append(f"{name}: {path.stat().st_size // 1024} KB")
    return found


needs_git = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)


@needs_git
def test_no_tracked_text_file_is_over_300_kb() -> None:
    assert oversized_text_files(ROOT) == [], f"over {LIMIT // 1024} KB: a bad edit or a data dump?"


@needs_git
def test_a_ballooned_text_file_is_found_and_a_large_binary_is_not(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "README.md").write_text("repeated paragraph. " * 20_000, encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\xff" * 400_000)
    (tmp_path / "small.md").write_text("fine\n", encoding="utf-8")
    (tmp_path / "untracked.md").write_text("x" * 400_000, encoding="utf-8")
    subprocess.run(["git", "add", "README.md", "chart.png", "small.md"], cwd=tmp_path, check=True)
    assert oversized_text_files(tmp_path) == ["README.md: 390 KB"]


def test_constraints_pin_every_package_the_project_installs() -> None:
    """CI installs with constraints.txt: a dependency missing from it would float."""
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[canonicalize_name(name)] = version
    wanted: set[str] = set()
    queue = [("chatbot", frozenset({"dev"}))]
    while queue:
        name, extras = queue.pop()
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in extras | {""}):
                continue
            key = canonicalize_name(requirement.name)
            if key not in wanted:
                wanted.add(key)
                queue.append((requirement.name, frozenset(requirement.extras)))
    assert sorted(wanted - set(pinned)) == [], "run scripts/refresh-constraints"
    assert all(pinned.values()), "every line of constraints.txt is name==version"


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md"])
def test_every_file_the_docs_name_exists(doc: str) -> None:
    """A rename that forgets the docs fails here, naming the stale path."""
    spans = re.findall(r"`([^`\s]+)`", (ROOT / doc).read_text(encoding="utf-8"))
    named = [span for span in spans if PATH.fullmatch(span)]
    assert len(named) > 5
    assert [path for path in named if not (ROOT / path).exists()] == []
