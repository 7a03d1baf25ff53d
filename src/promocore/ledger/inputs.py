"""Checks of the ledger's own inputs (amounts, times to live).

Names and instants are checked by [`promocore.backends.names`][promocore.backends.names], shared
with the store.
"""

from __future__ import annotations

from datetime import timedelta

from promocore.backends.names import MAX_NAME_LENGTH, check_moment, check_name
from promocore.limits import MAX_AMOUNT
from promocore.validation import Checks

__all__ = [
    "MAX_AMOUNT",
    "MAX_NAME_LENGTH",
    "MAX_TTL",
    "check_amount",
    "check_moment",
    "check_name",
    "check_ttl",
]

# MAX_AMOUNT (promocore.limits): the largest amount, limit or counter a ledger accepts; every
# backend counts it exactly (Redis scripts compute in IEEE doubles, exact up to 2**53).


def check_amount(checks: Checks, value: object, path: str, *, minimum: int = 1) -> None:
    """Record a problem unless ``value`` is an int in ``[minimum, MAX_AMOUNT]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        kind = type(value).__name__
        hint = " (amounts are integer minor units or units)" if isinstance(value, float) else ""
        checks.add(path, f"must be an int, got {kind}{hint}")
    elif value < minimum:
        checks.add(path, f"must be >= {minimum}" if minimum != 1 else "must be > 0")
    elif value > MAX_AMOUNT:
        checks.add(path, f"must be <= {MAX_AMOUNT}")


#: Longest a reservation may be held.
MAX_TTL = timedelta(days=366)


def check_ttl(checks: Checks, value: object, path: str) -> None:
    """Record a problem unless ``value`` is a positive timedelta."""
    if not isinstance(value, timedelta):
        checks.add(path, f"must be a timedelta, got {type(value).__name__}")
    elif value <= timedelta(0):
        checks.add(path, "must be > 0")
    elif value > MAX_TTL:
        checks.add(path, "must be at most 366 days")
