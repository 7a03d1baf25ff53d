"""Checks of the names and instants every storage entry point takes.

Account names, subjects, idempotency keys and record ids are all "names": 1 to
[`MAX_NAME_LENGTH`][promocore.backends.names.MAX_NAME_LENGTH] printable characters, so that every
backend can store them as they are (SQL text, Redis key parts).
"""

from __future__ import annotations

import re
from datetime import datetime

from promocore.validation import Checks

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


def check_moment(checks: Checks, value: object, path: str) -> None:
    """Record a problem unless ``value`` is a timezone-aware datetime."""
    if not isinstance(value, datetime):
        checks.add(path, f"must be a datetime, got {type(value).__name__}")
    elif value.tzinfo is None or value.utcoffset() is None:
        checks.add(path, "must be timezone-aware")
