"""Ratio inputs (rates, margins, shares): Decimal, int, str, Fraction or float (private)."""

from __future__ import annotations

import math
from decimal import ROUND_05UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from numbers import Integral

from promocore.money import Rounding
from promocore.validation import Checks


def ratio(
    value: object,
    name: str,
    checks: Checks,
    *,
    low: Decimal | None = None,
    high: Decimal | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Decimal:
    """Convert ``value`` to ``Decimal`` and check it lies between ``low`` and ``high``.

    The bounds are inclusive unless ``low_open``/``high_open`` make them exclusive.

    Floats are converted through their shortest repr, so ``0.1`` becomes ``Decimal("0.1")``.
    """
    result: Decimal | None = None
    if isinstance(value, bool):
        checks.add(name, "expected a number, got a bool")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, Integral):
        result = Decimal(int(value))
    elif isinstance(value, float):
        if math.isfinite(value):
            result = Decimal(repr(value))
    elif isinstance(value, Fraction):
        result = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            checks.add(name, f"{value!r} is not a number")
            return Decimal(0)
    else:
        checks.add(name, f"expected a number, got {type(value).__name__}")
        return Decimal(0)
    if result is None or not result.is_finite():
        if not isinstance(value, bool):
            checks.add(name, f"must be a finite number (got {value!r})")
        return Decimal(0)
    if low is not None and (result <= low if low_open else result < low):
        checks.add(name, f"must be {'>' if low_open else '>='} {low} (got {value})")
    if high is not None and (result >= high if high_open else result > high):
        checks.add(name, f"must be {'<' if high_open else '<='} {high} (got {value})")
    return result


def exact_ratio(numerator: int, denominator: int, places: int, rounding: Rounding) -> Decimal:
    """Return ``numerator / denominator`` rounded once, exactly, to ``places`` decimals.

    The division runs at a precision that keeps every integer digit and two guard
    digits, with ``ROUND_05UP`` so that the final rounding with ``rounding`` sees
    whether the exact quotient was above, at or below a tie.
    """
    if denominator == 0:
        raise ZeroDivisionError("exact_ratio: denominator is zero")
    with localcontext() as ctx:
        ctx.prec = len(str(abs(numerator))) + len(str(abs(denominator))) + places + 3
        ctx.rounding = ROUND_05UP
        quotient = Decimal(numerator) / Decimal(denominator)
        return quotient.quantize(Decimal(1).scaleb(-places), rounding=rounding.value)


def check_places(places: object, checks: Checks, name: str = "places") -> int:
    """Record a problem unless ``places`` is a whole number of decimals from 0 to 12."""
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 12:
        checks.add(name, f"must be a whole number from 0 to 12 (got {places!r})")
        return 4
    return places
