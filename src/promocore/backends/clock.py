"""Clocks and the integer timestamps the backends store.

Backends never read the time themselves: they call a clock given at construction
([`system_clock`][promocore.backends.clock.system_clock] unless told otherwise) or take ``now`` from
the caller. Instants are stored as integer microseconds since the Unix epoch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from promocore.backends.names import check_moment
from promocore.validation import Checks

#: A clock: a callable returning the current, timezone-aware instant.
Clock = Callable[[], datetime]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def system_clock() -> datetime:
    """Return the current UTC time from the operating system."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests and simulations.

    Examples:
        >>> clock = ManualClock(datetime(2025, 11, 11, tzinfo=UTC))
        >>> clock.advance(timedelta(minutes=5))
        >>> clock().minute
        5
    """

    def __init__(self, start: datetime) -> None:
        checks = Checks()
        check_moment(checks, start, "start")
        checks.raise_if_any()
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        """Return the clock's current instant."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        with self._lock:
            self._now += delta

    def set(self, moment: datetime) -> None:
        """Move the clock to ``moment``."""
        with self._lock:
            self._now = moment


def to_micros(moment: datetime) -> int:
    """Return ``moment`` as integer microseconds since the Unix epoch."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """Return the UTC instant ``micros`` microseconds after the Unix epoch."""
    return _EPOCH + timedelta(microseconds=micros)


def ttl_micros(ttl: timedelta) -> int:
    """Return ``ttl`` in whole microseconds."""
    return (ttl.days * 86_400 + ttl.seconds) * 1_000_000 + ttl.microseconds
