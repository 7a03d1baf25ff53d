"""second_half_price: a hand-checked price, and every conformance law from one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from promocore_secondhalf import SecondHalfParams

from promocore import Campaign, Cart, LineItem, Money, price

pytestmark = pytest.mark.promocore_mechanic("second_half_price")


def test_the_second_of_each_pair_is_half_price() -> None:
    campaign = Campaign("tea-2nd", "第二件半价", "second_half_price", SecondHalfParams())
    tea = LineItem("tea", Money.parse("39.90", "CNY"), 3)
    quote = price(Cart("CNY", [tea], at=datetime(2026, 6, 18, tzinfo=UTC)), [campaign])
    # three units make one pair: 19.95 off the second unit of it
    assert quote.total == Money.parse("99.75", "CNY")
