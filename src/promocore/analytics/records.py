"""Turning iterables of records into the columns the analytics functions take.

Backends hold events as rows: dicts from a database driver or JSON, or objects
with attributes (attrs or dataclass instances, ORM rows). `columns` reads
the named fields of every record into one numpy array per field, naming the
record and field of anything missing.

Examples:
    >>> cols = columns(
    ...     [{"user": "u1", "stage": "click"}, {"user": "u2", "stage": "exposure"}],
    ...     ["user", "stage"],
    ... )
    >>> cols["stage"].tolist()
    ['click', 'exposure']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from promocore.validation import Checks

__all__ = ["columns"]

_MISSING = object()


def _get(record: object, field: str) -> object:
    if isinstance(record, Mapping):
        return record.get(field, _MISSING)
    return getattr(record, field, _MISSING)


def _array(values: list[object]) -> npt.NDArray[Any]:
    kinds = {type(v) for v in values}
    if (kinds and kinds <= {str}) or (kinds and kinds <= {int}) or (kinds and kinds <= {float}):
        return np.asarray(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def columns(
    records: Iterable[object],
    fields: Sequence[str],
    *,
    defaults: Mapping[str, object] | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Read ``fields`` from every record into one array per field.

    Args:
        records: Mappings or objects with attributes, one per row.
        fields: Field names every record must have.
        defaults: Optional fields and the value used when a record lacks one.

    Returns:
        One 1-d array per field (required fields first), in record order. Columns
        of only str, only int or only float become arrays of that type; others
        (datetimes, None, Money) are object arrays.

    Raises:
        ValidationError: a record lacks a required field, or ``records`` is not iterable.
    """
    checks = Checks()
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        checks.add("records", f"expected an iterable of records, got {type(records).__name__}")
        checks.raise_if_any()
    names = [*fields, *(defaults or {})]
    checks.check(len(set(names)) == len(names), "fields", "names must be unique")
    checks.raise_if_any()
    data: dict[str, list[object]] = {name: [] for name in names}
    missing = 0
    for i, record in enumerate(records):
        for name in fields:
            value = _get(record, name)
            if value is _MISSING:
                missing += 1
                if missing <= 3:
                    checks.add(f"records[{i}].{name}", "is missing")
                value = None
            data[name].append(value)
        for name, default in (defaults or {}).items():
            value = _get(record, name)
            data[name].append(default if value is _MISSING else value)
    if missing > 3:
        checks.add("records", f"{missing - 3} more required fields are missing")
    checks.raise_if_any()
    return {name: _array(values) for name, values in data.items()}
