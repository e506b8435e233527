"""The one price table and cost formula, shared by the X meter, the recap and the settings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chatbot import recap
from chatbot.recap.model import Usage as ChatUsage
from chatbot.recap.stats import cost_dollars
from chatbot.settings import load_settings, setting_names
from chatbot.x.meter import Meter, Prices, Usage, dollars

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def test_default_prices_are_x_list_prices_in_exact_decimals() -> None:
    assert Prices() == Prices(Decimal("0.005"), Decimal("0.015"), Decimal("0.20"))
    assert recap.Prices is Prices  # the recap re-exports the meter's table


def test_a_post_with_a_url_costs_the_url_price_only() -> None:
    cost = dollars(posts_read=1000, posts_created=20, posts_with_url=2)
    assert cost == Decimal("5.67")  # 1000 × .005 + 18 × .015 + 2 × .20
    assert dollars(posts_read=3, posts_created=0, posts_with_url=0) == Decimal("0.015")


def test_meter_and_recap_price_the_same_usage_alike() -> None:
    cheap = Prices(post_read=Decimal("0.001"), post_created=Decimal("0.01"))
    meter = Meter(prices=cheap)
    meter.record_read(range(7), at=T0)
    meter.record_created(with_url=False)
    meter.record_created(with_url=True)
    chat = ChatUsage(posts_read=7, posts_created=2, posts_with_url=1)
    assert meter.cost() == Decimal("0.217") == Usage(7, 7, 7, 2, 1).cost(cheap)
    assert cost_dollars(chat, cheap) == Decimal("0.22")  # the recap shows cents


def test_settings_map_onto_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    assert load_settings(None).prices == Prices()
    monkeypatch.setenv("X_PRICE_POST_READ", "0.0035")
    monkeypatch.setenv("X_PRICE_POST_WITH_URL", "0.25")
    assert load_settings(None).prices == Prices(
        post_read=Decimal("0.0035"), post_with_url=Decimal("0.25")
    )
