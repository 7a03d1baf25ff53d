"""Small builders shared by the presale tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from promocore.campaign import Campaign, Stage, Tier
from promocore.games.presale import (
    PayDeposit,
    PresaleOrder,
    PresaleParams,
    ThresholdBase,
    Window,
    open_order,
    pricing_stage,
    transition,
)
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams
from promocore.money import Money

SHANGHAI = timezone(timedelta(hours=8))

DEPOSIT_OPENS = datetime(2026, 10, 20, 20, 0, tzinfo=SHANGHAI)
DEPOSIT_CLOSES = datetime(2026, 10, 31, 20, 0, tzinfo=SHANGHAI)
FINAL_OPENS = datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI)
FINAL_CLOSES = datetime(2026, 11, 3, 23, 59, tzinfo=SHANGHAI)

#: A moment in the deposit window, and one in the final-payment window.
IN_DEPOSIT = datetime(2026, 10, 21, 10, 0, tzinfo=SHANGHAI)
IN_FINAL = datetime(2026, 11, 1, 10, 0, tzinfo=SHANGHAI)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def terms(**overrides: Any) -> PresaleParams:
    """定金50抵150 on a ¥999 item."""
    fields: dict[str, Any] = {
        "sku": "lipstick-set",
        "presale_price": cny("999"),
        "deposit": cny("50"),
        "deduction": cny("150"),
        "deposit_window": Window(DEPOSIT_OPENS, DEPOSIT_CLOSES),
        "final_window": Window(FINAL_OPENS, FINAL_CLOSES),
        "stock": 100,
        "per_customer_limit": 3,
    }
    fields.update(overrides)
    return PresaleParams(**fields)


def presale(params: PresaleParams | None = None, *, id: str = "d11-presale") -> Campaign:
    """A presale campaign at the stage its terms need."""
    chosen = params if params is not None else terms()
    stage = pricing_stage(chosen)
    return Campaign(
        id=id,
        name="双11预售 定金50抵150",
        mechanic="presale",
        params=chosen,
        stage=stage if stage is not Stage.ITEM else None,
    )


def full_price_base(**overrides: Any) -> Campaign:
    return presale(terms(threshold_base=ThresholdBase.PRESALE_PRICE, **overrides))


def every_300_off_30(id: str = "cross-store") -> Campaign:
    """跨店每满300减30 at the order stage."""
    return Campaign(
        id=id,
        name="每满300减30",
        mechanic="tiered_discount",
        params=TieredDiscountParams(mode=Mode.EVERY, step=cny("300"), amount_off=cny("30")),
    )


def ladder_300_off_30(id: str = "store-ladder") -> Campaign:
    """满300减30 (one tier) at the order stage."""
    return Campaign(
        id=id,
        name="满300减30",
        mechanic="tiered_discount",
        params=TieredDiscountParams(tiers=(Tier(cny("300"), amount_off=cny("30")),)),
    )


def coupon(threshold: str, off: str, id: str = "coupon") -> Campaign:
    """A store coupon (满X减Y) at the coupon stage."""
    return Campaign(
        id=id,
        name=f"满{threshold}减{off}券",
        mechanic="tiered_discount",
        params=TieredDiscountParams(tiers=(Tier(cny(threshold), amount_off=cny(off)),)),
        stage=Stage.COUPON,
    )


def deposit_paid_order(
    campaign: Campaign | None = None, *, quantity: int = 1, order_id: str = "o-1"
) -> PresaleOrder:
    """An order whose deposit is paid."""
    chosen = campaign if campaign is not None else presale()
    order, _ = open_order(order_id, chosen, "amy", quantity, IN_DEPOSIT)
    paid, _ = transition(order, PayDeposit("pay-deposit", order.deposit_due), IN_DEPOSIT)
    return paid
