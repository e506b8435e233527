"""The recap page of a very large chat: its size, and how fast headless Chromium shows it.

A ``--posts`` chat (default 50,000 by 3,000 people over six questions) is made in memory
(``tests/recap/bigchat.py``: labelled, inferred and replied-to answers, chatter), its
recap written by ``write_recap``, and recap.html opened in headless Chromium over the
DevTools protocol (``tests/recap/devtools.py``). Reported: the time to write the files
and the process's peak memory, the page's size, first contentful paint, DOMContentLoaded
and the load event (from the page's own Performance API), its element count, and the
time to open the largest question and draw its first posts.

    /tmp/venv/bin/python bench/recap_page.py [--posts 50000] [--people 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path

from _rig import cpu_model, peak_rss_mb, table

from chatbot.recap import write_recap
from tests.recap.bigchat import big_record
from tests.recap.devtools import find_chromium, open_page

NAVIGATION = """JSON.stringify((() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return [paint ? paint.startTime : null, nav.domContentLoadedEventEnd, nav.loadEventEnd];
})())"""


async def measure(
    chromium: str, page_path: Path, profile: Path, section: int
) -> list[list[object]]:
    """Open the page and time its paint, its load and the opening of ``section``."""
    async with open_page(chromium, page_path.as_uri(), profile) as page:
        paint, loaded, load = json.loads(await page.evaluate(NAVIGATION))
        elements = await page.evaluate("document.getElementsByTagName('*').length")
        began = time.perf_counter()
        shown = await page.open_section(f"#q{section}")
        opened = (time.perf_counter() - began) * 1000
    return [
        ["first contentful paint (ms)", paint],
        ["DOMContentLoaded (ms)", loaded],
        ["load event (ms)", load],
        ["elements after load", elements],
        [f"open Q{section} and draw {shown} posts (ms)", opened],
    ]


async def main(args: argparse.Namespace) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt: chromium)")
    folder = Path(tempfile.mkdtemp(prefix="bench-recap-page-"))
    try:
        record = big_record(posts=args.posts, people=args.people)
        began = time.perf_counter()
        recap = write_recap(record, out_dir=folder)
        written = time.perf_counter() - began
        sizes = {p.name: p.stat().st_size / 2**20 for p in recap.files.all()}
        counts = recap.stats.answers_per_question
        rows = [
            ["write_recap (s)", written],
            ["peak RSS (MiB)", peak_rss_mb()],
            *[[f"{name} (MiB)", size] for name, size in sizes.items()],
            *await measure(
                chromium, recap.files.html, folder / "profile", max(counts, key=counts.get)
            ),
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.posts:,} posts by {args.people:,} people; {cpu_model()}")
    print(table(["", "value"], rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000, help="participant posts")
    parser.add_argument("--people", type=int, default=3000, help="distinct participants")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
