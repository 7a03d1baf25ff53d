"""Turning the inputs of the statistics functions into checked float arrays.

Every public function of [`promocore.stats`][promocore.stats] accepts scalars or array-likes,
one entry per experiment. The helpers here convert them to ``float64`` arrays,
broadcast them against each other and collect every problem on a
[`Checks`][promocore.validation.Checks], naming the argument and the index of the
offending experiment (``successes_b[17]: must be <= n_b (120 > 100)``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from promocore.errors import ValidationError
from promocore.validation import Checks

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: How many offending entries of one check are named before the rest are summarised.
MAX_LISTED = 5

_ALTERNATIVES = ("two-sided", "greater", "less")


def index_text(index: tuple[int, ...]) -> str:
    """Format an array index the way problem paths show it (``[17]``, ``[2, 3]``)."""
    return "[" + ", ".join(str(i) for i in index) + "]" if index else ""


def _bad_entries(mask: BoolArray) -> Iterator[tuple[int, ...]]:
    for flat in np.flatnonzero(mask)[:MAX_LISTED]:
        yield tuple(int(i) for i in np.unravel_index(flat, mask.shape))


class Inputs:
    """Collects converted arguments and their problems, then raises them all at once.

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

    # -- conversion -----------------------------------------------------------------

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
        except (TypeError, ValueError):
            return self._refuse(name, "expected a number or an array of numbers", raw.shape)

    def _refuse(self, name: str, message: str, shape: tuple[int, ...]) -> FloatArray:
        self.checks.add(name, message)
        self._bad[name] = np.ones(shape, dtype=bool)
        return np.full(shape, np.nan)

    # -- relations ------------------------------------------------------------------

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
        count = int(mask.sum())
        for index in _bad_entries(mask):
            detail = ""
            if values is not None and values.shape == mask.shape:
                detail = f" (got {_show(values[index])})"
            self.checks.add(f"{name}{index_text(index)}", message + detail)
        if count > MAX_LISTED:
            self.checks.add(name, f"{count - MAX_LISTED} more entries: {message}")

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
            text = f"must be {relation} {other} ({_show(left[index])} {flip} {_show(right[index])})"
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


def _show(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    if np.isfinite(number) and number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}"


def require(ok: bool, path: str, message: str) -> None:
    """Raise a one-problem [`ValidationError`][promocore.errors.ValidationError] unless ``ok``."""
    if not ok:
        raise ValidationError.single(path, message)


def is_scalar(*arrays: FloatArray) -> bool:
    """Tell whether every input was a scalar (so results are plain floats)."""
    return all(a.ndim == 0 for a in arrays)
