"""The ``commission`` mechanic in quotes, and recording an order from a priced cart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from promocore.campaign import Campaign, Schedule, Scope, Stage, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine, price
from promocore.games.commission import (
    CommissionParams,
    CommissionService,
    paid_order_from_quote,
)
from promocore.games.commission.mechanic import COMMISSION, INELIGIBLE
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, LineDiscount, Mechanic, Proposal
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.plugins import make_host
from promocore.quote import Effect, Quote
from promocore.state import MemoryStore
from tests.games.commission.builders import AT, cny, pct

PARAMS = CommissionParams(rates=pct("10", "5"), levels=2)
COMMISSION_CAMPAIGN = Campaign(
    "share", "Share and earn", "commission", PARAMS, scope=Scope(exclude_skus=frozenset({"card"}))
)
LADDER = Campaign(
    "m300",
    "300 off 30",
    "tiered_discount",
    TieredDiscountParams(tiers=(Tier(cny("300.00"), amount_off=cny("30.00")),)),
)


def shop_cart(*extra: LineItem) -> Cart:
    lines = (
        LineItem("tea", cny("199.00"), 2),
        LineItem("cup", cny("9.90"), 1, tags=frozenset({"flash_sale"})),
        LineItem("card", cny("100.00"), 1),
        *extra,
    )
    return Cart("CNY", lines, Customer("bo"), AT)


def effects(quote: Quote, kind: str) -> list[dict[str, Any]]:
    return [
        {"amount": e.amount, **dict(e.detail)}
        for e in quote.effects
        if isinstance(e, Effect) and e.kind == kind
    ]


def test_a_quote_estimates_each_level_on_the_price_after_discounts() -> None:
    quote = price(shop_cart(), [COMMISSION_CAMPAIGN, LADDER])
    assert quote.total == cny("477.90")  # 507.90 - 30.00
    assert quote.applied_amount("share") == cny("0.00")  # no effect on the price
    # tea pays 398.00 less its share of the 30.00 off (398/507.90 of it): 374.49
    tea = [e for e in effects(quote, COMMISSION) if e["sku"] == "tea"]
    assert [(e["level"], e["base"], e["amount"], e["rate"]) for e in tea] == [
        (1, cny("374.49"), cny("37.44"), "10%"),
        (2, cny("374.49"), cny("18.72"), "5%"),
    ]
    why = {e["sku"]: e["reason"] for e in effects(quote, INELIGIBLE)}
    assert why == {"cup": "activity_item", "card": "excluded"}
    (applied,) = [a for a in quote.applied if a.campaign == "share"]
    assert "¥56.16" in applied.message
    assert quote.to_dict()["effects"][0]["detail"]["base"] == "374.49"


def test_no_eligible_line_declines_with_the_reasons() -> None:
    cart = Cart("CNY", (LineItem("cup", cny("9.90"), 1, tags=frozenset({"flash_sale"})),), None, AT)
    quote = price(cart, [COMMISSION_CAMPAIGN])
    assert quote.reason("share") == "ineligible"
    (item,) = quote.not_applied
    assert "flash_sale" in item.message


@attrs.frozen
class GroupPrice:
    """An activity price that closes its lines to every later stage."""

    name: str = "group_price"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = Decimal

    def evaluate(self, context: Context) -> Proposal | Decline:
        view = context.lines[0]
        return Proposal(
            discounts=(LineDiscount(view.index, cny("1.00"), view.units),),
            message="group price",
            closes=frozenset({Stage.ORDER, Stage.COUPON, Stage.PAYMENT, Stage.POST}),
        )


class GroupPricePlugin:
    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [GroupPrice()]


def test_a_line_closed_by_an_activity_price_is_explained() -> None:
    host = make_host(autoload=False, plugins=[GroupPricePlugin()])
    group = Campaign("team", "Team price", "group_price", Decimal(1), scope=Scope(skus={"pot"}))
    engine = Engine([COMMISSION_CAMPAIGN, group], host=host)
    quote = engine.price(shop_cart(LineItem("pot", cny("50.00"), 1)))
    why = {e["sku"]: e["reason"] for e in effects(quote, INELIGIBLE)}
    assert why["pot"] == "closed"


def test_recording_the_paid_quote_matches_the_estimate() -> None:
    cart = shop_cart()
    quote = price(cart, [COMMISSION_CAMPAIGN, LADDER])
    paid = paid_order_from_quote(
        "o-1", cart, quote, paid_at=AT, campaign=COMMISSION_CAMPAIGN, shipping=cny("10.00")
    )
    assert [ln.payable for ln in paid.lines] == [ln.total for ln in quote.lines]
    assert sum(ln.shipping.amount for ln in paid.lines if ln.shipping) == 1000
    assert [ln.activity for ln in paid.lines] == [None, "flash_sale", None]
    assert [ln.excluded for ln in paid.lines] == [None, None, "out of the campaign's scope"]
    service = CommissionService.for_campaign(MemoryStore(), COMMISSION_CAMPAIGN)
    for person in ("amy", "cai"):
        service.join(person, now=AT)
    service.bind("amy", "cai", now=AT)
    service.bind("bo", "amy", now=AT)
    state = service.record_order(paid, now=AT).state
    estimate = [e["amount"] for e in effects(quote, COMMISSION)]
    assert [r.amount for r in state.records] == estimate
    assert {i.line_id: i.reason.value for i in state.ineligible} == {
        "1": "activity_item",
        "2": "excluded",
    }


def test_activity_campaigns_and_campaigns_that_did_not_apply() -> None:
    cart = shop_cart()
    quote = price(cart, [COMMISSION_CAMPAIGN, LADDER])
    marked = paid_order_from_quote("o-1", cart, quote, paid_at=AT, activity_campaigns={"m300"})
    assert [ln.activity for ln in marked.lines] == ["m300", "flash_sale", "m300"]
    ended = attrs.evolve(COMMISSION_CAMPAIGN, schedule=Schedule(ends_at=AT))
    late = price(cart, [ended])
    excluded = paid_order_from_quote("o-2", cart, late, paid_at=AT, campaign=ended)
    assert all(ln.excluded and "did not apply" in ln.excluded for ln in excluded.lines)
