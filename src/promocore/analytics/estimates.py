"""Estimates with confidence intervals: a mean of money, a rate, any other figure.

The review's metrics are of two kinds. Sums (revenue, cost, orders, customers) are
exact: integers and `Money`. Figures that estimate something beyond the data seen
(average order value, a repurchase rate, a predicted lifetime value, incremental
revenue over a holdout) come with an interval computed by [`promocore.stats`][promocore.stats]
from sufficient statistics:

* [`MoneyEstimate`][promocore.analytics.estimates.MoneyEstimate]: a money figure whose point
  value is exact (an exact ratio rounded once, half even) and whose interval bounds are
  rounded outwards to the minor unit.
* [`RateEstimate`][promocore.analytics.estimates.RateEstimate]: ``successes / n`` with the Wilson
  score interval.
* [`Estimate`][promocore.analytics.estimates.Estimate]: any other real-valued figure (a ratio
  such as ROI) with its interval.

Examples:
    >>> r = rate_estimate(40, 200)
    >>> r.rate, round(r.low, 4), round(r.high, 4)
    (0.2, 0.1505, 0.2609)
    >>> aov = mean_money(4, 1000, 260_000, "CNY")
    >>> aov.value.display(), aov.method
    ('¥2.50', 't')
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from promocore.analytics._dicts import fields_of
from promocore.analytics._rates import exact_ratio
from promocore.money import Money, Rounding

__all__ = [
    "Estimate",
    "MoneyEstimate",
    "RateEstimate",
    "estimate",
    "mean_money",
    "money_from_minor",
    "rate_estimate",
]

#: Significance level of every interval unless a call says otherwise (95 % intervals).
DEFAULT_ALPHA = 0.05


@attrs.frozen(kw_only=True)
class Estimate:
    """A real-valued estimate and its confidence interval.

    Attributes:
        value: The point estimate (None when it is not defined, e.g. no cost to divide by).
        low: Lower confidence bound (None when not defined).
        high: Upper confidence bound (None when not defined).
        alpha: The interval has level ``1 − alpha``.
        method: How the interval was computed (``delta method``, ``normal``...).
    """

    value: float | None
    low: float | None
    high: float | None
    alpha: float = DEFAULT_ALPHA
    method: str = "normal"

    @property
    def excludes_zero(self) -> bool:
        """Return True when the whole interval lies on one side of zero."""
        if self.low is None or self.high is None:
            return False
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate as plain values."""
        return fields_of(self)


@attrs.frozen(kw_only=True)
class MoneyEstimate:
    """An estimated amount of money and its confidence interval.

    Attributes:
        value: The point estimate: an exact ratio of exact sums, rounded once (half even).
        low: Lower bound, rounded down to the minor unit.
        high: Upper bound, rounded up to the minor unit.
        alpha: The interval has level ``1 − alpha``.
        method: How the interval was computed (``t``, ``normal``, ``delta method``).
    """

    value: Money
    low: Money
    high: Money
    alpha: float = DEFAULT_ALPHA
    method: str = "t"

    @property
    def excludes_zero(self) -> bool:
        """Return True when the whole interval lies on one side of zero."""
        return self.low.amount > 0 or self.high.amount < 0

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate as plain values."""
        return fields_of(self, self.value.currency)


@attrs.frozen(kw_only=True)
class RateEstimate:
    """A proportion ``successes / n`` with its Wilson score interval.

    Attributes:
        successes: How many of the ``n`` counted.
        n: How many could have.
        low: Lower confidence bound (None when ``n`` is 0).
        high: Upper confidence bound (None when ``n`` is 0).
        alpha: The interval has level ``1 − alpha``.
    """

    successes: int
    n: int
    low: float | None
    high: float | None
    alpha: float = DEFAULT_ALPHA

    @property
    def rate(self) -> float | None:
        """Return ``successes / n``; None when ``n`` is 0."""
        return self.successes / self.n if self.n else None

    @property
    def method(self) -> str:
        """Return the interval method: always ``wilson``."""
        return "wilson"

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate as plain values."""
        out = fields_of(self)
        out["rate"] = self.rate
        return out


def _z(alpha: float) -> float:
    from promocore.stats._dist import z_critical

    return float(z_critical(alpha, "two-sided"))


def money_from_minor(value: Fraction | int, currency: str, rounding: Rounding) -> Money:
    """Return an exact number of minor units as `Money`, rounded once with ``rounding``."""
    fraction = Fraction(value)
    return Money(int(exact_ratio(fraction.numerator, fraction.denominator, 0, rounding)), currency)


def _outward(value: float, currency: str, up: bool) -> Money:
    return Money(math.ceil(value) if up else math.floor(value), currency)


def rate_estimate(successes: int, n: int, *, alpha: float = DEFAULT_ALPHA) -> RateEstimate:
    """Return ``successes / n`` with its Wilson score interval (none when ``n`` is 0)."""
    if n == 0:
        return RateEstimate(successes=successes, n=n, low=None, high=None, alpha=alpha)
    from promocore.stats.proportion_intervals import wilson_bounds

    low, high = wilson_bounds(np.asarray(float(successes)), np.asarray(float(n)), _z(alpha))
    return RateEstimate(successes=successes, n=n, low=float(low), high=float(high), alpha=alpha)


def mean_money(
    n: int, total: int, total_sq: int, currency: str, *, alpha: float = DEFAULT_ALPHA
) -> MoneyEstimate:
    """Return the mean of ``n`` amounts from their exact sum and sum of squares, with a t interval.

    Args:
        n: How many amounts (>= 1).
        total: Their exact sum in minor units.
        total_sq: The exact sum of their squares.
        currency: ISO 4217 code of the amounts.
        alpha: The interval has level ``1 − alpha``.

    Returns:
        The mean, rounded half even; with one amount, the interval is the amount itself.
    """
    from promocore.stats._dist import t_ppf

    value = money_from_minor(Fraction(total, n), currency, Rounding.HALF_EVEN)
    if n < 2:
        return MoneyEstimate(value=value, low=value, high=value, alpha=alpha, method="t")
    # The variance from exact integers: (n·Σx² − (Σx)²) / (n²(n − 1)) is the variance of the mean.
    spread = Fraction(n * total_sq - total * total, n * n * (n - 1))
    se = math.sqrt(max(float(spread), 0.0))
    mean = total / n
    margin = float(t_ppf(1 - alpha / 2, np.asarray(float(n - 1)))) * se
    return MoneyEstimate(
        value=value,
        low=_outward(mean - margin, currency, up=False),
        high=_outward(mean + margin, currency, up=True),
        alpha=alpha,
        method="t",
    )


def money_interval(
    value: Money, low: float, high: float, *, alpha: float, method: str
) -> MoneyEstimate:
    """Wrap an exact point value and float bounds (minor units) as a `MoneyEstimate`."""
    return MoneyEstimate(
        value=value,
        low=_outward(low, value.currency, up=False),
        high=_outward(high, value.currency, up=True),
        alpha=alpha,
        method=method,
    )


def estimate(
    value: float | Decimal | None,
    low: float | None,
    high: float | None,
    *,
    alpha: float = DEFAULT_ALPHA,
    method: str = "normal",
) -> Estimate:
    """Build an [`Estimate`][promocore.analytics.estimates.Estimate], mapping NaN to None."""

    def clean(x: float | Decimal | None) -> float | None:
        if x is None:
            return None
        number = float(x)
        return number if math.isfinite(number) else None

    return Estimate(
        value=clean(value), low=clean(low), high=clean(high), alpha=alpha, method=method
    )
