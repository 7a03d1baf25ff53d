"""Hypothesis strategies for distribution commissions: programs and paid orders' lines.

The ``commission`` mechanic names this module in its ``testing_profile``; `promocore.testing`
imports it and it registers its profile. Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from promocore.games.commission.compliance import ComplianceProfile
from promocore.games.commission.order import OrderLine
from promocore.games.commission.params import NAME, CommissionParams, Rate
from promocore.money import Money
from promocore.testing.profiles import register_profile


def commission_rates(*, currency: str = "CNY") -> st.SearchStrategy[Rate]:
    """Draw one level's rate: a percent of the base, or a fixed amount per unit."""
    return st.one_of(
        st.decimals(min_value=0, max_value=100, places=2).map(lambda p: Rate(percent=Decimal(p))),
        st.integers(min_value=0, max_value=5_000).map(lambda a: Rate(per_unit=Money(a, currency))),
    )


@st.composite
def commission_params(
    draw: st.DrawFn,
    *,
    currency: str = "CNY",
    compliance: ComplianceProfile = ComplianceProfile.OFF,
) -> CommissionParams:
    """Draw valid programs of one to three levels with a share cap."""
    levels = draw(st.integers(min_value=1, max_value=3))
    return CommissionParams(
        rates=tuple(draw(commission_rates(currency=currency)) for _ in range(levels)),
        levels=levels,
        max_share=draw(st.decimals(min_value="0.01", max_value=100, places=2)),
        compliance=compliance,
    )


@st.composite
def order_lines(
    draw: st.DrawFn, *, currency: str = "CNY", count: int | None = None
) -> tuple[OrderLine, ...]:
    """Draw the paid lines of an order, some with a share of the shipping fee."""
    n = count if count is not None else draw(st.integers(min_value=1, max_value=4))
    lines = []
    for i in range(n):
        shipping = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=2_000)))
        lines.append(
            OrderLine(
                str(i),
                draw(st.sampled_from(("tea", "cup", "pot"))),
                draw(st.integers(min_value=1, max_value=5)),
                Money(draw(st.integers(min_value=0, max_value=200_000)), currency),
                None if shipping is None else Money(shipping, currency),
            )
        )
    return tuple(lines)


def _params(currency: str) -> st.SearchStrategy[CommissionParams]:
    return commission_params(currency=currency)


register_profile(NAME, params=_params)
