"""Retrying compare-and-set writes: re-read, re-apply a pure transition, save again."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import attrs

from promocore.state.errors import VersionConflictError
from promocore.state.protocol import Store
from promocore.state.record import JSONObject, Record
from promocore.validation import Checks

T = TypeVar("T")

#: How many times [`update`][promocore.state.retry.update] and
#: [`retry_on_conflict`][promocore.state.retry.retry_on_conflict] try by default.
DEFAULT_ATTEMPTS = 10


@attrs.frozen
class Change:
    """What a transition wants saved: the next payload and due time."""

    payload: JSONObject
    due: datetime | None = None


def retry_on_conflict(
    operation: Callable[[], T],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    base_delay: float = 0.002,
    max_delay: float = 0.2,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``operation`` until it does not raise `VersionConflictError`.

    ``operation`` must read what it needs each time it runs. Between attempts
    the helper sleeps a random time up to ``base_delay * 2**attempt`` seconds
    (capped at ``max_delay``), so racing writers spread out.

    Raises:
        ValidationError: ``attempts`` is not an int > 0.
        VersionConflictError: the last attempt lost too.
    """
    checks = Checks()
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        checks.add("attempts", "must be an int > 0")
    checks.raise_if_any()
    for attempt in range(attempts):
        try:
            return operation()
        except VersionConflictError:
            if attempt + 1 == attempts:
                raise
            sleep(random.uniform(0, min(max_delay, base_delay * 2**attempt)))
    raise AssertionError("unreachable")  # pragma: no cover


def update(
    store: Store,
    kind: str,
    id: str,
    transition: Callable[[Record | None], Change],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> Record:
    """Apply ``transition`` to a record, retrying when another writer got there first.

    Each attempt reads the record (``None`` when it does not exist), calls
    ``transition`` on it and saves the result with the version read. The
    transition must be pure: it may run several times, and only the run whose
    save succeeds counts. An exception it raises stops the retries and passes
    through.

    Examples:
        >>> from promocore.state import MemoryStore
        >>> store = MemoryStore()
        >>> def bump(record):
        ...     count = record.payload["count"] if record else 0
        ...     return Change({"count": count + 1})
        >>> update(store, "counter", "c1", bump).payload
        {'count': 1}
        >>> update(store, "counter", "c1", bump).version
        2

    Raises:
        VersionConflictError: every attempt lost a race.
    """

    def once() -> Record:
        current = store.get(kind, id)
        change = transition(current)
        expected = 0 if current is None else current.version
        return store.save(kind, id, change.payload, expected_version=expected, due=change.due)

    return retry_on_conflict(once, attempts=attempts, sleep=sleep)
