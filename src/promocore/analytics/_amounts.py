"""Exact money inputs: Money or integer minor units, single amounts or arrays (private).

Sums are exact Python integers: an ``int64`` array is summed by numpy only when
the sum cannot overflow, and in Python integers otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import Any

import numpy as np
import numpy.typing as npt

from promocore.analytics._arrays import IntArray, report, to_1d
from promocore.errors import CurrencyError
from promocore.money import Money, minor_units
from promocore.validation import Checks

_LIMIT = 2**63


class CurrencyTracker:
    """Remembers the currency of the amounts seen so far and reports any mix."""

    def __init__(self, checks: Checks, explicit: str | None) -> None:
        self.checks = checks
        self.currency: str | None = None
        self.source = "currency"
        if explicit is not None:
            if not isinstance(explicit, str):
                checks.add("currency", f"expected an ISO 4217 code, got {type(explicit).__name__}")
                return
            try:
                minor_units(explicit)
            except CurrencyError:
                checks.add("currency", f"unknown currency {explicit!r}")
                return
            self.currency = explicit

    def see(self, currency: str, path: str) -> None:
        """Record that the amount at ``path`` is in ``currency``."""
        if self.currency is None:
            self.currency = currency
            self.source = path
        elif currency != self.currency:
            self.checks.add(
                path, f"currency {currency} differs from {self.currency} (of {self.source})"
            )

    def resolve(self) -> str:
        """Return the currency of the call, or record that none is known."""
        if self.currency is None:
            self.checks.add(
                "currency", "required when no amount is Money (amounts are plain minor units)"
            )
            return "XXX"
        return self.currency


def _float_refused(checks: Checks, path: str) -> None:
    checks.add(path, "floats are refused for money; pass integer minor units or Money")


def exact_sum(values: IntArray) -> int:
    """Sum ``int64`` minor units exactly, without silent overflow."""
    if values.size == 0:
        return 0
    peak = max(int(values.max()), -int(values.min()))
    if peak * values.size < _LIMIT:
        return int(values.sum())
    return sum(int(v) for v in values.tolist())


def amount_total(value: object, name: str, checks: Checks, tracker: CurrencyTracker) -> int:
    """Return the exact total, in minor units, of one amount or of many.

    ``value`` may be Money, an int, or an array or iterable of them.
    """
    if isinstance(value, Money):
        tracker.see(value.currency, name)
        return value.amount
    if isinstance(value, bool):
        checks.add(name, "expected Money or integer minor units, got a bool")
        return 0
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float | np.floating):
        _float_refused(checks, name)
        return 0
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        _float_refused(checks, name)
        return 0
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        if value.ndim != 1:
            checks.add(name, f"expected a 1-d array, got {value.ndim} dimensions")
            return 0
        if value.dtype.kind == "u" and value.size and int(value.max()) >= _LIMIT:
            return sum(int(v) for v in value.tolist())
        return exact_sum(value.astype(np.int64))
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        checks.add(name, f"expected Money, int or an array of them, got {type(value).__name__}")
        return 0
    result = 0
    for i, item in enumerate(value):
        result += amount_total(item, f"{name}[{i}]", checks, tracker)
    return result


def amount_array(
    values: object, name: str, checks: Checks, tracker: CurrencyTracker, *, minimum: int | None
) -> IntArray:
    """Convert an array or iterable of Money or minor units to ``int64`` minor units."""
    array = to_1d(values, name, checks)
    if array is None:
        return np.zeros(0, dtype=np.int64)
    result: IntArray
    if array.size == 0:
        result = np.zeros(0, dtype=np.int64)
    elif array.dtype.kind in "iu":
        if array.dtype.kind == "u" and int(array.max()) >= _LIMIT:
            checks.add(name, "amounts must fit in a signed 64-bit integer")
            return np.zeros(0, dtype=np.int64)
        result = array.astype(np.int64)
    elif array.dtype.kind == "f":
        _float_refused(checks, name)
        return np.zeros(0, dtype=np.int64)
    elif array.dtype.kind == "O":
        result = _object_amounts(array, name, checks, tracker)
    else:
        checks.add(name, f"expected Money or integer minor units, got {array.dtype}")
        return np.zeros(0, dtype=np.int64)
    if minimum is not None:
        report(checks, name, result < minimum, f"must be >= {minimum}", result)
    return result


def _object_amounts(
    array: npt.NDArray[Any], name: str, checks: Checks, tracker: CurrencyTracker
) -> IntArray:
    out = np.zeros(array.size, dtype=np.int64)
    bad = 0
    for i, item in enumerate(array.tolist()):
        path = f"{name}[{i}]"
        if isinstance(item, Money):
            tracker.see(item.currency, path)
            item = item.amount
        if isinstance(item, bool) or not isinstance(item, Integral):
            bad += 1
            if bad <= 3:
                if isinstance(item, float):
                    _float_refused(checks, path)
                else:
                    checks.add(path, f"expected Money or integer minor units, got {item!r}")
            continue
        if abs(int(item)) >= _LIMIT:
            checks.add(path, "amount must fit in a signed 64-bit integer")
            continue
        out[i] = int(item)
    if bad > 3:
        checks.add(name, f"{bad - 3} more entries are not Money or integer minor units")
    return out
