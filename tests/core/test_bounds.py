"""The mechanics' optional members (bound, floor, rate): true where promised, and never a
change to a quote."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from unittest import mock

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore._run import Run
from promocore.campaign import Campaign, Stage
from promocore.cart import Cart
from promocore.engine import Engine
from promocore.mechanic import Bounded, Context, Decline, Floored, Proposal, Rated
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


@contextmanager
def without(member: str) -> Iterator[None]:
    """The built-in mechanics without ``member``: the engine does without it."""
    with (
        mock.patch.object(TieredDiscount, member, None),
        mock.patch.object(PriceOff, member, None),
    ):
        yield


#: Each optional member switched off, as the engine sees it.
SWITCHED_OFF: dict[str, Callable[[], AbstractContextManager[object]]] = {
    "bound": lambda: mock.patch.object(Run, "bound", return_value=0),  # evaluate every one
    "floor": lambda: without("floor"),
    "rate": lambda: without("rate"),
}


def contexts(
    cart: Cart, cs: list[Campaign], exclusive: bool, taken: int, paid: int = 0
) -> Iterator[tuple[Campaign, Context]]:
    """Each campaign's context on ``cart``, ``taken`` units fewer per line, ``paid``% paid."""
    state = PricingState.start(cart)
    every_line = tuple(range(len(cart.lines)))
    for campaign in cs:
        views = []
        for view in state.views(campaign, Stage.ORDER, every_line, exclusive):
            part = view.take(max(view.units - taken, 1))
            left = part.base.with_amount(part.base.amount * (100 - paid) // 100)
            views.append(attrs.evolve(part, base=left, payable=left) if paid else part)
        yield (
            campaign,
            Context(
                campaign,
                cart,
                NOW,
                Stage.ORDER,
                tuple(views),
                campaign.limits.per_order,
                exclusive,
            ),
        )


def test_built_in_mechanics_have_every_optional_member() -> None:
    for mechanic in MECHANICS.values():
        assert isinstance(mechanic, Bounded) and isinstance(mechanic, Floored)
        assert isinstance(mechanic, Rated)
        assert getattr(mechanic, "bound_is_exact", False)


@SETTINGS
@given(cart=carts(), cs=campaigns(), exclusive=st.booleans(), taken=st.integers(0, 3))
def test_a_positive_bound_is_what_evaluate_grants(
    cart: Cart, cs: list[Campaign], exclusive: bool, taken: int
) -> None:
    for campaign, context in contexts(cart, cs, exclusive, taken):
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
@given(cart=carts(), cs=campaigns(), exclusive=st.booleans(), taken=st.integers(0, 3))
def test_below_its_floor_a_mechanic_declines(
    cart: Cart, cs: list[Campaign], exclusive: bool, taken: int
) -> None:
    for campaign, context in contexts(cart, cs, exclusive, taken):
        mechanic = MECHANICS[campaign.mechanic]
        if not mechanic.floor(campaign).reached(context.base.amount, context.units):
            outcome = mechanic.evaluate(context)
            assert isinstance(outcome, Decline) or not outcome.discounts


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
    for campaign, context in contexts(cart, cs, exclusive, taken, paid):
        mechanic = MECHANICS[campaign.mechanic]
        outcome = mechanic.evaluate(context)
        if not isinstance(outcome, Proposal):
            continue
        for discount in outcome.discounts:
            price = cart.lines[discount.index].unit_price
            rate = mechanic.rate(campaign, price)
            if rate is not None:
                most = rate * price.amount * discount.units
                assert discount.amount.amount <= most + 2, (campaign.params, discount, rate)


@SETTINGS
@given(
    cart=carts(),
    cs=campaigns(max_size=8, groups=("g1", "g2", "g3")),
    selection=st.sampled_from(Selection),
    explain_all=st.booleans(),
    member=st.sampled_from(sorted(SWITCHED_OFF)),
)
def test_optional_members_never_change_a_quote(
    cart: Cart, cs: list[Campaign], selection: Selection, explain_all: bool, member: str
) -> None:
    quote = Engine(cs, selection=selection).price(cart, explain_all=explain_all)
    with SWITCHED_OFF[member]():
        plain = Engine(cs, selection=selection).price(cart, explain_all=explain_all)
        assert plain.to_dict() == quote.to_dict()
        assert plain == quote


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
        loose = Engine(cs).price(cart, explain_all=True)
    assert loose.applied == exact.applied
    for a, b in zip(exact.not_applied, loose.not_applied, strict=True):
        assert (a.campaign, a.reason) == (b.campaign, b.reason)
        assert b.message in (a.message, a.message.replace(" vs ", " vs at most "))
