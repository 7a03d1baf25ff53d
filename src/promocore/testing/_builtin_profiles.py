"""Testing profiles of built-in mechanics that do not carry their own.

``tiered_discount`` params need thresholds that increase and match their basis; the extra
laws record what ``tiered_discount`` and ``price_off`` promise beyond the standard ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from promocore.campaign import Gift, Tier
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


register_profile("tiered_discount", params=_tiered, laws=[MONOTONE_IN_CART_VALUE])
register_profile("price_off", laws=[RESPECTS_UNIT_LIMIT])
