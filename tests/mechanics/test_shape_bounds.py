"""The shapes' optional members (bound, floor, rate) keep their promises on drawn contexts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.mechanic import Bounded, Decline, Floored, Mechanic, Proposal, Rated
from promocore.plugins import make_host
from promocore.testing.samples import Example, examples

HOST = make_host(autoload=False)
SHAPES = ("bundle", "multibuy", "add_on", "shipping")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def _mechanic(name: str) -> Mechanic:
    return HOST.mechanic(name)


@pytest.mark.parametrize("name", SHAPES)
def test_every_shape_has_every_optional_member(name: str) -> None:
    mechanic = _mechanic(name)
    assert isinstance(mechanic, Bounded) and isinstance(mechanic, Floored)
    assert isinstance(mechanic, Rated) and getattr(mechanic, "bound_is_exact", False)


@pytest.mark.parametrize("name", SHAPES)
@SETTINGS
@given(data=st.data())
def test_bound_floor_and_rate_hold(name: str, data: st.DataObject) -> None:
    mechanic = _mechanic(name)
    example: Example = data.draw(examples(mechanic, host=HOST))
    context = example.context
    if context is None:
        return
    campaign = context.campaign
    outcome = mechanic.evaluate(context)
    granted = outcome.amount(context.currency) if isinstance(outcome, Proposal) else None
    bound = mechanic.bound(context)  # type: ignore[attr-defined]
    if bound.amount > 0:
        assert granted == bound
    else:
        assert granted is None or granted.amount == 0
    floor = mechanic.floor(campaign)  # type: ignore[attr-defined]
    if floor is not None and not floor.reached(context.base.amount, context.units):
        assert isinstance(outcome, Decline) or not outcome.discounts
    if isinstance(outcome, Proposal):
        for discount in outcome.discounts:
            price = context.cart.lines[discount.index].unit_price
            rate = mechanic.rate(campaign, price)  # type: ignore[attr-defined]
            if rate is not None:
                assert discount.amount.amount <= rate * price.amount * discount.units + 2
