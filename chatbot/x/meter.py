"""What the bot spends on X: requests, posts read and created, priced in dollars.

Per-chat cost: take ``meter.snapshot()`` when a chat starts and ``meter.usage_since(start)``
when its recap is done; the difference is that chat's usage (chats of one bot run one at a
time, so nothing else is counted in between). Reads are billed like X bills them: each post
once per UTC day, however often it is returned.

``Prices`` and ``dollars`` are the bot's one price table and one cost formula: the recap
(``chatbot.recap.stats.cost_dollars``) prices a chat's stored usage with them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Prices:
    """Pay-per-use prices in dollars (X's 2026 list prices by default; the host may override).

    Decimal, so sums of many small prices are exact; ``Settings.prices`` builds one from
    the ``X_PRICE_*`` settings.
    """

    post_read: Decimal = Decimal("0.005")
    post_created: Decimal = Decimal("0.015")
    post_with_url: Decimal = Decimal("0.20")


def dollars(
    *, posts_read: int, posts_created: int, posts_with_url: int, prices: Prices | None = None
) -> Decimal:
    """Return what this usage costs on X, exactly (round only to display it).

    ``posts_created`` includes the ``posts_with_url``; a post with a URL costs the URL
    price only, not the URL price on top of the plain one.
    """
    prices = prices or Prices()
    plain = max(posts_created - posts_with_url, 0)
    return (
        posts_read * prices.post_read
        + plain * prices.post_created
        + posts_with_url * prices.post_with_url
    )


@dataclass(frozen=True, slots=True)
class Usage:
    """Counts over some span; ``cost`` prices them."""

    requests: int = 0
    posts_returned: int = 0
    posts_billed: int = 0
    posts_created: int = 0
    posts_created_with_url: int = 0

    def __sub__(self, other: Usage) -> Usage:
        return Usage(
            requests=self.requests - other.requests,
            posts_returned=self.posts_returned - other.posts_returned,
            posts_billed=self.posts_billed - other.posts_billed,
            posts_created=self.posts_created - other.posts_created,
            posts_created_with_url=self.posts_created_with_url - other.posts_created_with_url,
        )

    def cost(self, prices: Prices | None = None) -> Decimal:
        """Return the dollars this usage costs (reads are the billed ones, not all returned)."""
        return dollars(
            posts_read=self.posts_billed,
            posts_created=self.posts_created,
            posts_with_url=self.posts_created_with_url,
            prices=prices,
        )


@dataclass(slots=True)
class Meter:
    """Counts every request the X adapter makes and every post it reads or creates."""

    prices: Prices = field(default_factory=Prices)
    requests: int = 0
    posts_returned: int = 0
    posts_created: int = 0
    posts_created_with_url: int = 0
    _billed: set[tuple[int, str]] = field(default_factory=set)

    def record_request(self) -> None:
        """Count one HTTP request (including retries)."""
        self.requests += 1

    def record_read(self, post_ids: Iterable[int], *, at: datetime) -> None:
        """Count posts returned; each post is billed once per UTC day."""
        day = at.astimezone(UTC).date().isoformat()
        for post_id in post_ids:
            self.posts_returned += 1
            self._billed.add((post_id, day))

    def record_created(self, *, with_url: bool) -> None:
        """Count one post we published."""
        self.posts_created += 1
        if with_url:
            self.posts_created_with_url += 1

    def snapshot(self) -> Usage:
        """Return the totals so far (subtract two snapshots for a span)."""
        return Usage(
            requests=self.requests,
            posts_returned=self.posts_returned,
            posts_billed=len(self._billed),
            posts_created=self.posts_created,
            posts_created_with_url=self.posts_created_with_url,
        )

    def usage_since(self, start: Usage) -> Usage:
        """Return what was used since ``start`` was taken."""
        return self.snapshot() - start

    def cost(self) -> Decimal:
        """Return the dollars spent so far at this meter's prices."""
        return self.snapshot().cost(self.prices)
