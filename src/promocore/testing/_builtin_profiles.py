"""Testing profiles of built-in mechanics that do not carry their own.

``tiered_discount`` params need thresholds that increase and match their basis; the extra
laws record what ``tiered_discount`` and ``price_off`` promise beyond the standard ones. The
references work out what both grant in ``Decimal``, apart from their code, for the
``matches_reference`` law. ``order_reward`` params give exactly one reward.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from hypothesis import strategies as st

from promocore.campaign import Gift, Tier
from promocore.mechanic import Context
from promocore.mechanics.order_reward import CouponReward, OrderRewardParams
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import Basis, Mode, TieredDiscountParams
from promocore.money import Money, Rounding
from promocore.testing.extra_laws import MONOTONE_IN_CART_VALUE, RESPECTS_UNIT_LIMIT
from promocore.testing.profiles import register_profile
from promocore.testing.strategies import money, rates
from promocore.testing.strategies.vocabulary import SKUS


def _gifts(currency: str) -> st.SearchStrategy[tuple[Gift, ...]]:
    """Gifts valued at a list price, a declared cost (sometimes zero), or both."""
    value = money(currency=currency, min_value=0, max_value=20_000)
    gift = st.builds(
        Gift,
        sku=st.sampled_from(SKUS),
        quantity=st.integers(1, 3),
        list_price=value,
        cost=st.none() | value,
    ) | st.builds(Gift, sku=st.sampled_from(SKUS), quantity=st.integers(1, 3), cost=value)
    return st.lists(gift, min_size=1, max_size=2).map(tuple)


@st.composite
def _reward(draw: st.DrawFn, currency: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["amount_off", "percent_off", "gifts", "amount_off+gifts"]))
    reward: dict[str, Any] = {}
    if kind.startswith("amount_off"):
        reward["amount_off"] = draw(money(currency=currency, min_value=1, max_value=100_000))
    if kind == "percent_off":
        reward["percent_off"] = draw(rates(min_value=Decimal("0.1"), max_value=100, places=1))
    if kind.endswith("gifts"):
        reward["gifts"] = draw(_gifts(currency))
    return reward


@st.composite
def _tiered_params(draw: st.DrawFn, currency: str) -> TieredDiscountParams:
    basis = draw(st.sampled_from(Basis))
    mode = draw(st.sampled_from(Mode))
    top = 300_000 if basis is Basis.AMOUNT else 12

    def threshold(value: int) -> Money | int:
        return Money(value, currency) if basis is Basis.AMOUNT else value

    cap = draw(st.none() | money(currency=currency, min_value=1, max_value=100_000))
    rounding = draw(st.sampled_from(Rounding))
    if mode is Mode.LADDER:
        values = sorted(draw(st.sets(st.integers(1, top), min_size=1, max_size=4)))
        tiers = tuple(Tier(threshold(v), **draw(_reward(currency))) for v in values)
        return TieredDiscountParams(basis, mode, tiers, cap=cap, rounding=rounding)
    step = threshold(draw(st.integers(1, top)))
    amount_off = draw(money(currency=currency, min_value=1, max_value=100_000))
    return TieredDiscountParams(
        basis, mode, step=step, amount_off=amount_off, cap=cap, rounding=rounding
    )


def _tiered(currency: str) -> st.SearchStrategy[TieredDiscountParams]:
    return _tiered_params(currency)


def _percent(amount: int, percent: Decimal, rounding: Rounding) -> int:
    """``percent`` % of ``amount`` minor units, rounded with ``rounding``, in Decimal."""
    with localcontext() as exact:
        exact.prec = 60
        return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding.value))


def _price_off_reference(context: Context) -> dict[int, Money]:
    """Each covered unit's discount, line by line, up to the per-order unit limit."""
    params: PriceOffParams = context.campaign.params
    left = context.unit_limit
    found: dict[int, Money] = {}
    for view in context.lines:
        units = view.units if left is None else min(view.units, left)
        if units <= 0:
            break
        base = view.take(units).base.amount
        if params.percent_off is not None:
            amount = _percent(base, params.percent_off, params.rounding)
        elif params.amount_off is not None:
            amount = min(params.amount_off.amount * units, base)
        else:
            assert params.unit_price is not None
            amount = max(base - params.unit_price.amount * units, 0)
        if amount > 0:
            found[view.index] = Money(amount, context.currency)
            left = None if left is None else left - units
    return found


def _tiered_reference(context: Context) -> Money:
    """The best tier met (ladder) or the whole steps reached (every), capped, in all."""
    params: TieredDiscountParams = context.campaign.params
    base = context.base.amount
    measure = base if params.basis is Basis.AMOUNT else context.units

    def value(threshold: Money | int) -> int:
        return threshold.amount if isinstance(threshold, Money) else threshold

    grants: list[int] = [0]
    if params.mode is Mode.LADDER:
        for tier in params.tiers:
            if value(tier.threshold) > measure:
                continue
            if tier.amount_off is not None:
                grants.append(min(tier.amount_off.amount, base))
            elif tier.percent_off is not None:
                grants.append(_percent(base, tier.percent_off, params.rounding))
    else:
        assert params.step is not None and params.amount_off is not None
        grants.append(min(params.amount_off.amount * (measure // value(params.step)), base))
    best = max(grants)
    if params.cap is not None:
        best = min(best, params.cap.amount)
    return Money(best, context.currency)


register_profile(
    "tiered_discount",
    params=_tiered,
    laws=[MONOTONE_IN_CART_VALUE],
    reference=_tiered_reference,
)
register_profile("price_off", laws=[RESPECTS_UNIT_LIMIT], reference=_price_off_reference)


@st.composite
def _reward_params(draw: st.DrawFn, currency: str) -> OrderRewardParams:
    threshold = draw(st.none() | money(currency=currency, min_value=1, max_value=300_000))
    kind = draw(st.sampled_from(["coupon", "cash_back", "cash_back_percent"]))
    if kind == "coupon":
        face = draw(money(currency=currency, min_value=1, max_value=50_000))
        cost = draw(st.none() | money(currency=currency, min_value=0, max_value=50_000))
        coupon = CouponReward("tpl-1", face, cost, draw(st.integers(1, 3)))
        return OrderRewardParams(threshold, coupon=coupon)
    if kind == "cash_back":
        cash = draw(money(currency=currency, min_value=1, max_value=50_000))
        return OrderRewardParams(threshold, cash_back=cash)
    return OrderRewardParams(
        threshold,
        cash_back_percent=draw(rates(min_value=Decimal("0.1"), max_value=100, places=1)),
        cap=draw(st.none() | money(currency=currency, min_value=1, max_value=50_000)),
        rounding=draw(st.sampled_from(Rounding)),
    )


def _order_reward(currency: str) -> st.SearchStrategy[OrderRewardParams]:
    return _reward_params(currency)


register_profile("order_reward", params=_order_reward)
