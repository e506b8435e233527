"""What the X adapter counts as it works: requests, posts returned, posts created.

Prices and billing are not the adapter's: ``chatbot.domain.cost`` prices usage,
and the host's meter (``chatbot.hosting.usage``) bills each read once per UTC day.
``Meter`` is the adapter's default, plain totals for one-shot commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Meter:
    """Implements ``chatbot.ports.XMeter`` as running totals."""

    requests: int = 0
    posts_returned: int = 0
    posts_created: int = 0
    posts_with_url: int = 0

    def record_request(self) -> None:
        """Count one HTTP request (including retries)."""
        self.requests += 1

    def record_read(self, post_ids: Iterable[int], *, at: datetime) -> None:
        """Count posts returned by one response."""
        self.posts_returned += sum(1 for _ in post_ids)

    def record_created(self, *, with_url: bool) -> None:
        """Count one post we published."""
        self.posts_created += 1
        self.posts_with_url += int(with_url)
