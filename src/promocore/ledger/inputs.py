"""Checks shared by the ledger and store entry points (names, keys, amounts, times)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from promocore.validation import Checks

#: Largest amount, limit or counter a ledger accepts: every backend counts it exactly
#: (Redis scripts compute in IEEE doubles, exact up to 2**53).
MAX_AMOUNT = 2**53 - 1

#: Longest account name, subject, idempotency key, record kind or record id.
MAX_NAME_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_name(checks: Checks, value: object, path: str) -> None:
    """Record a problem unless ``value`` is a usable name (1-200 printable characters)."""
    if not isinstance(value, str):
        checks.add(path, f"must be a str, got {type(value).__name__}")
    elif not value:
        checks.add(path, "must not be empty")
    elif len(value) > MAX_NAME_LENGTH:
        checks.add(path, f"must be at most {MAX_NAME_LENGTH} characters")
    elif _CONTROL.search(value):
        checks.add(path, "must not contain control characters")


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


def check_moment(checks: Checks, value: object, path: str) -> None:
    """Record a problem unless ``value`` is a timezone-aware datetime."""
    if not isinstance(value, datetime):
        checks.add(path, f"must be a datetime, got {type(value).__name__}")
    elif value.tzinfo is None or value.utcoffset() is None:
        checks.add(path, "must be timezone-aware")


def check_ttl(checks: Checks, value: object, path: str) -> None:
    """Record a problem unless ``value`` is a positive timedelta."""
    if not isinstance(value, timedelta):
        checks.add(path, f"must be a timedelta, got {type(value).__name__}")
    elif value <= timedelta(0):
        checks.add(path, "must be > 0")
    elif value > timedelta(days=366):
        checks.add(path, "must be at most 366 days")
