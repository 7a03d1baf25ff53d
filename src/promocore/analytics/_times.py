"""Instants and arrays of instants, always in UTC (private).

Single instants are timezone-aware `datetime` values, as elsewhere
in promocore. Arrays may also be ``numpy.datetime64`` arrays, which are taken as
UTC; missing instants are None or NaT.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from promocore._arrays import report, to_1d
from promocore.validation import Checks

TimeArray = npt.NDArray[np.datetime64]

_NAIVE = "must carry a UTC offset (e.g. 2026-11-11T10:00:00+08:00)"


def instant(value: object, name: str, checks: Checks) -> datetime:
    """Check that ``value`` is an aware datetime and return it in UTC."""
    if not isinstance(value, datetime):
        checks.add(name, f"expected a datetime, got {type(value).__name__}")
        return datetime(1970, 1, 1, tzinfo=UTC)
    if value.utcoffset() is None:
        checks.add(name, _NAIVE)
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_datetime64(moment: datetime) -> np.datetime64:
    """Return an aware datetime as a naive UTC ``datetime64[us]``."""
    return np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")


def time_array(
    values: object, name: str, checks: Checks, *, allow_missing: bool = True
) -> TimeArray:
    """Convert instants to ``datetime64[us]`` in UTC; None and NaT become NaT."""
    array = to_1d(values, name, checks)
    empty = np.zeros(0, dtype="datetime64[us]")
    if array is None:
        return empty
    if array.dtype.kind == "M":
        result = array.astype("datetime64[us]")
    elif array.size == 0:
        return empty
    elif array.dtype.kind == "O":
        result = _from_objects(array, name, checks)
    else:
        checks.add(name, f"expected datetimes or numpy datetime64, got {array.dtype}")
        return empty
    if not allow_missing:
        report(checks, name, np.isnat(result), "must not be missing")
    return result


def _from_objects(array: npt.NDArray[Any], name: str, checks: Checks) -> TimeArray:
    out = np.full(array.size, np.datetime64("NaT"), dtype="datetime64[us]")
    naive = np.zeros(array.size, dtype=bool)
    wrong = np.zeros(array.size, dtype=bool)
    for i, item in enumerate(array.tolist()):
        if item is None:
            continue
        if isinstance(item, datetime):
            if item.utcoffset() is None:
                naive[i] = True
            else:
                out[i] = to_datetime64(item)
        elif isinstance(item, np.datetime64):
            out[i] = item.astype("datetime64[us]")
        else:
            wrong[i] = True
    report(checks, name, naive, _NAIVE)
    report(checks, name, wrong, "expected a datetime or None", array)
    return out
