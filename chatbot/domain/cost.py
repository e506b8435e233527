"""What the bot spends on X: the price table, usage counts, and their cost in dollars.

X bills pay-per-use: each post read once per UTC day however often it is returned
(``billing_day``), each post created, a post with a URL at the URL price alone. The
X adapter only counts what it does; the host turns its counts into a ``Usage`` per
occurrence (``chatbot.hosting.usage``), the database keeps them, and the recap, the
moderators' notices and ``chatbot history`` price them here, with the same ``Prices``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, slots=True)
class Prices:
    """Pay-per-use prices in dollars (X's 2026 list prices by default; the host may override).

    Decimal, so sums of many small prices are exact; ``Settings.prices`` builds one from
    the ``X_PRICE_*`` settings.
    """

    post_read: Decimal = Decimal("0.005")
    post_created: Decimal = Decimal("0.015")
    post_with_url: Decimal = Decimal("0.20")


@dataclass(frozen=True, slots=True)
class Usage:
    """What some span of work used on X: requests, billed reads, posts created."""

    requests: int = 0
    posts_read: int = 0  # as X bills them: each post once per UTC day
    posts_created: int = 0  # includes the ones with a URL
    posts_with_url: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            requests=self.requests + other.requests,
            posts_read=self.posts_read + other.posts_read,
            posts_created=self.posts_created + other.posts_created,
            posts_with_url=self.posts_with_url + other.posts_with_url,
        )

    def cost(self, prices: Prices | None = None) -> Decimal:
        """What this usage costs on X, exactly (round only to display it)."""
        prices = prices or Prices()
        plain = max(self.posts_created - self.posts_with_url, 0)
        return (
            self.posts_read * prices.post_read
            + plain * prices.post_created
            + self.posts_with_url * prices.post_with_url
        )


def cost_dollars(usage: Usage, prices: Prices | None = None) -> Decimal:
    """What ``usage`` cost on X, to the cent (rounded half up), as moderators see it."""
    return usage.cost(prices).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def billing_day(at: datetime) -> date:
    """The day X bills a read made at ``at`` on: reading a post again that UTC day is free."""
    return at.astimezone(UTC).date()
