"""Logging set-up that never lets a secret through, in any encoding, nor a terminal escape."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote, quote_plus

from chatbot.render.safe_text import printable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
STARS = "**********"
_PERCENT = re.compile(r"%[0-9A-F]{2}")


def secret_forms(secret: str) -> set[str]:
    """Every way a library may write ``secret`` in a log line.

    oauthlib logs OAuth parameters percent-encoded, and its signature base
    string encodes them twice; HTTP libraries show them in ``repr`` or JSON.
    """
    forms = {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    for safe in ("", "~", "/"):
        once = quote(secret, safe=safe)
        forms |= {once, quote(once, safe=safe)}
    forms.add(quote_plus(secret))
    # Percent-encoding may use lower-case hex digits.
    forms |= {_PERCENT.sub(lambda m: m.group().lower(), form) for form in forms}
    return forms


class SafeFormatter(logging.Formatter):
    """Formats records with every form of each secret starred and control characters dropped."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(FORMAT)
        forms = {form for s in secrets if s and len(s) >= 4 for form in secret_forms(s)}
        # Longest first, so a form that contains another is starred whole.
        self.forms = sorted(forms, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The record as a line (and traceback), with nothing secret and no escapes in it."""
        text = super().format(record)
        for form in self.forms:
            text = text.replace(form, STARS)
        return printable(text)


def configure_logging(
    level: str, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Log to ``stream`` (stderr) at ``level``, with every secret value redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("discord", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
