"""The recap built from the database after each chat: numbers, thread and files.

Public API: ``build_recap`` and ``write_recap`` (``chatbot.recap.build``),
``build_transcript_from_x`` (``chatbot.recap.transcript``); plain data in
``chatbot.recap.model``. Publishing a recap on X is the host's
(``chatbot.hosting.recap_publishing``).
"""

from __future__ import annotations

from chatbot.recap.build import Recap, RecapFiles, build_recap, write_recap

__all__ = ["Recap", "RecapFiles", "build_recap", "write_recap"]
