"""Shared checks for chat files: problems named by file and line, text fields, placeholders."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbot.catalog.lines import KeyLines
from chatbot.render.posts import PLACEHOLDERS, placeholders_in
from chatbot.render.safe_text import CONTROL


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a chat file, named by file and line."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message}"


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class FileCheck:
    """Problems of one file, with line lookups."""

    def __init__(self, path: Path, text: str, problems: list[Problem]) -> None:
        self.path, self.lines, self.problems = path, KeyLines(text), problems
        self.count = 0

    def add(self, message: str, key: str = "", *, table: str = "", index: int = 0) -> None:
        self.count += 1
        line = self.lines.line(key, table=table, index=index)
        self.problems.append(Problem(self.path, line, message))

    def unknown(
        self, data: dict[str, Any], allowed: set[str], *, table: str = "", index: int = 0
    ) -> None:
        for key in sorted(set(data) - allowed):
            where = f"[{table}] " if table else ""
            self.add(
                f"unknown key '{key}' {where}(allowed: {', '.join(sorted(allowed))})",
                key,
                table=table,
                index=index,
            )


def read_toml(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, f"cannot read file: {exc}"))
        return None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(path, int(match.group(1)) if match else 1, f"invalid TOML: {exc}"))
        return None


def text_field(
    check: FileCheck,
    data: dict[str, Any],
    key: str,
    *,
    table: str = "",
    index: int = 0,
    required: bool = True,
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            check.add(f"missing '{key}'", table=table, index=index)
        return ""
    if not isinstance(value, str) or not value.strip():
        check.add(f"'{key}' must be non-empty text", key, table=table, index=index)
        return ""
    control = CONTROL.search(value)
    if control:
        check.add(
            f"'{key}' contains the control character U+{ord(control.group()):04X}: remove it",
            key,
            table=table,
            index=index,
        )
        return ""
    try:
        unknown = [n for n in placeholders_in(value) if n not in PLACEHOLDERS]
    except ValueError as exc:
        check.add(f"'{key}' has a malformed placeholder: {exc}", key, table=table, index=index)
        return ""
    for name in unknown:
        check.add(
            f"'{key}' uses unknown placeholder {{{name}}} "
            f"(known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)})",
            key,
            table=table,
            index=index,
        )
    return value.strip()
