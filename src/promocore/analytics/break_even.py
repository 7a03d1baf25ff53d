"""Break-even discount depth and the volume uplift a discount needs.

A product sells with gross margin ``m`` (share of the list price kept after the
cost of goods). Discounting by ``d`` (a share of the list price) leaves ``m − d``
per unit, so the discount pays for itself only if volume grows by ``u`` with:

    (1 + u) · (m − d) · S − F = m · S

where ``S`` is the baseline sales at list price over the same period and ``F``
the campaign's fixed costs. Solved for ``d`` this is the break-even discount
``d = (m·u − F/S) / (1 + u)``; solved for ``u`` the break-even uplift
``u = (d + F/S) / (m − d)``. Without fixed costs they reduce to the textbook
``d = m·u / (1 + u)`` and ``u = d / (m − d)``.

Examples:
    >>> break_even_discount("0.40", "0.25").discount
    Decimal('0.0800')
    >>> break_even_uplift("0.40", "0.10").uplift
    Decimal('0.3334')
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from promocore._arrays import CurrencyTracker, amount_total
from promocore.analytics._rates import check_places, exact_ratio, ratio
from promocore.money import Money, Rounding
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["BreakEvenDiscount", "BreakEvenUplift", "break_even_discount", "break_even_uplift"]


@attrs.frozen
class BreakEvenDiscount:
    """The deepest discount that keeps gross profit where it was.

    Attributes:
        margin: Gross margin at list price (0.40 = 40 %).
        volume_uplift: Expected extra volume (0.25 = +25 %).
        fixed_cost: Fixed cost of the campaign, or None.
        baseline_sales: Baseline sales at list price, or None.
        discount: Break-even discount as a share of the list price. Negative when
            even no discount recovers the fixed cost at that uplift.
    """

    margin: Decimal
    volume_uplift: Decimal
    fixed_cost: Money | None
    baseline_sales: Money | None
    discount: Decimal

    @property
    def feasible(self) -> bool:
        """Return True when some positive discount breaks even."""
        return self.discount > 0

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values (amounts as major-unit strings of ``currency``)."""
        return _plain(self) | {"feasible": self.feasible}


@attrs.frozen
class BreakEvenUplift:
    """The volume uplift a discount needs to keep gross profit where it was.

    Attributes:
        margin: Gross margin at list price.
        discount: Discount as a share of the list price.
        fixed_cost: Fixed cost of the campaign, or None.
        baseline_sales: Baseline sales at list price, or None.
        uplift: Required extra volume (0.3333 = +33.33 %), or None when the
            discount is as deep as the margin or deeper, so no volume can pay for it.
    """

    margin: Decimal
    discount: Decimal
    fixed_cost: Money | None
    baseline_sales: Money | None
    uplift: Decimal | None

    @property
    def feasible(self) -> bool:
        """Return True when some volume uplift pays for the discount."""
        return self.uplift is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values (amounts as major-unit strings of ``currency``)."""
        return _plain(self) | {"feasible": self.feasible}


def _plain(result: BreakEvenDiscount | BreakEvenUplift) -> dict[str, Any]:
    amounts = [a for a in (result.fixed_cost, result.baseline_sales) if a is not None]
    out: dict[str, Any] = {"currency": amounts[0].currency if amounts else None}
    return out | {f.name: unstructure(getattr(result, f.name)) for f in attrs.fields(type(result))}


def _fixed_share(
    checks: Checks, fixed_cost: object, baseline_sales: object, currency: str | None
) -> tuple[Fraction, Money | None, Money | None]:
    if fixed_cost is None and baseline_sales is None:
        return Fraction(0), None, None
    if fixed_cost is None or baseline_sales is None:
        missing = "baseline_sales" if baseline_sales is None else "fixed_cost"
        checks.add(missing, "fixed_cost and baseline_sales must be given together")
        return Fraction(0), None, None
    tracker = CurrencyTracker(checks, currency)
    fixed = amount_total(fixed_cost, "fixed_cost", checks, tracker)
    sales = amount_total(baseline_sales, "baseline_sales", checks, tracker)
    checks.check(fixed >= 0, "fixed_cost", f"must be >= 0 (got {fixed})")
    checks.check(sales > 0, "baseline_sales", f"must be > 0 (got {sales})")
    code = tracker.resolve()
    if checks.problems:
        return Fraction(0), None, None
    return Fraction(fixed, sales), Money(fixed, code), Money(sales, code)


def _rounded(value: Fraction, places: int, rounding: Rounding) -> Decimal:
    return exact_ratio(value.numerator, value.denominator, places, rounding)


def break_even_discount(
    margin: object,
    volume_uplift: object,
    *,
    fixed_cost: object = None,
    baseline_sales: object = None,
    currency: str | None = None,
    places: int = 4,
    rounding: Rounding = Rounding.DOWN,
) -> BreakEvenDiscount:
    """Return the deepest discount that an expected volume uplift pays for.

    Args:
        margin: Gross margin at list price, in (0, 1].
        volume_uplift: Expected extra volume from the discount, > −1 (0.25 = +25 %).
        fixed_cost: Fixed cost of the campaign (Money or minor units); give it
            with ``baseline_sales``.
        baseline_sales: Sales at list price without the campaign over the same period.
        currency: ISO 4217 code when the amounts are plain minor units.
        places: Decimals kept (0 to 12).
        rounding: How the discount is rounded; the default rounds toward zero so
            the figure never overstates what the campaign can afford.

    Returns:
        The break-even discount.

    Raises:
        ValidationError: a ratio is out of range or an amount is invalid.
    """
    checks = Checks()
    m = ratio(margin, "margin", checks, low=Decimal(0), low_open=True, high=Decimal(1))
    u = ratio(volume_uplift, "volume_uplift", checks, low=Decimal(-1), low_open=True)
    share, fixed, sales = _fixed_share(checks, fixed_cost, baseline_sales, currency)
    places = check_places(places, checks)
    checks.raise_if_any()
    mf, uf = Fraction(m), Fraction(u)
    discount = (mf * uf - share) / (1 + uf)
    return BreakEvenDiscount(m, u, fixed, sales, _rounded(discount, places, rounding))


def break_even_uplift(
    margin: object,
    discount: object,
    *,
    fixed_cost: object = None,
    baseline_sales: object = None,
    currency: str | None = None,
    places: int = 4,
    rounding: Rounding = Rounding.UP,
) -> BreakEvenUplift:
    """Return the volume uplift a discount needs to keep gross profit unchanged.

    Args:
        margin: Gross margin at list price, in (0, 1].
        discount: Discount as a share of the list price, in [0, 1).
        fixed_cost: Fixed cost of the campaign; give it with ``baseline_sales``.
        baseline_sales: Sales at list price without the campaign.
        currency: ISO 4217 code when the amounts are plain minor units.
        places: Decimals kept (0 to 12).
        rounding: How the uplift is rounded; the default rounds away from zero so
            the figure never understates the volume needed.

    Returns:
        The required uplift; ``uplift`` is None when ``discount >= margin``.

    Raises:
        ValidationError: a ratio is out of range or an amount is invalid.
    """
    checks = Checks()
    m = ratio(margin, "margin", checks, low=Decimal(0), low_open=True, high=Decimal(1))
    d = ratio(discount, "discount", checks, low=Decimal(0), high=Decimal(1), high_open=True)
    share, fixed, sales = _fixed_share(checks, fixed_cost, baseline_sales, currency)
    places = check_places(places, checks)
    checks.raise_if_any()
    if d >= m:
        return BreakEvenUplift(m, d, fixed, sales, None)
    uplift = (Fraction(d) + share) / (Fraction(m) - Fraction(d))
    return BreakEvenUplift(m, d, fixed, sales, _rounded(uplift, places, rounding))
