"""The one price table and cost formula: the recap, the notices and the settings share it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chatbot.domain.cost import Prices, Usage, billing_day, cost_dollars
from chatbot.settings import load_settings, setting_names


def test_default_prices_are_x_list_prices_in_exact_decimals() -> None:
    assert Prices() == Prices(Decimal("0.005"), Decimal("0.015"), Decimal("0.20"))


def test_a_post_with_a_url_costs_the_url_price_only() -> None:
    usage = Usage(posts_read=1000, posts_created=20, posts_with_url=2)
    assert usage.cost() == Decimal("5.67")  # 1000 × .005 + 18 × .015 + 2 × .20
    assert Usage(posts_read=3).cost() == Decimal("0.015")


def test_usage_adds_up_and_is_shown_to_the_cent() -> None:
    cheap = Prices(post_read=Decimal("0.001"), post_created=Decimal("0.01"))
    total = Usage(requests=2, posts_read=7) + Usage(requests=1, posts_created=2, posts_with_url=1)
    assert total == Usage(requests=3, posts_read=7, posts_created=2, posts_with_url=1)
    assert total.cost(cheap) == Decimal("0.217")
    assert cost_dollars(total, cheap) == Decimal("0.22")


def test_reads_are_billed_by_the_utc_day() -> None:
    new_york = timezone(timedelta(hours=-5))
    late_evening = datetime(2026, 11, 24, 20, 30, tzinfo=new_york)  # 01:30 UTC on the 25th
    assert billing_day(late_evening) == billing_day(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    assert billing_day(late_evening).isoformat() == "2026-11-25"


def test_settings_map_onto_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    assert load_settings(None).prices == Prices()
    monkeypatch.setenv("X_PRICE_POST_READ", "0.0035")
    monkeypatch.setenv("X_PRICE_POST_WITH_URL", "0.25")
    assert load_settings(None).prices == Prices(
        post_read=Decimal("0.0035"), post_with_url=Decimal("0.25")
    )
