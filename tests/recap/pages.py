"""Read recap.html as its script does: each question's posts are JSON rows."""

from __future__ import annotations

import json
import re
from typing import Any

_PART = re.compile(
    r'<details class="question" id="q(\d+)">.*?'
    r'<script type="application/json" class="part">(.*?)</script>',
    re.DOTALL,
)


def section_rows(page: str) -> dict[int, list[list[Any]]]:
    """Each question's rows (0: general conversation): [id, handle, name, time, text,
    depth, how, likes, replies, reposts, quotes], each post before its replies."""
    return {int(number): json.loads(rows) for number, rows in _PART.findall(page)}
