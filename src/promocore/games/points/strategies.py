"""Hypothesis strategies for points: rates, redemption and earning rules, the mechanics' params.

The points mechanics name this module in their ``testing_profile``; `promocore.testing` imports
it and it registers both profiles, so the conformance laws see points pay (in whole steps of odd
rates too) and earn. Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from promocore.games.points.params import (
    EARNING_MECHANIC,
    REDEMPTION_MECHANIC,
    EarnRule,
    PointsRate,
    PointsRedemptionParams,
    RedemptionRule,
)
from promocore.testing.profiles import register_profile
from promocore.testing.strategies import money, rates


def points_rates(*, currency: str = "CNY") -> st.SearchStrategy[PointsRate]:
    """Draw what points are worth: 100 points = ¥1.00, and odd rates (7 points = ¥0.03)."""
    return st.builds(
        PointsRate,
        points=st.sampled_from([1, 7, 10, 100, 1000]) | st.integers(1, 5_000),
        value=money(currency=currency, min_value=1, max_value=1_000),
    )


@st.composite
def redemption_rules(draw: st.DrawFn, *, currency: str = "CNY") -> RedemptionRule:
    """Draw valid redemption rules: a rate, a share of the payable, fewest and most points."""
    least = draw(st.integers(0, 1_000))
    most = draw(st.none() | st.integers(max(1, least), 100_000))
    return RedemptionRule(
        draw(points_rates(currency=currency)),
        max_share=draw(rates(min_value=Decimal("0.1"), max_value=100, places=1)),
        min_points=least,
        max_points=most,
    )


@st.composite
def redemption_params(draw: st.DrawFn, *, currency: str = "CNY") -> PointsRedemptionParams:
    """Draw the params of ``points_redemption``: a rule, points on hand, points asked for."""
    available = draw(st.integers(0, 200_000))
    requested = draw(st.none() | st.integers(0, 200_000))
    return PointsRedemptionParams(draw(redemption_rules(currency=currency)), available, requested)


def earn_rules(*, currency: str = "CNY") -> st.SearchStrategy[EarnRule]:
    """Draw valid earning rules: points per amount paid, sometimes capped, sometimes valued."""
    return st.builds(
        EarnRule,
        points=st.integers(1, 10),
        per=money(currency=currency, min_value=1, max_value=10_000),
        max_points=st.none() | st.integers(1, 10_000),
        worth=st.none() | points_rates(currency=currency),
    )


def _redemption(currency: str) -> st.SearchStrategy[PointsRedemptionParams]:
    return redemption_params(currency=currency)


def _earning(currency: str) -> st.SearchStrategy[EarnRule]:
    return earn_rules(currency=currency)


register_profile(REDEMPTION_MECHANIC, params=_redemption)
register_profile(EARNING_MECHANIC, params=_earning)
