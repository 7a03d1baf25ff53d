"""The threshold index: campaigns out of reach of their floor cost nothing, yet are explained.

That floors never change a quote, and that the built-in mechanics decline below them, is
checked with the other optional members in test_bounds.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any
from unittest import mock

import attrs
import pytest

from promocore.campaign import Campaign, Scope, Stage, Tier
from promocore.engine import Engine
from promocore.errors import PluginError
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Floor, Floored, Mechanic, Proposal, spread
from promocore.mechanics.price_off import PriceOff, PriceOffParams
from promocore.mechanics.tiered_discount import TieredDiscount, TieredDiscountParams
from promocore.money import Money
from promocore.plugins import make_host
from promocore.quote import Reason

from .builders import cart, cny, ladder, line, percent_off
from .test_bounds import without


def no_floors() -> AbstractContextManager[None]:
    """The built-in mechanics without floors: every campaign in scope is evaluated."""
    return without("floor")


def test_built_in_mechanics_declare_floors() -> None:
    assert isinstance(TieredDiscount(), Floored) and isinstance(PriceOff(), Floored)
    d11 = ladder("d11", ("300.00", "50.00"), ("500.00", "100.00"))
    assert TieredDiscount().floor(d11) == Floor(amount=cny("300.00"))
    fixed = Campaign("f", "f", "price_off", PriceOffParams(unit_price=cny("9.90")))
    assert PriceOff().floor(fixed) == Floor(amount=cny("9.91"), units=1)
    assert Floor(amount=cny("1.00"), units=2).reached(100, 2)
    assert not Floor(amount=cny("1.00"), units=2).reached(100, 1)


def test_a_far_ladder_is_not_evaluated_until_its_explanation_is_read() -> None:
    far = ladder("far", ("900.00", "90.00"))
    near = ladder("near", ("100.00", "10.00"), group="g")
    c = cart(line("A", "120.00"))
    engine = Engine([far, near])
    with mock.patch.object(TieredDiscount, "evaluate", autospec=True) as evaluate:
        evaluate.side_effect = lambda self, context: TieredDiscount._ladder(
            self, context, context.campaign.params, context.base, context.base.amount
        )
        quote = engine.price(c)
        assert [call.args[1].campaign.id for call in evaluate.call_args_list] == ["near"]
        assert quote.reason("far") == Reason.BELOW_THRESHOLD
        assert [call.args[1].campaign.id for call in evaluate.call_args_list] == ["near", "far"]
    (hint,) = [h for h in quote.hints if h.campaign == "far"]
    assert hint.add_amount == cny("790.00") and hint.extra_saving == cny("90.00")  # after near
    assert quote.discount == cny("10.00")


def test_skipped_campaigns_keep_their_place_and_reasons() -> None:
    c = cart(line("A", "100.00", 1, "x"), tier="silver")
    cs = [
        ladder("gold-far", ("900.00", "9.00"), audience=_gold()),
        ladder("far-1", ("800.00", "8.00"), group="g", priority=2),
        ladder("win", ("50.00", "5.00"), group="g", priority=1),
        ladder("far-2", ("700.00", "7.00")),
        percent_off("member", "10", scope=Scope(categories=frozenset({"x"}))),
        ladder("other-currency", ("1.00", "1.00"), currency="USD"),
    ]
    quote = Engine(cs).price(c, explain_all=True)
    with no_floors():
        eager = Engine(cs).price(c, explain_all=True)
    assert quote.not_applied == eager.not_applied and quote.hints == eager.hints
    reasons = {n.campaign: n.reason for n in quote.not_applied}
    assert reasons == {
        "gold-far": "audience_mismatch",
        "far-1": "below_threshold",
        "far-2": "below_threshold",
        "other-currency": "currency_mismatch",
    }


def _gold() -> Any:
    from promocore.campaign import Audience

    return Audience(tiers=frozenset({"gold"}))


def test_a_stackable_skipped_campaign_is_explained_on_the_state_it_would_have_seen() -> None:
    # The member price runs first at the item stage; the order-stage ladder is measured after it.
    member = percent_off("member", "10")
    first = ladder("a-first", ("20.00", "1.00"))  # before "z-far" in canonical order
    far = ladder("z-far", ("500.00", "50.00"))
    c = cart(line("A", "100.00"))
    quote = Engine([member, first, far]).price(c)
    with no_floors():
        eager = Engine([member, first, far]).price(c)
    assert quote == eager
    (hint,) = [h for h in quote.hints if h.campaign == "z-far"]
    assert hint.add_amount == cny("411.00")  # 500 - (100 - 10 - 1)


@attrs.frozen
class FloorParams:
    threshold: int


@attrs.frozen
class LyingFloor:
    """Declares a floor of ``threshold`` yet grants 1.00 whatever the cart."""

    name: str = "lying_floor"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = FloorParams

    def floor(self, campaign: Campaign) -> Floor:
        return Floor(amount=Money(campaign.params.threshold, campaign.currency))

    def evaluate(self, context: Context) -> Proposal | Decline:
        return Proposal(discounts=spread(Money(100, "CNY"), context.lines), message="1 off")


@attrs.frozen
class BadFloor(LyingFloor):
    name: str = "bad_floor"

    def floor(self, campaign: Campaign) -> Floor:
        return Floor(units=-1)


class FloorPlugin:
    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [LyingFloor(), BadFloor()]


def test_a_mechanic_applying_below_its_floor_is_caught_when_explained() -> None:
    host = make_host(autoload=False, plugins=[FloorPlugin()])
    lying = Campaign("lie", "lie", "lying_floor", FloorParams(1_000_000))
    quote = Engine([lying], host=host).price(cart(line("A", "10.00")))
    assert quote.applied == ()
    with pytest.raises(PluginError, match="below the floor it declared"):
        _ = quote.not_applied


def test_a_malformed_floor_is_refused() -> None:
    host = make_host(autoload=False, plugins=[FloorPlugin()])
    bad = Campaign("bad", "bad", "bad_floor", FloorParams(1))
    engine = Engine([bad], host=host)
    with pytest.raises(PluginError, match="floor"):
        engine.price(cart(line("A", "10.00")))


def test_a_quantity_floor_and_a_fixed_price_floor_skip() -> None:
    from promocore.mechanics.tiered_discount import Basis

    three = Campaign(
        "three",
        "满3件",
        "tiered_discount",
        TieredDiscountParams(basis=Basis.QUANTITY, tiers=(Tier(3, percent_off=Decimal(10)),)),
    )
    flash = Campaign("flash", "flash", "price_off", PriceOffParams(unit_price=cny("99.00")))
    c = cart(line("A", "50.00", 2))
    quote = Engine([three, flash]).price(c)
    assert quote.reason("three") == Reason.BELOW_THRESHOLD
    assert quote.reason("flash") == Reason.NO_DISCOUNT
    assert quote.hints[0].add_quantity == 1
