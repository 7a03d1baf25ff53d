"""Limits that span sessions, as pure functions over small immutable tallies.

A [`Tally`][promocore.mechanics.bargain.tallies.Tally] lists the sessions that used something: the
sessions one customer helped, the sessions one customer started, or the sessions ordered from an
activity's stock. Recording the same session twice changes nothing, so a retried write never counts
twice; recording one more than the limit raises.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from promocore.mechanics.bargain.errors import HelperLimitError, OutOfStockError, SessionLimitError


def _ids(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen
class Tally:
    """The sessions that used one limit, in the order they used it."""

    sessions: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    @property
    def used(self) -> int:
        """How much of the limit is used."""
        return len(self.sessions)

    def has(self, session_id: str) -> bool:
        """True if ``session_id`` is recorded."""
        return session_id in self.sessions

    def without(self, session_id: str) -> Tally:
        """Return the tally with ``session_id`` given back (unchanged if absent)."""
        if session_id not in self.sessions:
            return self
        return Tally(tuple(s for s in self.sessions if s != session_id))

    def _with(self, session_id: str) -> Tally:
        return Tally((*self.sessions, session_id))


def record_help(tally: Tally, session_id: str, *, helper: str, limit: int) -> Tally:
    """Count a help by ``helper`` on ``session_id``.

    Raises:
        HelperLimitError: ``helper`` already helped ``limit`` sessions.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= limit:
        raise HelperLimitError(
            f"{helper!r} already helped {tally.used} session(s); the activity allows {limit}"
        )
    return tally._with(session_id)


def record_start(tally: Tally, session_id: str, *, initiator: str, limit: int) -> Tally:
    """Count a session started by ``initiator``.

    Raises:
        SessionLimitError: ``initiator`` already started ``limit`` sessions.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= limit:
        raise SessionLimitError(
            f"{initiator!r} already started {tally.used} session(s); the activity allows {limit}"
        )
    return tally._with(session_id)


def take_stock(tally: Tally, session_id: str, *, activity: str, stock: int) -> Tally:
    """Take one unit of the activity's stock for ``session_id``.

    Raises:
        OutOfStockError: ``stock`` units were already taken.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= stock:
        raise OutOfStockError(f"activity {activity!r} has no stock left ({stock} ordered)")
    return tally._with(session_id)
