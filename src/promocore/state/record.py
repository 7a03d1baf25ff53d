"""Records: JSON payloads with a kind, an id, a version and an optional due time."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import attrs

from promocore.backends.names import check_moment, check_name
from promocore.validation import Checks

#: A JSON object: what a record's payload is.
JSONObject = dict[str, Any]

_KIND = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


@attrs.frozen
class Record:
    """One stored state.

    Attributes:
        kind: What the record is (``"bargain_session"``); records of different
            kinds never clash, whatever their ids.
        id: The record's id within its kind.
        version: 1 when created, one more after every change.
        payload: The state, as a JSON object.
        due: When an expiry sweep should look at the record (a deadline or a
            timeout), or ``None``.
    """

    kind: str
    id: str
    version: int
    payload: JSONObject
    due: datetime | None = None


def check_kind(checks: Checks, kind: object, path: str = "kind") -> None:
    """Record a problem unless ``kind`` is a lower-case name like ``group_buy.team``."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        checks.add(path, "must match [a-z][a-z0-9_.-]* (at most 64 characters)")


def check_address(kind: object, id: object) -> None:
    """Check a kind and id."""
    checks = Checks()
    check_kind(checks, kind)
    check_name(checks, id, "id")
    checks.raise_if_any()


def check_version(checks: Checks, version: object, path: str = "expected_version") -> None:
    """Record a problem unless ``version`` is an int >= 0."""
    if isinstance(version, bool) or not isinstance(version, int):
        checks.add(path, f"must be an int, got {type(version).__name__}")
    elif version < 0:
        checks.add(path, "must be >= 0")


def encode_payload(checks: Checks, payload: object, path: str = "payload") -> str:
    """Return ``payload`` as compact JSON text, recording a problem if it is not JSON-able."""
    if not isinstance(payload, dict):
        checks.add(path, f"must be a dict, got {type(payload).__name__}")
        return ""
    try:
        return json.dumps(
            payload, allow_nan=False, separators=(",", ":"), ensure_ascii=False, default=_refuse
        )
    except (TypeError, ValueError) as error:
        checks.add(path, f"must be JSON-able: {error}")
        return ""


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def check_save(
    kind: object, id: object, payload: object, expected_version: object, due: object
) -> str:
    """Check the arguments of a save and return the payload as JSON text."""
    checks = Checks()
    check_kind(checks, kind)
    check_name(checks, id, "id")
    text = encode_payload(checks, payload)
    check_version(checks, expected_version)
    if due is not None:
        check_moment(checks, due, "due")
    checks.raise_if_any()
    return text


def check_delete(kind: object, id: object, expected_version: object) -> None:
    """Check the arguments of a delete (the version must be >= 1)."""
    checks = Checks()
    check_kind(checks, kind)
    check_name(checks, id, "id")
    check_version(checks, expected_version)
    if isinstance(expected_version, int) and expected_version == 0:
        checks.add("expected_version", "must be >= 1 (the version read)")
    checks.raise_if_any()


def check_due_query(kind: object, before: object, limit: object) -> None:
    """Check the arguments of a due query."""
    checks = Checks()
    check_kind(checks, kind)
    check_moment(checks, before, "before")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        checks.add("limit", "must be an int > 0")
    checks.raise_if_any()


def decode_payload(value: object) -> JSONObject:
    """Return a stored payload as a dict (drivers hand back text or parsed JSON)."""
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise TypeError(f"stored payload is a {type(value).__name__}, not an object")
    return value
