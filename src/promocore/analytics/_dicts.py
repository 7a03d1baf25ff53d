"""Plain values of the review's results, in the human profile of the one converter (private).

Money becomes a string of major units (the result states its currency once),
`Decimal` its exact string, instants ISO 8601 text; results nested in a result
contribute their own ``to_dict()``. Everything else goes through
[`unstructure`][promocore.serialize.unstructure], so a change of the profile is
made in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from promocore.serialize import unstructure


def plain(value: Any) -> Any:
    """Return ``value`` as plain, JSON-ready data."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return unstructure(value)


def fields_of(result: Any, currency: str | None = None) -> dict[str, Any]:
    """Return every attrs field of ``result`` as plain data, with ``currency`` first if given."""
    out: dict[str, Any] = {} if currency is None else {"currency": currency}
    for field in attrs.fields(type(result)):
        out[field.name] = plain(getattr(result, field.name))
    return out
