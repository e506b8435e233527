"""A stand-in for ``chatbot run`` in the leader tests: lead, say so, hold on.

Run as ``python tests/storage/leader_child.py DATABASE_URL``. Prints ``LEADER <pid>``
(flushed) once it leads and ``LOST`` if it stops leading, then exits 3; logs go to stderr.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from chatbot.storage.leader import leadership_for


async def main(url: str) -> int:
    leadership = leadership_for(url)
    await leadership.acquire()
    print(f"LEADER {os.getpid()}", flush=True)
    await leadership.lost()
    print("LOST", flush=True)
    leadership.release()
    return 3


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main(sys.argv[1])))
