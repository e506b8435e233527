"""The recap built from the database after each chat: numbers, thread, files, publishing.

Public API (what the runner and the CLI call):
``build_recap``, ``refresh_metrics``, ``approve_recap``, ``publish_recap`` and
``build_transcript_from_x``; plain data in ``chatbot.recap.model``.
"""

from __future__ import annotations

from chatbot.recap.build import Recap, RecapFiles, build_recap, write_recap
from chatbot.recap.model import Prices
from chatbot.recap.publish import (
    RecapNotApprovedError,
    approve_recap,
    publish_recap,
    refresh_metrics,
)

__all__ = [
    "Prices",
    "Recap",
    "RecapFiles",
    "RecapNotApprovedError",
    "approve_recap",
    "build_recap",
    "publish_recap",
    "refresh_metrics",
    "write_recap",
]
