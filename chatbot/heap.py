"""The heap after start-up, frozen out of the garbage collector's way.

A full collection walks every object the collector tracks, however old. Start-up leaves
about 200,000 of them (modules, classes, functions, matplotlib's tables) that live as
long as the process: walking them took ~70 ms of every full collection, the longest
pauses of a big chat (bench/README.md). ``gc.freeze()`` moves them to a generation that
is never collected, so a collection walks only what the chats make.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("chatbot.heap")


def settle() -> int:
    """Load what the bot would load later anyway (matplotlib, at its first chart), then
    freeze everything alive; return how many objects were frozen."""
    from chatbot.recap.chart import load_matplotlib

    load_matplotlib()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("Start-up done: %d objects frozen out of the garbage collector's way", frozen)
    return frozen
