"""What a return of some units refunds: exact, never above the units' share, all of it at the
end."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.games.returns import check_return, unit_refund
from promocore.money import Money


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def test_hand_checked_refunds() -> None:
    # ¥10.00 for three units: 3.33, then 3.33 of the 6.67 left, then the last 3.34
    assert unit_refund(cny(1_000), 3, 1) == cny(333)
    assert unit_refund(cny(1_000), 3, 1, returned=1, refunded=cny(333)) == cny(333)
    assert unit_refund(cny(1_000), 3, 1, returned=2, refunded=cny(666)) == cny(334)
    assert unit_refund(cny(1_000), 3, 3) == cny(1_000)
    # an amount refunded before (price protection) comes off what the units share
    assert unit_refund(cny(1_000), 2, 1, refunded=cny(200)) == cny(400)
    assert unit_refund(cny(0), 4, 2) == cny(0)


def test_bad_returns_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^units: at most 1 of the 3"):
        unit_refund(cny(1_000), 3, 2, returned=2)
    with pytest.raises(ValidationError, match=r"^units: must be a whole number"):
        check_return(0, quantity=3, returned=0)
    with pytest.raises(ValidationError, match=r"^quantity: "):
        unit_refund(cny(1_000), 0, 1)
    with pytest.raises(ValidationError, match=r"^refunded: is more than"):
        unit_refund(cny(1_000), 2, 1, refunded=cny(1_001))


@st.composite
def return_plans(draw: st.DrawFn) -> tuple[int, int, list[int], list[int]]:
    """A sale (paid, quantity), the units of each return, and amounts refunded in between."""
    quantity = draw(st.integers(1, 12))
    paid = draw(st.integers(0, 10**9))
    batches: list[int] = []
    left = quantity
    while left:
        k = draw(st.integers(1, left))
        batches.append(k)
        left -= k
    extras = [draw(st.integers(0, paid // (4 * quantity) + 1)) for _ in batches]
    return paid, quantity, batches, extras


@given(return_plans())
def test_returns_never_refund_more_than_the_units_share(
    plan: tuple[int, int, list[int], list[int]],
) -> None:
    paid, quantity, batches, _ = plan
    returned, refunded = 0, 0
    for k in batches:
        amount = unit_refund(cny(paid), quantity, k, returned=returned, refunded=cny(refunded))
        assert 0 <= amount.amount <= paid - refunded
        returned += k
        refunded += amount.amount
        assert refunded * quantity <= returned * paid  # at most returned/quantity of paid
    assert refunded == paid  # and exactly what was paid once every unit is back


@given(return_plans())
def test_amount_refunds_in_between_never_make_returns_refund_too_much(
    plan: tuple[int, int, list[int], list[int]],
) -> None:
    paid, quantity, batches, extras = plan
    returned, refunded, by_returns = 0, 0, 0
    for k, extra in zip(batches, extras, strict=True):
        extra = min(extra, paid - refunded)
        refunded += extra  # a refund of an amount, the units stay
        amount = unit_refund(cny(paid), quantity, k, returned=returned, refunded=cny(refunded))
        returned += k
        refunded += amount.amount
        by_returns += amount.amount
        assert refunded <= paid
        assert by_returns * quantity <= returned * paid
    assert refunded == paid


@given(st.integers(0, 10**9), st.integers(1, 12))
def test_one_at_a_time_or_all_at_once_refunds_the_same(paid: int, quantity: int) -> None:
    whole = unit_refund(cny(paid), quantity, quantity)
    total = 0
    for returned in range(quantity):
        total += unit_refund(cny(paid), quantity, 1, returned=returned, refunded=cny(total)).amount
    assert cny(total) == whole == cny(paid)
