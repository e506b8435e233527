"""The recap built from the database after each chat (numbers, thread and files), and
the series report across a chat's weeks.

Public API: ``build_recap``, ``write_recap`` and ``thread_posts`` (the recap thread for
one network; ``chatbot.recap.build``),
``build_transcript_from_x`` (``chatbot.recap.transcript``), ``import_transcript``
(``chatbot.recap.imports``), the series report across weeks (``series_report`` in
``chatbot.recap.series``, its files in ``chatbot.recap.series_files``); plain data in
``chatbot.recap.model``. Publishing a recap on X is the host's
(``chatbot.hosting.recap_publishing``).
"""

from __future__ import annotations

from chatbot.recap.build import Recap, RecapFiles, build_recap, thread_posts, write_recap

__all__ = ["Recap", "RecapFiles", "build_recap", "thread_posts", "write_recap"]
