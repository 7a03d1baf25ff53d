"""Average order value (客单价): revenue per order, exact, with a confidence interval.

The total is an exact sum; the average is that sum divided by the number of orders,
rounded once (half even) to the minor unit; its interval is a t interval from the
exact sum of squares, so a few very large orders widen it honestly.

Examples:
    >>> from promocore.money import Money
    >>> v = average_order_value([Money(18_000, "CNY"), Money(25_000, "CNY"), Money(9_900, "CNY")])
    >>> v.orders, v.revenue.display(), v.aov.value.display()
    (3, '¥529.00', '¥176.33')
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore._arrays import CurrencyTracker, amount_array, exact_sum, exact_sum_of_squares
from promocore.analytics._dicts import fields_of
from promocore.analytics.estimates import DEFAULT_ALPHA, MoneyEstimate, mean_money
from promocore.analytics.order_stats import GroupStats
from promocore.money import Money
from promocore.validation import Checks

__all__ = ["OrderValue", "average_order_value", "order_value_from_stats"]


@attrs.frozen(kw_only=True)
class OrderValue:
    """Orders, their revenue and the average order value.

    Attributes:
        orders: How many orders.
        revenue: What they brought in, exactly.
        aov: Revenue per order with its interval; None without orders.
    """

    orders: int
    revenue: Money
    aov: MoneyEstimate | None

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return fields_of(self, self.revenue.currency)


def _value(orders: int, total: int, total_sq: int, currency: str, alpha: float) -> OrderValue:
    aov = mean_money(orders, total, total_sq, currency, alpha=alpha) if orders else None
    return OrderValue(orders=orders, revenue=Money(total, currency), aov=aov)


def order_value_from_stats(
    group: GroupStats, currency: str, *, alpha: float = DEFAULT_ALPHA
) -> OrderValue:
    """Return the order value of one group of a review's statistics."""
    return _value(group.orders, group.revenue, group.revenue_sq, currency, alpha)


def average_order_value(
    amounts: object, *, currency: str | None = None, alpha: float = DEFAULT_ALPHA
) -> OrderValue:
    """Compute the average order value of some orders.

    Args:
        amounts: What each order paid: `Money` or integer minor units (floats are refused).
        currency: ISO 4217 code, required when the amounts are plain minor units.
        alpha: The interval has level ``1 − alpha``.

    Raises:
        ValidationError: an amount is a float, negative or of another currency.
    """
    checks = Checks()
    tracker = CurrencyTracker(checks, currency)
    values = amount_array(amounts, "amounts", checks, tracker, minimum=0)
    code = tracker.resolve()
    checks.raise_if_any()
    return _value(values.size, exact_sum(values), exact_sum_of_squares(values), code, alpha)
