"""Running bargaining sessions over a [`Store`][promocore.state.Store].

The service is the imperative shell around the pure transitions: it reads a
session, applies a transition and saves the result with compare-and-set,
retrying when another writer got there first, so a concurrent help is never
lost or counted twice. Limits that span sessions live in their own records
([`tallies`][promocore.mechanics.bargain.tallies]) that are written first and given
back if the session then refuses the move.

Every write can be retried safely: a start with the same ``session_id``, a help
by the same helper, an order with the same ``order_id`` each count once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import attrs

from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.errors import ValidationError
from promocore.games.bargain.errors import (
    AlreadyOrderedError,
    BargainError,
    DuplicateHelpError,
    HelperLimitError,
    IllegalMoveError,
    OutOfStockError,
    RetriesExhaustedError,
    SessionNotFoundError,
)
from promocore.games.bargain.model import (
    BargainSession,
    Cancel,
    Command,
    Event,
    Expire,
    Help,
    Order,
    Start,
    Status,
    Tally,
)
from promocore.games.bargain.params import BargainParams
from promocore.games.bargain.rules import apply, record_help, record_start, take_stock
from promocore.games.bargain.snapshot import annotate
from promocore.state import (
    Codec,
    RecordNotFoundError,
    Store,
    TypedStore,
    VersionConflictError,
    retry_on_conflict,
)

#: Record kinds the service writes.
SESSION_KIND = "bargain.session"
HELPS_KIND = "bargain.helps"
STARTS_KIND = "bargain.starts"
STOCK_KIND = "bargain.stock"


T = TypeVar("T")


def _session_due(session: BargainSession) -> datetime | None:
    return session.expires_at if session.status is Status.STARTED else None


def _tally_id(activity: str, customer: str) -> str:
    return f"{len(activity)}:{activity}:{customer}"


@attrs.frozen
class Outcome:
    """A session after a move, and the events the move caused (none for a retry)."""

    session: BargainSession
    events: tuple[Event, ...] = ()


class BargainService:
    """Start, help, cancel, order and expire sessions kept in ``store``.

    Args:
        store: Where sessions and tallies live (any [`Store`][promocore.state.Store]).
        attempts: How many times a write is tried when it keeps losing races.
        new_id: Makes session ids when
            [`start`][promocore.games.bargain.service.BargainService.start] is given none.
        sleep: How to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        store: Store,
        *,
        attempts: int = 50,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.attempts = attempts
        self._new_id = new_id
        self._sleep = sleep
        self.sessions = TypedStore(store, Codec(BargainSession, SESSION_KIND, due=_session_due))
        self._helps = TypedStore(store, Codec(Tally, HELPS_KIND))
        self._starts = TypedStore(store, Codec(Tally, STARTS_KIND))
        self._stock = TypedStore(store, Codec(Tally, STOCK_KIND))

    # -- reading -------------------------------------------------------------------------

    def find(self, session_id: str) -> BargainSession | None:
        """Return the session, or ``None``."""
        found = self.sessions.get(session_id)
        return None if found is None else found.value

    def get(self, session_id: str) -> BargainSession:
        """Return the session.

        Raises:
            SessionNotFoundError: no session has this id.
        """
        found = self.find(session_id)
        if found is None:
            raise SessionNotFoundError(f"no bargain session with id {session_id!r}")
        return found

    def helps_used(self, activity: str, helper: str) -> int:
        """How many sessions of ``activity`` ``helper`` has helped."""
        return self._tally(self._helps, _tally_id(activity, helper)).used

    def sessions_started(self, activity: str, customer: str) -> int:
        """How many sessions of ``activity`` ``customer`` has started."""
        return self._tally(self._starts, _tally_id(activity, customer)).used

    def stock_taken(self, activity: str) -> int:
        """How many units of ``activity``'s stock were ordered."""
        return self._tally(self._stock, activity).used

    def annotate(self, cart: Cart) -> Cart:
        """Return ``cart`` with a snapshot of every session its lines reference.

        Price the result with the engine; see
        [`annotate`][promocore.games.bargain.snapshot.annotate].
        """
        ids = {sid for line in cart.lines if (sid := line.ref("bargain")) is not None}
        found = [s for sid in sorted(ids) if (s := self.find(sid)) is not None]
        return annotate(cart, found)

    # -- moves ---------------------------------------------------------------------------

    def start(
        self,
        campaign: Campaign,
        initiator: str,
        *,
        now: datetime,
        session_id: str | None = None,
        seed: str | None = None,
    ) -> Outcome:
        """Start a session of ``campaign`` for ``initiator``.

        Args:
            campaign: A campaign of the ``bargain`` mechanic.
            initiator: The customer starting it.
            now: The moment it starts.
            session_id: The id (and idempotency key); a new one when not given.
            seed: Seed of the cut sequence; the session id when not given.

        Raises:
            ValidationError: the campaign is not a bargain, or a bad argument.
            SessionLimitError: ``initiator`` started every session allowed.
            OutOfStockError: the activity's stock is sold out.
            IllegalMoveError: ``session_id`` is taken by another customer or activity.
        """
        if not isinstance(campaign, Campaign) or not isinstance(campaign.params, BargainParams):
            raise ValidationError.single("campaign", "must be a Campaign with BargainParams")
        terms: BargainParams = campaign.params
        sid = session_id if session_id is not None else self._new_id()
        command = Start(sid, campaign.id, initiator, terms, seed)
        existing = self.find(sid)
        if existing is not None:
            return Outcome(self._same_start(existing, command))
        session, events = apply(None, command, now)
        if terms.stock is not None and self.stock_taken(campaign.id) >= terms.stock:
            raise OutOfStockError(f"activity {campaign.id!r} is sold out")
        starts_id = _tally_id(campaign.id, initiator)
        self._change(
            self._starts,
            starts_id,
            lambda t: record_start(t, sid, initiator=initiator, limit=terms.sessions_per_customer),
        )
        try:
            self.sessions.create(sid, session)
        except VersionConflictError:
            existing = self.get(sid)
            try:
                return Outcome(self._same_start(existing, command))
            except IllegalMoveError:
                self._change(self._starts, starts_id, lambda t: t.without(sid))
                raise
        return Outcome(session, events)

    @staticmethod
    def _same_start(existing: BargainSession, command: Start) -> BargainSession:
        if (existing.activity, existing.initiator) != (command.activity, command.initiator):
            raise IllegalMoveError(f"session id {command.session_id!r} is taken")
        return existing

    def help(
        self, session_id: str, helper: str, *, now: datetime, new_customer: bool = False
    ) -> Outcome:
        """Record a friend's help; their cut comes off the price.

        Args:
            session_id: The session helped.
            helper: The helping customer.
            now: The moment of the help.
            new_customer: The helper never ordered (their cut may be boosted).

        Raises:
            SessionNotFoundError: no such session.
            SelfHelpError, DuplicateHelpError, HelperLimitError: the help is refused.
            SessionExpiredError, SessionSucceededError, SessionClosedError: the
                session takes no more help.
        """
        command = Help(helper, new_customer)
        session = self.get(session_id)
        apply(session, command, now)  # refuse early, before any tally is touched
        helps_id = _tally_id(session.activity, helper)
        limit = session.terms.helps_per_helper
        try:
            self._record_help(helps_id, session_id, helper, limit)
        except HelperLimitError:
            if not self._reclaim_helps(helps_id, helper):
                raise
            self._record_help(helps_id, session_id, helper, limit)
        try:
            return self._move(session_id, command, now)
        except (DuplicateHelpError, RetriesExhaustedError):
            raise  # the count stays: the help may be there (reclaimed once the session closes)
        except BargainError:
            if helper not in self.get(session_id).helpers:
                self._change(self._helps, helps_id, lambda t: t.without(session_id))
            raise

    def _record_help(self, helps_id: str, session_id: str, helper: str, limit: int) -> None:
        self._change(
            self._helps,
            helps_id,
            lambda t: record_help(t, session_id, helper=helper, limit=limit),
        )

    def _reclaim_helps(self, helps_id: str, helper: str) -> bool:
        """Give back counts a crash left behind: closed sessions the helper is not in.

        A help is counted before it is saved to its session; if the process dies in
        between, the count stays. Such a count is safe to give back once the session
        no longer takes help, since no help can land there any more.
        """
        tally = self._tally(self._helps, helps_id)
        stale = [
            sid
            for sid in tally.sessions
            if (s := self.find(sid)) is not None
            and s.status is not Status.STARTED
            and helper not in s.helpers
        ]
        if not stale:
            return False

        def drop(current: Tally) -> Tally:
            for sid in stale:
                current = current.without(sid)
            return current

        self._change(self._helps, helps_id, drop)
        return True

    def cancel(self, session_id: str, by: str, *, now: datetime) -> Outcome:
        """Cancel a session on behalf of its initiator ``by``; cancelling again changes nothing.

        Raises:
            SessionNotFoundError: no such session.
            NotInitiatorError: ``by`` did not start it.
            SessionClosedError: it expired, was cancelled or ordered.
        """
        return self._move(session_id, Cancel(by), now)

    def order(self, session_id: str, order_id: str, by: str, *, now: datetime) -> Outcome:
        """Buy the item at the session's price; one unit of stock is taken.

        Ordering again with the same ``order_id`` returns the ordered session and
        changes nothing.

        Raises:
            SessionNotFoundError: no such session.
            NotInitiatorError: ``by`` did not start it.
            NotReadyToOrderError: it is above the floor and the activity sells only at it.
            AlreadyOrderedError: it was ordered with another order id.
            OutOfStockError: the activity's stock is sold out.
            SessionExpiredError, SessionClosedError: it can no longer be ordered.
        """
        command = Order(order_id, by)
        session = self.get(session_id)
        checked, _ = apply(session, command, now)
        if checked is session:
            return Outcome(session)
        stock = session.terms.stock
        activity = session.activity
        if stock is not None:
            self._change(
                self._stock,
                activity,
                lambda t: take_stock(t, session_id, activity=activity, stock=stock),
            )
        try:
            return self._move(session_id, command, now)
        except (AlreadyOrderedError, RetriesExhaustedError):
            raise  # the unit taken belongs to the order that is there (or may be)
        except BargainError:
            if stock is not None and self.get(session_id).status is not Status.ORDERED:
                self._change(self._stock, activity, lambda t: t.without(session_id))
            raise

    def expire_due(self, now: datetime, *, limit: int = 100) -> tuple[Outcome, ...]:
        """Expire up to ``limit`` sessions whose time ran out by ``now``.

        Sessions another writer changed first (helped to the floor before their
        time, cancelled) are skipped. Call it from a periodic job.

        Returns:
            The sessions expired by this call, with their events.
        """
        done: list[Outcome] = []
        for due in self.sessions.due(now, limit=limit):
            try:
                done.append(self._move(due.id, Expire(), now))
            except (BargainError, RecordNotFoundError):
                continue
        return tuple(done)

    # -- plumbing ------------------------------------------------------------------------

    def _move(self, session_id: str, command: Command, now: datetime) -> Outcome:
        """Apply ``command`` to the stored session, retrying lost compare-and-set races."""

        def once() -> Outcome:
            current = self.sessions.get(session_id)
            if current is None:
                raise SessionNotFoundError(f"no bargain session with id {session_id!r}")
            session, events = apply(current.value, command, now)
            if session is current.value:
                return Outcome(session)
            self.sessions.replace(session_id, session, expected_version=current.version)
            return Outcome(session, events)

        return self._retry(once)

    def _tally(self, view: TypedStore[Tally], id: str) -> Tally:
        found = view.get(id)
        return Tally() if found is None else found.value

    def _change(self, view: TypedStore[Tally], id: str, step: Callable[[Tally], Tally]) -> None:
        def once() -> None:
            current = view.get(id)
            before = Tally() if current is None else current.value
            after = step(before)
            if after is before:
                return
            view.replace(id, after, expected_version=0 if current is None else current.version)

        self._retry(once)

    def _retry(self, operation: Callable[[], T]) -> T:
        try:
            return retry_on_conflict(operation, attempts=self.attempts, sleep=self._sleep)
        except VersionConflictError as error:
            raise RetriesExhaustedError(
                f"gave up after {self.attempts} attempts lost to concurrent writers: {error}"
            ) from error
