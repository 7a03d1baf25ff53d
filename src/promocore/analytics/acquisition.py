"""Customer acquisition cost (获客成本): what the campaign spent per new customer.

CAC = (discounts on the campaign's orders + fixed costs) / new customers, where a new
customer is one whose first order ever was one of the campaign's. Both sums are
exact; the ratio is rounded once, half even, to the minor unit. Set it against the
customers' predicted lifetime value (LTV:CAC) to judge whether acquiring them paid.

Examples:
    >>> from promocore.money import Money
    >>> c = customer_acquisition_cost(Money(1_500_000, "CNY"), 480)
    >>> c.cac.display()
    '¥31.25'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from promocore.analytics._dicts import fields_of
from promocore.analytics.estimates import money_from_minor
from promocore.errors import ValidationError
from promocore.money import Money, Rounding

__all__ = ["AcquisitionCost", "customer_acquisition_cost"]


@attrs.frozen(kw_only=True)
class AcquisitionCost:
    """Cost per new customer.

    Attributes:
        cost: What acquiring them cost.
        new_customers: How many customers placed their first order with the campaign.
        cac: Cost per new customer (half even); None without new customers.
    """

    cost: Money
    new_customers: int
    cac: Money | None

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return fields_of(self, self.cost.currency)


def customer_acquisition_cost(cost: Money, new_customers: int) -> AcquisitionCost:
    """Divide an exact cost by the number of new customers.

    Raises:
        ValidationError: the cost is not Money or negative, or the count is not a whole
            number >= 0.
    """
    if not isinstance(cost, Money) or cost.amount < 0:
        raise ValidationError.single("cost", f"must be Money >= 0 (got {cost!r})")
    if isinstance(new_customers, bool) or not isinstance(new_customers, int) or new_customers < 0:
        raise ValidationError.single("new_customers", "must be a whole number >= 0")
    cac = (
        money_from_minor(Fraction(cost.amount, new_customers), cost.currency, Rounding.HALF_EVEN)
        if new_customers
        else None
    )
    return AcquisitionCost(cost=cost, new_customers=new_customers, cac=cac)
