from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import break_even_discount, break_even_uplift
from promocore.errors import ValidationError
from promocore.money import Money, Rounding


def test_textbook_break_even_discount() -> None:
    # d = m u / (1 + u) = 0.4 * 0.25 / 1.25 = 0.08
    result = break_even_discount(Decimal("0.40"), Decimal("0.25"))
    assert result.discount == Decimal("0.0800")
    assert result.feasible
    assert result.fixed_cost is None


def test_floats_are_fine_for_ratios() -> None:
    assert break_even_discount(0.5, 1.0).discount == Decimal("0.2500")


def test_fixed_costs_reduce_the_affordable_discount() -> None:
    # d = (m u - F/S) / (1 + u) = (0.4 * 0.25 - 10000/500000) / 1.25 = (0.1 - 0.02) / 1.25 = 0.064
    result = break_even_discount(
        "0.4", "0.25", fixed_cost=Money(1_000_000, "CNY"), baseline_sales=50_000_000
    )
    assert result.discount == Decimal("0.0640")
    assert result.baseline_sales == Money(50_000_000, "CNY")
    assert result.to_dict()["discount"] == "0.0640"


def test_infeasible_when_fixed_cost_exceeds_the_uplift() -> None:
    result = break_even_discount("0.2", "0.1", fixed_cost=500, baseline_sales=1000, currency="CNY")
    # (0.02 - 0.5) / 1.1 = -0.43636...
    assert result.discount == Decimal("-0.4363")
    assert not result.feasible


def test_break_even_uplift() -> None:
    # u = d / (m - d) = 0.1 / 0.3 = 0.3333..., rounded up by default
    assert break_even_uplift("0.40", "0.10").uplift == Decimal("0.3334")
    assert break_even_uplift("0.40", "0.10", rounding=Rounding.DOWN, places=2).uplift == Decimal(
        "0.33"
    )
    # with F/S = 0.02: (0.1 + 0.02) / 0.3 = 0.4
    with_fixed = break_even_uplift(
        "0.40", "0.10", fixed_cost=2_000, baseline_sales=100_000, currency="CNY"
    )
    assert with_fixed.uplift == Decimal("0.4000")
    too_deep = break_even_uplift("0.30", "0.30")
    assert too_deep.uplift is None
    assert not too_deep.feasible


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: break_even_discount(0, 0.1), "margin: must be > 0"),
        (lambda: break_even_discount("1.5", 0.1), "margin: must be <= 1"),
        (lambda: break_even_discount(0.3, -1), "volume_uplift: must be > -1"),
        (lambda: break_even_discount(0.3, float("nan")), "volume_uplift: must be a finite"),
        (lambda: break_even_discount(0.3, "lots"), "volume_uplift: 'lots' is not a number"),
        (lambda: break_even_uplift(0.3, 1), "discount: must be < 1"),
        (lambda: break_even_uplift(0.3, 0.1, fixed_cost=5), "baseline_sales: fixed_cost and"),
        (
            lambda: break_even_uplift(0.3, 0.1, fixed_cost=5, baseline_sales=0, currency="CNY"),
            "baseline_sales: must be > 0",
        ),
    ],
)
def test_refused(call: object, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        call()  # type: ignore[operator]


rates = st.decimals(min_value="0.01", max_value="1", places=3)


@settings(max_examples=80, deadline=None)
@given(margin=rates, uplift=st.decimals(min_value="0", max_value="5", places=3))
def test_discount_and_uplift_are_inverse(margin: Decimal, uplift: Decimal) -> None:
    d = break_even_discount(margin, uplift, places=12, rounding=Rounding.HALF_EVEN).discount
    back = break_even_uplift(margin, d, places=12, rounding=Rounding.HALF_EVEN).uplift
    assert back is not None
    assert abs(back - uplift) < Decimal("1e-8") * (1 + uplift) ** 2 / margin
