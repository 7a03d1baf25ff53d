"""Turning result objects into plain, JSON-friendly values (private)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from promocore.money import Money


def plain(value: Any) -> Any:
    """Return ``value`` built only from dict, list, str, int, float, bool and None.

    Money becomes ``{"amount": minor_units, "currency": code}``, Decimal its exact
    string, datetimes ISO 8601 text, timedeltas seconds, arrays lists, and attrs
    objects their ``to_dict()`` (or their fields).
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Money):
        return {"amount": value.amount, "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if attrs.has(type(value)):
        return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    return str(value)
