"""Mechanics' bounds: exact where promised, and never a change to a quote."""

from unittest import mock

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore._run import Run
from promocore.campaign import Campaign, Stage
from promocore.cart import Cart
from promocore.engine import Engine
from promocore.mechanic import Bounded, Context, Decline, Proposal, Rated
from promocore.mechanics.price_off import PriceOff
from promocore.mechanics.tiered_discount import TieredDiscount
from promocore.money import Money
from promocore.pricing_state import PricingState
from promocore.selection import Selection

from .builders import NOW, campaigns, carts

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MECHANICS: dict[str, PriceOff | TieredDiscount] = {
    "price_off": PriceOff(),
    "tiered_discount": TieredDiscount(),
}


def test_built_in_mechanics_bound_exactly() -> None:
    for mechanic in MECHANICS.values():
        assert isinstance(mechanic, Bounded)
        assert getattr(mechanic, "bound_is_exact", False)


@SETTINGS
@given(cart=carts(), cs=campaigns(), exclusive=st.booleans(), taken=st.integers(0, 3))
def test_a_positive_bound_is_what_evaluate_grants(
    cart: Cart, cs: list[Campaign], exclusive: bool, taken: int
) -> None:
    state = PricingState.start(cart)
    every_line = tuple(range(len(cart.lines)))
    for campaign in cs:
        views = state.views(campaign, Stage.ORDER, every_line, exclusive)
        context = Context(
            campaign,
            cart,
            NOW,
            Stage.ORDER,
            tuple(view.take(max(view.units - taken, 1)) for view in views),
            campaign.limits.per_order,
            exclusive,
        )
        mechanic = MECHANICS[campaign.mechanic]
        bound = mechanic.bound(context)
        outcome = mechanic.evaluate(context)
        if bound.amount > 0:
            assert isinstance(outcome, Proposal)
            assert outcome.amount("CNY") == bound
        else:
            assert bound == Money.zero("CNY")
            assert isinstance(outcome, Decline) or outcome.amount("CNY").amount == 0


@SETTINGS
@given(
    cart=carts(),
    cs=campaigns(max_size=8, groups=("g1", "g2", "g3")),
    selection=st.sampled_from(Selection),
    explain_all=st.booleans(),
)
def test_bounds_never_change_a_quote(
    cart: Cart, cs: list[Campaign], selection: Selection, explain_all: bool
) -> None:
    engine = Engine(cs, selection=selection)
    quote = engine.price(cart, explain_all=explain_all)
    with mock.patch.object(Run, "bound", return_value=0):  # evaluate every candidate
        assert engine.price(cart, explain_all=explain_all).to_dict() == quote.to_dict()


@SETTINGS
@given(cart=carts(), cs=campaigns(max_size=8, groups=("g1", "g2", "g3")))
def test_a_loser_not_evaluated_is_reported_with_at_most_its_bound(
    cart: Cart, cs: list[Campaign]
) -> None:
    engine = Engine(cs)
    exact = engine.price(cart, explain_all=True)
    with (
        mock.patch.object(TieredDiscount, "bound_is_exact", False),
        mock.patch.object(PriceOff, "bound_is_exact", False),
    ):
        loose = engine.price(cart, explain_all=True)
    assert loose.applied == exact.applied
    for a, b in zip(exact.not_applied, loose.not_applied, strict=True):
        assert (a.campaign, a.reason) == (b.campaign, b.reason)
        assert b.message in (a.message, a.message.replace(" vs ", " vs at most "))


def test_built_in_mechanics_declare_rates() -> None:
    for mechanic in MECHANICS.values():
        assert isinstance(mechanic, Rated)


@SETTINGS
@given(
    cart=carts(),
    cs=campaigns(),
    exclusive=st.booleans(),
    taken=st.integers(0, 3),
    paid=st.integers(0, 100),
)
def test_no_line_gets_more_than_its_rate(
    cart: Cart, cs: list[Campaign], exclusive: bool, taken: int, paid: int
) -> None:
    """A discount on a line is at most rate x list price x units covered, plus 2 for rounding.

    ``paid`` percent of each line is taken off first, as an earlier stage would.
    """
    state = PricingState.start(cart)
    every_line = tuple(range(len(cart.lines)))
    for campaign in cs:
        mechanic = MECHANICS[campaign.mechanic]
        views = []
        for view in state.views(campaign, Stage.ORDER, every_line, exclusive):
            part = view.take(max(view.units - taken, 1))
            left = part.base.with_amount(part.base.amount * (100 - paid) // 100)
            views.append(attrs.evolve(part, base=left, payable=left))
        context = Context(
            campaign, cart, NOW, Stage.ORDER, tuple(views), campaign.limits.per_order, exclusive
        )
        outcome = mechanic.evaluate(context)
        if not isinstance(outcome, Proposal):
            continue
        for discount in outcome.discounts:
            line = cart.lines[discount.index]
            rate = mechanic.rate(campaign, line.unit_price)
            if rate is None:
                continue
            most = rate * line.unit_price.amount * discount.units
            assert discount.amount.amount <= most + 2, (campaign.params, discount, rate)
