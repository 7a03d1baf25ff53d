"""Running bargaining sessions over a [`Store`][promocore.state.Store], on the game runner.

Every state change goes through a [`Runner`][promocore.games.runtime.Runner]: sessions
([`SESSIONS`][promocore.games.bargain.rules.SESSIONS]) and the tallies of limits that span
sessions ([`HELPS`][promocore.games.bargain.rules.HELPS],
[`STARTS`][promocore.games.bargain.rules.STARTS], [`STOCK`][promocore.games.bargain.rules.STOCK]),
so a concurrent help is never lost or counted twice. What the service adds is the order of the
writes: a tally is written first and given back if the session then refuses the move.

Every write can be retried safely: a start with the same ``session_id``, a help by the same
helper, an order with the same ``order_id`` and a refund with the same ``refund_id`` each count
once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

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
)
from promocore.games.bargain.model import (
    BargainSession,
    Cancel,
    CountHelp,
    CountStart,
    Event,
    Help,
    Order,
    Refund,
    Start,
    Status,
    TakeUnit,
    Tally,
    TallyCommand,
    Uncount,
)
from promocore.games.bargain.params import BargainParams
from promocore.games.bargain.rules import HELPS, SESSIONS, STARTS, STOCK, apply
from promocore.games.bargain.snapshot import annotate, verify
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.state import Store

#: Record kinds the service writes.
SESSION_KIND = SESSIONS.kind
HELPS_KIND = HELPS.kind
STARTS_KIND = STARTS.kind
STOCK_KIND = STOCK.kind

#: What a move on a session returns.
SessionOutcome = Outcome[BargainSession, Event]


def _tally_id(activity: str, customer: str) -> str:
    return f"{len(activity)}:{activity}:{customer}"


class BargainService:
    """Start, help, cancel, order, refund and expire sessions kept in ``store``.

    Args:
        store: Where sessions and tallies live (any [`Store`][promocore.state.Store]).
        attempts: How many times a write is tried when it keeps losing races.
        new_id: Makes session ids when
            [`start`][promocore.games.bargain.service.BargainService.start] is given none.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every event saved (see
            [`Runner`][promocore.games.runtime.Runner]).
    """

    def __init__(
        self,
        store: Store,
        *,
        attempts: int = 50,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.attempts = attempts
        self._new_id = new_id
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.sessions = Runner(store, SESSIONS, retry=retry, observer=observer)
        self._helps = Runner(store, HELPS, retry=retry)
        self._starts = Runner(store, STARTS, retry=retry)
        self._stock = Runner(store, STOCK, retry=retry)

    # -- reading -------------------------------------------------------------------------

    def find(self, session_id: str) -> BargainSession | None:
        """Return the session, or ``None``."""
        return self.sessions.find(session_id)

    def get(self, session_id: str) -> BargainSession:
        """Return the session.

        Raises:
            SessionNotFoundError: no session has this id.
        """
        return self.sessions.require(session_id).value

    def helps_used(self, activity: str, helper: str) -> int:
        """How many sessions of ``activity`` ``helper`` has helped."""
        return self._tally(self._helps, _tally_id(activity, helper)).used

    def sessions_started(self, activity: str, customer: str) -> int:
        """How many sessions of ``activity`` ``customer`` has started."""
        return self._tally(self._starts, _tally_id(activity, customer)).used

    def stock_taken(self, activity: str) -> int:
        """How many units of ``activity``'s stock are sold (ordered and not refunded)."""
        return self._tally(self._stock, activity).used

    def annotate(self, cart: Cart) -> Cart:
        """Return ``cart`` with a snapshot of every session its lines reference.

        Price the result with the engine; see
        [`annotate`][promocore.games.bargain.snapshot.annotate].
        """
        ids = {sid for line in cart.lines if (sid := line.ref("bargain")) is not None}
        found = [s for sid in sorted(ids) if (s := self.find(sid)) is not None]
        return annotate(cart, found)

    def verify(self, cart: Cart, *, now: datetime) -> None:
        """Check the cart's bargain lines against the stored sessions before checkout.

        Pricing holds a line's snapshot to the campaign's terms; this adds what only the
        store knows: the session exists, belongs to the cart's customer, may be ordered
        now, and is what the line's snapshot says. See
        [`verify`][promocore.games.bargain.snapshot.verify].

        Raises:
            RefRefusedError: a line the sessions do not back.
        """
        ids = {sid for line in cart.lines if (sid := line.ref("bargain")) is not None}
        found = [s for sid in sorted(ids) if (s := self.find(sid)) is not None]
        verify(cart, found, now)

    # -- moves ---------------------------------------------------------------------------

    def start(
        self,
        campaign: Campaign,
        initiator: str,
        *,
        now: datetime,
        session_id: str | None = None,
        seed: str | None = None,
    ) -> SessionOutcome:
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
        existing = self.sessions.get(sid)
        if existing is not None:
            _same_start(existing.value, command)
            return Outcome(id=sid, state=existing.value, version=existing.version, replayed=True)
        session, events = apply(None, command, now)
        if terms.stock is not None and self.stock_taken(campaign.id) >= terms.stock:
            raise OutOfStockError(f"activity {campaign.id!r} is sold out")
        starts_id = _tally_id(campaign.id, initiator)
        self._count(
            self._starts, starts_id, CountStart(sid, initiator, terms.sessions_per_customer)
        )
        outcome = self.sessions.create(sid, session, events, now=now)
        if outcome.replayed:  # another request created it first
            try:
                _same_start(outcome.state, command)
            except IllegalMoveError:
                self._count(self._starts, starts_id, Uncount((sid,)))
                raise
        return outcome

    def help(
        self, session_id: str, helper: str, *, now: datetime, new_customer: bool = False
    ) -> SessionOutcome:
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
        count = CountHelp(session_id, helper, session.terms.helps_per_helper)
        try:
            self._count(self._helps, helps_id, count)
        except HelperLimitError:
            if not self._reclaim_helps(helps_id, helper):
                raise
            self._count(self._helps, helps_id, count)
        try:
            return self.sessions.apply(session_id, command, now=now)
        except (DuplicateHelpError, RetriesExhaustedError):
            raise  # the count stays: the help may be there (reclaimed once the session closes)
        except BargainError:
            if helper not in self.get(session_id).helpers:
                self._count(self._helps, helps_id, Uncount((session_id,)))
            raise

    def _reclaim_helps(self, helps_id: str, helper: str) -> bool:
        """Give back counts a crash left behind: closed sessions the helper is not in.

        A help is counted before it is saved to its session; if the process dies in
        between, the count stays. Such a count is safe to give back once the session
        no longer takes help, since no help can land there any more.
        """
        tally = self._tally(self._helps, helps_id)
        stale = tuple(
            sid
            for sid in tally.sessions
            if (s := self.find(sid)) is not None
            and s.status is not Status.STARTED
            and helper not in s.helpers
        )
        if not stale:
            return False
        self._count(self._helps, helps_id, Uncount(stale))
        return True

    def cancel(self, session_id: str, by: str, *, now: datetime) -> SessionOutcome:
        """Cancel a session on behalf of its initiator ``by``; cancelling again changes nothing.

        Raises:
            SessionNotFoundError: no such session.
            NotInitiatorError: ``by`` did not start it.
            SessionClosedError: it expired, was cancelled or ordered.
        """
        return self.sessions.apply(session_id, Cancel(by), now=now)

    def order(self, session_id: str, order_id: str, by: str, *, now: datetime) -> SessionOutcome:
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
            return Outcome(id=session_id, state=session)
        stock = session.terms.stock
        activity = session.activity
        if stock is not None:
            self._count(self._stock, activity, TakeUnit(session_id, activity, stock))
        try:
            return self.sessions.apply(session_id, command, now=now)
        except (AlreadyOrderedError, RetriesExhaustedError):
            raise  # the unit taken belongs to the order that is there (or may be)
        except BargainError:
            if stock is not None and self.get(session_id).status is not Status.ORDERED:
                self._count(self._stock, activity, Uncount((session_id,)))
            raise

    def refund(
        self, session_id: str, refund_id: str, *, now: datetime, reason: str = ""
    ) -> SessionOutcome:
        """Take the ordered unit back: refund what it was ordered at, give its stock back.

        The [`Refunded`][promocore.games.bargain.model.Refunded] event carries the amount
        for the payment system. Refunding again with the same ``refund_id`` changes nothing
        (and gives the stock back if an earlier attempt stopped halfway). The initiator's
        count of sessions started is kept.

        Raises:
            SessionNotFoundError: no such session.
            NotOrderedError: the session was never ordered.
            SessionClosedError: it was refunded under another refund id.
        """
        outcome = self.sessions.apply(session_id, Refund(refund_id, reason), now=now)
        session = outcome.state
        if session.status is Status.REFUNDED and session.terms.stock is not None:
            self._count(self._stock, session.activity, Uncount((session_id,)))
        return outcome

    def expire_due(self, now: datetime, *, limit: int = 100) -> tuple[SessionOutcome, ...]:
        """Expire up to ``limit`` sessions whose time ran out by ``now``.

        Sessions another writer changed first (helped to the floor before their
        time, cancelled) are skipped. Call it from a periodic job.

        Returns:
            The sessions expired by this call, with their events.
        """
        return tuple(self.sessions.sweep(now=now, limit=limit))

    # -- plumbing ------------------------------------------------------------------------

    def _tally(self, runner: Runner[Tally, TallyCommand, object], id: str) -> Tally:
        found = runner.find(id)
        return Tally() if found is None else found

    def _count(
        self, runner: Runner[Tally, TallyCommand, object], id: str, command: TallyCommand
    ) -> None:
        runner.apply(id, command, now=runner.now())


def _same_start(existing: BargainSession, command: Start) -> BargainSession:
    if (existing.activity, existing.initiator) != (command.activity, command.initiator):
        raise IllegalMoveError(f"session id {command.session_id!r} is taken")
    return existing
