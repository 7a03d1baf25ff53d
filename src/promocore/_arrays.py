"""Checked numpy arrays from what callers pass, every problem named by argument and index (private).

The one place where the array inputs of [`promocore.stats`][promocore.stats] and
[`promocore.analytics`][promocore.analytics] are converted and checked:

* [`report`][promocore._arrays.report] records a message for the first few entries of an
  argument where a mask is true (``successes_b[17]: must be <= n_b (120 > 100)``) and
  summarises the rest; every converter below goes through it.
* 1-d converters for columns of data: [`to_1d`][promocore._arrays.to_1d],
  [`int_array`][promocore._arrays.int_array] (counts),
  [`float_array`][promocore._arrays.float_array] (real numbers),
  [`label_array`][promocore._arrays.label_array] (ids and names),
  [`same_length`][promocore._arrays.same_length].
* Exact money: [`amount_array`][promocore._arrays.amount_array] and
  [`amount_total`][promocore._arrays.amount_total] take `Money` or integer minor units,
  refuse floats and sum exactly ([`exact_sum`][promocore._arrays.exact_sum]), with a
  [`CurrencyTracker`][promocore._arrays.CurrencyTracker] refusing mixed currencies.
* [`Inputs`][promocore._arrays.Inputs]: the scalar-or-array arguments of the statistical
  tests (one entry per experiment, any shape), converted to floats and broadcast together.

Converters record problems on a [`Checks`][promocore.validation.Checks] instead of raising,
so one [`ValidationError`][promocore.errors.ValidationError] reports every argument at once;
they return an empty array when the input cannot be converted at all.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from numbers import Integral
from typing import Any, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from promocore.errors import CurrencyError, ValidationError
from promocore.money import Money, minor_units
from promocore.validation import Checks

_P = ParamSpec("_P")
_R = TypeVar("_R")


def quiet(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` with numpy's floating-point warnings off and none passed on.

    Every public statistical function is wrapped: overflow in extreme inputs turns into
    infinities or NaN that the result reports, never a ``RuntimeWarning`` for the caller.
    """

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return function(*args, **kwargs)

    return run


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: How many offending entries of one check are named before the rest are summarised.
MAX_LISTED = 5

_INT64_MAX = int(np.iinfo(np.int64).max)
_LIMIT = 2**63
_ALTERNATIVES = ("two-sided", "greater", "less")


# -- reporting --------------------------------------------------------------------------


def index_text(index: tuple[int, ...]) -> str:
    """Format an array index the way problem paths show it (``[17]``, ``[2, 3]``)."""
    return "[" + ", ".join(str(i) for i in index) + "]" if index else ""


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def shown(value: object) -> str:
    """Format one offending value for a message: whole floats without ``.0``, labels quoted."""
    value = _plain(value)
    if isinstance(value, float):
        if np.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:g}"
    return repr(value)


def _bad_entries(mask: BoolArray) -> Iterator[tuple[int, ...]]:
    for flat in np.flatnonzero(mask)[:MAX_LISTED]:
        yield tuple(int(i) for i in np.unravel_index(flat, mask.shape))


def report(
    checks: Checks,
    name: str,
    bad: BoolArray,
    message: str,
    values: npt.NDArray[Any] | None = None,
) -> bool:
    """Record ``message`` for the first few entries where ``bad`` is true, then a summary.

    Args:
        checks: Where the problems go.
        name: The argument, as the caller typed it.
        bad: One flag per entry (any shape).
        message: What is wrong with a flagged entry (``must be >= 0``).
        values: The argument's values, shown as ``(got -1)`` when of the same shape.

    Returns:
        True if any entry was flagged.
    """
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return False
    same = values is not None and values.shape == bad.shape
    for index in _bad_entries(bad):
        got = f" (got {shown(values[index])})" if same and values is not None else ""
        checks.add(f"{name}{index_text(index)}", f"{message}{got}")
    count = int(bad.sum())
    if count > MAX_LISTED:
        checks.add(name, f"{count - MAX_LISTED} more entries: {message}")
    return True


# -- columns: 1-d arrays ----------------------------------------------------------------


def to_1d(values: object, name: str, checks: Checks) -> npt.NDArray[Any] | None:
    """Return ``values`` as a 1-d array, or record a problem and return None."""
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        checks.add_type(name, f"expected an array or a sequence, got {type(values).__name__}")
        return None
    else:
        items = list(values)
        try:
            array = np.asarray(items)
        except (ValueError, TypeError):
            array = np.empty(len(items), dtype=object)
            array[:] = items
    if array.ndim != 1:
        checks.add(name, f"expected a 1-d array, got {array.ndim} dimensions")
        return None
    return array


def int_array(values: object, name: str, checks: Checks, *, minimum: int | None = 0) -> IntArray:
    """Convert whole numbers (counts) to ``int64``; integral floats are accepted."""
    array = to_1d(values, name, checks)
    if array is None:
        return np.zeros(0, dtype=np.int64)
    kind = array.dtype.kind
    result: IntArray
    if array.size == 0:
        result = np.zeros(0, dtype=np.int64)
    elif kind in "iu":
        if kind == "u" and int(array.max()) > _INT64_MAX:
            report(checks, name, array > _INT64_MAX, "is too large")
            return np.zeros(0, dtype=np.int64)
        result = array.astype(np.int64)
    elif kind == "f":
        bad = ~np.isfinite(array) | (array != np.round(array))
        bad |= np.abs(np.where(np.isfinite(array), array, 0)) > 2.0**62
        if report(checks, name, bad, "must be a whole number", array):
            return np.zeros(0, dtype=np.int64)
        result = array.astype(np.int64)
    elif kind == "O":
        items = [_plain(v) for v in array]
        ok = np.array(
            [
                isinstance(v, Integral | float)
                and not isinstance(v, bool)
                and (not isinstance(v, float) or v.is_integer())
                and abs(int(v)) <= _INT64_MAX
                for v in items
            ],
            dtype=bool,
        )
        if report(checks, name, ~ok, "must be a whole number", array):
            return np.zeros(0, dtype=np.int64)
        result = np.array([int(v) for v in items], dtype=np.int64)  # type: ignore[call-overload]
    else:
        checks.add_type(name, f"expected whole numbers, got {array.dtype}")
        return np.zeros(0, dtype=np.int64)
    if minimum is not None:
        report(checks, name, result < minimum, f"must be >= {minimum}", result)
    return result


def float_array(
    values: object,
    name: str,
    checks: Checks,
    *,
    minimum: float | None = None,
    allow_inf: bool = False,
) -> FloatArray:
    """Convert real numbers to ``float64``; NaN (and infinity unless allowed) is refused."""
    array = to_1d(values, name, checks)
    if array is None or array.size == 0:
        return np.zeros(0, dtype=np.float64)
    if array.dtype.kind in "iuf":
        result = array.astype(np.float64)
    elif array.dtype.kind == "O":
        ok = np.array(
            [isinstance(_plain(v), Integral | float) and not isinstance(v, bool) for v in array],
            dtype=bool,
        )
        if report(checks, name, ~ok, "must be a number", array):
            return np.zeros(0, dtype=np.float64)
        result = np.array([float(_plain(v)) for v in array], dtype=np.float64)  # type: ignore[arg-type]
    else:
        checks.add_type(name, f"expected numbers, got {array.dtype}")
        return np.zeros(0, dtype=np.float64)
    bad = np.isnan(result) if allow_inf else ~np.isfinite(result)
    if report(checks, name, bad, "must be a finite number" if not allow_inf else "must not be NaN"):
        return np.zeros(0, dtype=np.float64)
    if minimum is not None:
        report(checks, name, result < minimum, f"must be >= {minimum:g}", result)
    return result


def bool_array(values: object, name: str, checks: Checks) -> BoolArray:
    """Convert flags (``True``/``False``, or 0/1) to a boolean array; anything else is refused."""
    array = to_1d(values, name, checks)
    if array is None or array.size == 0:
        return np.zeros(0, dtype=bool)
    if array.dtype.kind == "b":
        return array.astype(bool)
    if array.dtype.kind in "iu":
        if report(checks, name, (array != 0) & (array != 1), "must be true or false", array):
            return np.zeros(0, dtype=bool)
        return array.astype(bool)
    items = [_plain(v) for v in array] if array.dtype.kind == "O" else None
    if items is None:
        checks.add_type(name, f"expected true/false flags, got {array.dtype}")
        return np.zeros(0, dtype=bool)
    ok = np.array([isinstance(v, bool) or v in (0, 1) for v in items], dtype=bool)
    if report(checks, name, ~ok, "must be true or false", array):
        return np.zeros(0, dtype=bool)
    return np.array([bool(v) for v in items], dtype=bool)


def label_array(values: object, name: str, checks: Checks) -> npt.NDArray[Any]:
    """Convert labels (ids, segment or stage names) to an array ``np.unique`` can sort.

    Labels must be all strings or all whole numbers; None is refused.
    """
    array = to_1d(values, name, checks)
    if array is None:
        return np.zeros(0, dtype=np.int64)
    if array.size == 0 or array.dtype.kind in "iuU":
        return array
    if array.dtype.kind == "b":
        checks.add_type(name, "expected labels (str or int), got booleans")
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind != "O":
        checks.add_type(name, f"expected labels (str or int), got {array.dtype}")
        return np.zeros(0, dtype=np.int64)
    items = [_plain(v) for v in array]
    is_str = np.array([isinstance(v, str) for v in items], dtype=bool)
    is_int = np.array(
        [isinstance(v, Integral) and not isinstance(v, bool) for v in items], dtype=bool
    )
    if is_str.all():
        return np.array(items, dtype=str)
    if is_int.all():
        return np.array(items, dtype=np.int64)
    if report(checks, name, ~(is_str | is_int), "must be a str or an int label", array):
        return np.zeros(0, dtype=np.int64)
    checks.add(name, "labels must be all str or all int, not a mix")
    return np.zeros(0, dtype=np.int64)


def same_length(checks: Checks, arrays: Sequence[tuple[str, npt.NDArray[Any] | None]]) -> int:
    """Record a problem for each array whose length differs from the first one's."""
    present = [(name, a) for name, a in arrays if a is not None]
    if not present:
        return 0
    first_name, first = present[0]
    for name, array in present[1:]:
        if len(array) != len(first):
            checks.add(
                name,
                f"has {len(array)} entries but {first_name} has {len(first)}; "
                "they must have one entry per row",
            )
    return len(first)


# -- exact money ------------------------------------------------------------------------


class CurrencyTracker:
    """Remembers the currency of the amounts seen so far and reports any mix."""

    def __init__(self, checks: Checks, explicit: str | None) -> None:
        self.checks = checks
        self.currency: str | None = None
        self.source = "currency"
        if explicit is not None:
            if not isinstance(explicit, str):
                checks.add_type(
                    "currency", f"expected an ISO 4217 code, got {type(explicit).__name__}"
                )
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
    checks.add_type(path, "floats are refused for money; pass integer minor units or Money")


def exact_sum(values: IntArray) -> int:
    """Sum ``int64`` minor units exactly, without silent overflow."""
    if values.size == 0:
        return 0
    peak = max(int(values.max()), -int(values.min()))
    if peak * values.size < _LIMIT:
        return int(values.sum())
    return sum(int(v) for v in values.tolist())


def exact_sum_of_squares(values: IntArray) -> int:
    """Sum the squares of ``int64`` minor units exactly, without silent overflow.

    numpy sums chunks small enough that no partial sum can overflow; amounts whose
    square alone does not fit in 63 bits are squared in Python integers.
    """
    if values.size == 0:
        return 0
    peak = max(int(values.max()), -int(values.min()))
    if peak * peak >= _LIMIT:
        return sum(int(v) * int(v) for v in values.tolist())
    chunk = max((_LIMIT - 1) // max(peak * peak, 1), 1)
    total = 0
    for begin in range(0, values.size, chunk):
        part = values[begin : begin + chunk]
        total += int(np.dot(part, part))
    return total


def amount_total(value: object, name: str, checks: Checks, tracker: CurrencyTracker) -> int:
    """Return the exact total, in minor units, of one amount or of many.

    ``value`` may be Money, an int, or an array or iterable of them.
    """
    if isinstance(value, Money):
        tracker.see(value.currency, name)
        return value.amount
    if isinstance(value, bool):
        checks.add_type(name, "expected Money or integer minor units, got a bool")
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
        checks.add_type(
            name, f"expected Money, int or an array of them, got {type(value).__name__}"
        )
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
        checks.add_type(name, f"expected Money or integer minor units, got {array.dtype}")
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
            if bad <= MAX_LISTED:
                if isinstance(item, float):
                    _float_refused(checks, path)
                else:
                    checks.add_type(path, f"expected Money or integer minor units, got {item!r}")
            continue
        if abs(int(item)) >= _LIMIT:
            checks.add(path, "amount must fit in a signed 64-bit integer")
            continue
        out[i] = int(item)
    if bad > MAX_LISTED:
        checks.add(name, f"{bad - MAX_LISTED} more entries are not Money or integer minor units")
    return out


# -- arguments of the statistical tests: scalars or arrays of any shape -----------------


class Inputs:
    """Collects converted arguments and their problems, then raises them all at once.

    Every argument may be a scalar or an array (one entry per experiment); the
    arrays are ``float64`` and broadcast against each other.

    Examples:
        >>> v = Inputs()
        >>> n = v.count("n_a", [100, 200])
        >>> v.done()
    """

    def __init__(self) -> None:
        self.checks = Checks()
        self._bad: dict[str, BoolArray] = {}

    def bad(self, name: str, shape: tuple[int, ...]) -> BoolArray:
        """Entries of ``name`` already refused, broadcast to ``shape``."""
        mask = self._bad.get(name)
        if mask is None:
            return np.zeros(shape, dtype=bool)
        try:
            return np.broadcast_to(mask, shape)
        except ValueError:
            return np.ones(shape, dtype=bool)

    def number(self, name: str, value: object) -> FloatArray:
        """Convert ``value`` to a float array and require every entry to be finite."""
        array = self._convert(name, value)
        if name not in self._bad:
            self.flag(name, ~np.isfinite(array), "must be a finite number", array)
        return array

    def count(self, name: str, value: object) -> FloatArray:
        """Convert ``value`` to a float array of whole numbers >= 0."""
        array = self.number(name, value)
        self.flag(name, array < 0, "must be >= 0", array)
        self.flag(name, array != np.floor(array), "must be a whole number", array)
        return array

    def probability(self, name: str, value: object, *, open_interval: bool = True) -> FloatArray:
        """Convert ``value`` to a float array of rates strictly between 0 and 1."""
        array = self.number(name, value)
        if open_interval:
            self.flag(
                name, (array <= 0) | (array >= 1), "must be between 0 and 1 (exclusive)", array
            )
        else:
            self.flag(name, (array < 0) | (array > 1), "must be between 0 and 1", array)
        return array

    def _convert(self, name: str, value: object) -> FloatArray:
        if isinstance(value, bool | np.bool_):
            return self._refuse(name, "expected a number, got a bool", ())
        try:
            raw: npt.NDArray[Any] = np.asarray(value)
        except (TypeError, ValueError):
            return self._refuse(name, "expected a number or an array of numbers", ())
        if raw.dtype == np.bool_:
            return self._refuse(name, "expected numbers, got booleans", raw.shape)
        if raw.dtype.kind in "US" or (
            raw.dtype.kind == "O" and any(isinstance(x, str | bytes) for x in raw.reshape(-1))
        ):
            return self._refuse(name, "expected a number or an array of numbers", raw.shape)
        try:
            return raw.astype(np.float64)
        except OverflowError:
            self.checks.add_limit(name, "a number is too large to compute with")
            self._bad[name] = np.ones(raw.shape, dtype=bool)
            return np.full(raw.shape, np.nan)
        except (TypeError, ValueError):
            return self._refuse(name, "expected a number or an array of numbers", raw.shape)

    def _refuse(self, name: str, message: str, shape: tuple[int, ...]) -> FloatArray:
        self.checks.add_type(name, message)
        self._bad[name] = np.ones(shape, dtype=bool)
        return np.full(shape, np.nan)

    def flag(
        self, name: str, mask: BoolArray, message: str, values: FloatArray | None = None
    ) -> None:
        """Record ``message`` for every entry of ``name`` where ``mask`` is true.

        Entries already refused for ``name`` are skipped, so one bad value gives
        one problem; the entries flagged here count as refused from now on.
        """
        mask = np.asarray(mask, dtype=bool) & ~self.bad(name, np.shape(mask))
        if not mask.any():
            return
        previous = self._bad.get(name)
        if previous is None or previous.shape == mask.shape:
            self._bad[name] = mask if previous is None else previous | mask
        report(self.checks, name, mask, message, values)

    def compare(
        self, name: str, left: FloatArray, other: str, right: FloatArray, relation: str
    ) -> None:
        """Require ``left <= right`` (``relation="<="``) or ``left >= right`` entrywise.

        Both arrays must already be broadcast to one shape. The message shows both
        values: ``successes_b[17]: must be <= n_b (120 > 100)``.
        """
        with np.errstate(invalid="ignore"):
            bad = left > right if relation == "<=" else left < right
        bad &= np.isfinite(left) & np.isfinite(right)
        bad &= ~self.bad(name, bad.shape) & ~self.bad(other, bad.shape)
        if not bad.any():
            return
        flip = ">" if relation == "<=" else "<"
        count = int(bad.sum())
        for index in _bad_entries(bad):
            text = f"must be {relation} {other} ({shown(left[index])} {flip} {shown(right[index])})"
            self.checks.add(f"{name}{index_text(index)}", text)
        if count > MAX_LISTED:
            self.checks.add(name, f"{count - MAX_LISTED} more entries: must be {relation} {other}")

    def broadcast(self, **arrays: FloatArray) -> tuple[FloatArray, ...]:
        """Broadcast the arrays to one shape, recording a problem if they do not fit."""
        values = list(arrays.values())
        try:
            shape = np.broadcast_shapes(*(a.shape for a in values))
        except ValueError:
            shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
            self.checks.add("", f"arguments do not have matching shapes: {shapes}")
            return tuple(np.full((), np.nan) for _ in values)
        return tuple(np.broadcast_to(a, shape) for a in values)

    def choice(self, name: str, value: str, allowed: tuple[str, ...]) -> None:
        """Require ``value`` to be one of ``allowed``."""
        if value not in allowed:
            options = ", ".join(repr(a) for a in allowed)
            self.checks.add(name, f"must be one of {options} (got {value!r})")

    def alpha(self, value: float, name: str = "alpha") -> float:
        """Check a significance level (0 < alpha < 1) and return it as a float."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.checks.add(name, f"expected a number, got {type(value).__name__}")
            return 0.05
        if not 0 < number < 1:
            self.checks.add(name, f"must be between 0 and 1 (exclusive) (got {value!r})")
            return 0.05
        return number

    def option(
        self, name: str, value: object, *, low: float = 0.0, high: float = math.inf
    ) -> float:
        """Check a numeric option (``low <= value <= high``, finite) and return it as a float."""
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            self.checks.add(name, f"expected a number, got {type(value).__name__}")
            return low
        number = float(value)
        if not (math.isfinite(number) and low <= number <= high):
            bound = f"<= {high:g}" if math.isfinite(high) else "finite"
            self.checks.add(name, f"must be >= {low:g} and {bound} (got {value!r})")
            return low
        return number

    def whole(self, name: str, value: object, *, low: int, high: int) -> int:
        """Check a whole-number option (``low <= value <= high``) and return it."""
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            self.checks.add(name, f"must be a whole number, got {type(value).__name__}")
            return low
        if not low <= int(value) <= high:
            self.checks.add(name, f"must be from {low} to {high} (got {value!r})")
            return low
        return int(value)

    def alternative(self, value: str) -> str:
        """Check the alternative hypothesis name."""
        self.choice("alternative", value, _ALTERNATIVES)
        return value

    def done(self) -> None:
        """Raise a `ValidationError` if anything was recorded."""
        self.checks.raise_if_any()


def require(ok: bool, path: str, message: str) -> None:
    """Raise a one-problem [`ValidationError`][promocore.errors.ValidationError] unless ``ok``."""
    if not ok:
        raise ValidationError.single(path, message)


def is_scalar(*arrays: FloatArray) -> bool:
    """Tell whether every input was a scalar (so results are plain floats)."""
    return all(a.ndim == 0 for a in arrays)
