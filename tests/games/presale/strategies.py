"""Hypothesis strategies for presale terms and the campaigns that stack on them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from promocore.campaign import Campaign, Stage, Tier
from promocore.games.presale import (
    DepositPolicy,
    ExcessDeposit,
    PresaleParams,
    ThresholdBase,
)
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams
from promocore.money import Money
from tests.games.presale.builders import terms


def fen(value: int) -> Money:
    return Money(value, "CNY")


@st.composite
def presale_terms(draw: st.DrawFn, /, **fixed: Any) -> PresaleParams:
    """Valid presale terms: any price, a deposit within (or, allowed, above) the legal cap."""
    price = draw(st.integers(1, 500_000))
    excess = draw(st.sampled_from(ExcessDeposit))
    top = price if excess is ExcessDeposit.PREPAYMENT else price // 5
    if top < 1:
        price, top = 5, 1
    deposit = draw(st.integers(1, top))
    deduction = draw(st.integers(deposit, price))
    fields: dict[str, Any] = {
        "presale_price": fen(price),
        "deposit": fen(deposit),
        "deduction": fen(deduction),
        "excess_deposit": excess,
        "stacks": draw(st.booleans()),
        "threshold_base": draw(st.sampled_from(ThresholdBase)),
        "deposit_policy": draw(st.sampled_from(DepositPolicy)),
        "stock": 1_000,
        "per_customer_limit": None,
    }
    fields.update(fixed)
    return terms(**fields)


@st.composite
def stacking_campaigns(draw: st.DrawFn) -> list[Campaign]:
    """Order-stage steps and ladders and coupon-stage ladders, some generous."""
    found: list[Campaign] = []
    for i in range(draw(st.integers(0, 3))):
        stage = draw(st.sampled_from([Stage.ORDER, Stage.COUPON]))
        if draw(st.booleans()):
            params = TieredDiscountParams(
                mode=Mode.EVERY,
                step=fen(draw(st.integers(1, 100_000))),
                amount_off=fen(draw(st.integers(1, 100_000))),
            )
        else:
            params = TieredDiscountParams(
                tiers=(
                    Tier(
                        fen(draw(st.integers(1, 600_000))),
                        amount_off=fen(draw(st.integers(1, 1_000_000))),
                    ),
                )
            )
        found.append(Campaign(f"c{i}", f"stacked {i}", "tiered_discount", params, stage=stage))
    return found
