from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import CostBreakdown, campaign_roi
from promocore.errors import ValidationError
from promocore.money import Money, Rounding


def test_roi_hand_checked() -> None:
    report = campaign_roi(
        Money(1_200_000, "CNY"),
        discount_cost=[50_000, 30_000, Money(20_000, "CNY")],
        commission=np.array([10_000, 50_000]),
        gifts=40_000,
        fixed_costs=Money(200_000, "CNY"),
    )
    assert report.costs == CostBreakdown(
        Money(100_000, "CNY"), Money(60_000, "CNY"), Money(40_000, "CNY"), Money(200_000, "CNY")
    )
    assert report.total_cost == Money(400_000, "CNY")
    assert report.profit == Money(800_000, "CNY")
    assert report.roi == Decimal("2.0000")
    assert report.return_per_unit_cost == Decimal("3.0000")
    assert report.costs.shares() == {
        "discount": Decimal("0.2500"),
        "commission": Decimal("0.1500"),
        "gifts": Decimal("0.1000"),
        "fixed": Decimal("0.5000"),
    }


def test_loss_and_named_rounding_on_a_tie() -> None:
    # (1 - 8) / 8 = -0.875: a tie at two places
    even = campaign_roi(1, fixed_costs=8, currency="USD", places=2)
    assert even.roi == Decimal("-0.88")
    assert even.profit == Money(-7, "USD")
    assert campaign_roi(
        1, fixed_costs=8, currency="USD", places=2, rounding=Rounding.HALF_DOWN
    ).roi == Decimal("-0.87")
    assert campaign_roi(100, gifts=3, currency="USD", places=3).roi == Decimal("32.333")


def test_no_cost_gives_no_roi() -> None:
    report = campaign_roi(Money(500, "EUR"))
    assert report.roi is None
    assert report.return_per_unit_cost is None
    assert report.costs.shares() == {}


def test_sums_past_int64_stay_exact() -> None:
    big = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    report = campaign_roi(big, discount_cost=[2**70, 1], currency="CNY")
    assert report.revenue.amount == 3 * 2**62
    assert report.costs.discount.amount == 2**70 + 1


def test_to_dict_is_plain() -> None:
    d = campaign_roi(300, fixed_costs=100, currency="JPY").to_dict()
    assert d["roi"] == "2.0000"
    assert d["currency"] == "JPY" and d["costs"]["currency"] == "JPY"
    assert d["revenue"] == "300"
    assert d["costs"]["total"] == "100"
    assert d["rounding"] == "HALF_EVEN"


def test_currency_is_required_for_plain_minor_units() -> None:
    with pytest.raises(ValidationError, match="currency: required"):
        campaign_roi(100, fixed_costs=10)


def test_problems_name_argument_and_index() -> None:
    with pytest.raises(ValidationError) as info:
        campaign_roi(
            Money(100, "CNY"),
            discount_cost=[1, 2.5, 3],
            commission=[Money(1, "USD")],
            gifts=-5,
            currency="CNY",
        )
    messages = [str(p) for p in info.value.problems]
    assert "discount_cost[1]: floats are refused for money; pass integer minor units or Money" in (
        messages
    )
    assert any(m.startswith("commission[0]: currency USD differs from CNY") for m in messages)
    assert "gifts: total must be >= 0 (got -5)" in messages


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"currency": "ZZZ"}, "currency: unknown currency 'ZZZ'"),
        ({"places": 20, "currency": "CNY"}, "places: must be a whole number from 0 to 12"),
        ({"fixed_costs": "12", "currency": "CNY"}, "fixed_costs: expected Money, int"),
        ({"fixed_costs": True, "currency": "CNY"}, "fixed_costs: expected Money or integer"),
        ({"fixed_costs": np.array([1.0]), "currency": "CNY"}, "fixed_costs: floats are refused"),
    ],
)
def test_refused_inputs(kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected.replace("(", r"\(")):
        campaign_roi(100, **kwargs)  # type: ignore[arg-type]


amounts = st.lists(st.integers(min_value=0, max_value=2**64), max_size=20)


@settings(max_examples=60, deadline=None)
@given(revenue=amounts, discounts=amounts, fixed=st.integers(min_value=0, max_value=2**40))
def test_money_sums_are_exact(revenue: list[int], discounts: list[int], fixed: int) -> None:
    report = campaign_roi(revenue, discount_cost=discounts, fixed_costs=fixed, currency="CNY")
    assert report.revenue.amount == sum(revenue)
    assert report.total_cost.amount == sum(discounts) + fixed
    assert report.profit.amount + report.total_cost.amount == report.revenue.amount
    if report.total_cost.amount:
        exact = Decimal(sum(revenue) - report.total_cost.amount) / report.total_cost.amount
        assert report.roi is not None
        assert abs(report.roi - exact) <= Decimal("0.00005")
