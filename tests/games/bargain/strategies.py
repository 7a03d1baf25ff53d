"""Hypothesis strategies for bargain params."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from promocore.games.bargain import BargainParams
from promocore.money import Money


@st.composite
def bargain_params(
    draw: st.DrawFn,
    *,
    max_helpers: int = 40,
    max_extra: int = 10**7,
    boost: bool | None = None,
) -> BargainParams:
    """Valid params: any span that fits every minimum cut, with or without boost."""
    helpers = draw(st.integers(1, max_helpers))
    initiator = draw(st.booleans())
    min_cut = draw(st.integers(1, 500))
    cuts = helpers + (1 if initiator else 0)
    extra = draw(st.integers(0, max_extra))
    floor = draw(st.integers(0, 10**6))
    start = floor + cuts * min_cut + extra
    with_boost = draw(st.booleans()) if boost is None else boost
    factor = draw(st.decimals("1.01", "5", places=2)) if with_boost else None
    return BargainParams(
        sku="sku-1",
        start_price=Money(start, "CNY"),
        floor_price=Money(floor, "CNY"),
        helpers_needed=helpers,
        min_cut=Money(min_cut, "CNY"),
        initiator_cuts_first=initiator,
        new_helper_boost=None if factor is None else Decimal(factor),
    )


seeds = st.text(min_size=1, max_size=12)
