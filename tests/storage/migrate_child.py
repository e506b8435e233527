"""A stand-in for ``chatbot run`` starting: bring the schema up to date at an instant.

Run as ``python tests/storage/migrate_child.py DATABASE_URL START`` (START: seconds since
the epoch), so that several processes migrate one fresh database at the same moment.
Prints ``MIGRATED`` once the schema is up to date; a failure is a traceback and exit 1.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from chatbot.storage.engine import make_engine, upgrade

if __name__ == "__main__":
    url, start = sys.argv[1], float(sys.argv[2])
    engine = make_engine(url)
    time.sleep(max(0.0, start - time.time()))
    upgrade(engine)
    engine.dispose()
    print("MIGRATED", flush=True)
