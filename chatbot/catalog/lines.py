"""Find the line of a key in a TOML file, so every problem can name it.

``tomllib`` gives values but no positions; this reads the text once and maps
(table, index, key) to the line where the key is written.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"']+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")

KeyPath = tuple[str, int, str]  # (table, index in an array of tables or 0, key)


class KeyLines:
    """Line numbers of keys and table headers in one TOML text."""

    def __init__(self, text: str) -> None:
        self.keys: dict[KeyPath, int] = {}
        self.tables: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        table, index = "", 0
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header:
                table = header.group(2).strip("\"'")
                if header.group(1) == "[[":
                    index = counts.get(table, 0)
                    counts[table] = index + 1
                else:
                    index = 0
                self.tables[(table, index)] = number
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((table, index, key.group(1).strip("\"'")), number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote

    def line(self, key: str = "", *, table: str = "", index: int = 0) -> int:
        """Return the line of ``key`` in ``table`` (or of the table itself), else 1."""
        if key and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.tables.get((table, index), 1)
