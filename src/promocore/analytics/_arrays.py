"""Turning array-likes into validated numpy arrays, reporting problems by index.

Private helpers shared by the analytics entry points. Each converter records
problems on a `Checks` instead of raising, so that
one `ValidationError` can report every argument at once.
Converters return an empty array when the input cannot be converted at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import numpy.typing as npt

from promocore.validation import Checks

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: How many offending indices of one argument are named before summarising.
MAX_LISTED = 3

_INT64_MAX = np.iinfo(np.int64).max


def to_1d(values: object, name: str, checks: Checks) -> npt.NDArray[Any] | None:
    """Return ``values`` as a 1-d array, or record a problem and return None."""
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        checks.add(name, f"expected an array or a sequence, got {type(values).__name__}")
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


def report(
    checks: Checks,
    name: str,
    bad: BoolArray,
    message: str,
    values: npt.NDArray[Any] | None = None,
) -> bool:
    """Record ``message`` for the first few indices where ``bad`` is true.

    Returns:
        True if any index was bad.
    """
    indices = np.flatnonzero(bad)
    if indices.size == 0:
        return False
    for i in indices[:MAX_LISTED]:
        got = f" (got {_plain(values[i])!r})" if values is not None else ""
        checks.add(f"{name}[{int(i)}]", f"{message}{got}")
    if indices.size > MAX_LISTED:
        checks.add(name, f"{indices.size - MAX_LISTED} more entries: {message}")
    return True


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


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
        if kind == "u" and array.size and int(array.max()) > _INT64_MAX:
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
        checks.add(name, f"expected whole numbers, got {array.dtype}")
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
    if array is None:
        return np.zeros(0, dtype=np.float64)
    if array.size == 0:
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
        checks.add(name, f"expected numbers, got {array.dtype}")
        return np.zeros(0, dtype=np.float64)
    bad = np.isnan(result) if allow_inf else ~np.isfinite(result)
    if report(checks, name, bad, "must be a finite number" if not allow_inf else "must not be NaN"):
        return np.zeros(0, dtype=np.float64)
    if minimum is not None:
        report(checks, name, result < minimum, f"must be >= {minimum:g}", result)
    return result


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
        checks.add(name, "expected labels (str or int), got booleans")
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind != "O":
        checks.add(name, f"expected labels (str or int), got {array.dtype}")
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
