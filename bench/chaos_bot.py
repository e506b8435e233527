"""`chatbot run` with chat time running faster than real time: the chaos campaign's bot.

    python bench/chaos_bot.py ORIGIN SPEED

ORIGIN is the real instant (ISO, with offset) at which chat time and real time agree;
from then on chat time runs SPEED times faster. The campaign's emulator keeps the same
``ScaledClock``, so the bot and X see the same time. Everything else is `chatbot run`:
its settings from the environment, its logging, leader lock, host, collector and
recap, and exit status 2 for a setting problem, 3 when it loses the database lock.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from chatbot import app
from chatbot.logs import configure_logging
from chatbot.settings import load_settings


class ScaledClock:
    """Chat time: ``speed`` times real time, counted from the real instant ``origin``.

    It is computed from the wall clock, so every process given the same origin and speed
    reads the same time.
    """

    def __init__(self, origin: datetime, speed: float) -> None:
        self.origin, self.speed = origin, speed

    def now(self) -> datetime:
        """The chat time now."""
        return self.origin + (datetime.now(UTC) - self.origin) * self.speed

    def real(self, moment: datetime) -> datetime:
        """The real instant at which chat time reaches ``moment``."""
        return self.origin + (moment - self.origin) / self.speed

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of chat time."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)


def main(origin: str, speed: str) -> int:
    """Run the bot on a scaled clock until SIGTERM (0), or exit with `chatbot run`'s status."""
    settings = load_settings(None)
    configure_logging(settings.log_level, settings.secret_values())
    clock = ScaledClock(datetime.fromisoformat(origin), float(speed))
    try:
        return asyncio.run(app.run(settings, clock=clock))
    except app.SetupError as exc:
        print(f"chatbot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
