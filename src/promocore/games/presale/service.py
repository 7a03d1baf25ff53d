"""Running presale orders over a state store and a ledger.

The service is the imperative shell around the pure transitions: it reads an
order, applies a transition and saves the result with compare-and-set, retrying
when another writer got there first. Stock and per-customer limits are held in
the ledger ([`holds`][promocore.games.presale.holds]). Every move can be
retried: an order id, a payment id and a refund id each count once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from promocore.campaign import Campaign
from promocore.errors import ValidationError
from promocore.games.presale.errors import (
    IdempotencyConflictError,
    IllegalTransitionError,
    OrderNotFoundError,
)
from promocore.games.presale.holds import define_accounts, hold, settle_hold
from promocore.games.presale.model import (
    Cancel,
    Command,
    Event,
    Fulfill,
    Lapse,
    Party,
    PayDeposit,
    PayFinal,
    PresaleOrder,
    Refund,
)
from promocore.games.presale.params import PresaleParams
from promocore.games.presale.rules import open_order, transition
from promocore.ledger import Ledger
from promocore.money import Money
from promocore.state import Codec, Store, TypedStore, VersionConflictError, retry_on_conflict

#: Record kind of presale orders.
ORDER_KIND = "presale.order"


def _order_due(order: PresaleOrder) -> datetime | None:
    return order.due_at


@attrs.frozen
class Outcome:
    """An order after a move, and the events the move caused (none for a retry)."""

    order: PresaleOrder
    events: tuple[Event, ...] = ()


class PresaleService:
    """Create, pay, ship, cancel, refund and sweep presale orders.

    Args:
        store: Where orders live (any [`Store`][promocore.state.Store]).
        ledger: Where stock and per-customer limits are counted.
        attempts: How many times a write is tried when it keeps losing races.
        hold_grace: How long after the final window closes an unpaid order's
            units stay held if no sweep closes it first.
        new_id: Makes order ids when
            [`create`][promocore.games.presale.service.PresaleService.create] is given none.
        sleep: How to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        store: Store,
        ledger: Ledger,
        *,
        attempts: int = 50,
        hold_grace: timedelta = timedelta(days=1),
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.attempts = attempts
        self.hold_grace = hold_grace
        self._new_id = new_id
        self._sleep = sleep
        self.orders = TypedStore(store, Codec(PresaleOrder, ORDER_KIND, due=_order_due))

    def find(self, order_id: str) -> PresaleOrder | None:
        """Return the order, or ``None``."""
        found = self.orders.get(order_id)
        return None if found is None else found.value

    def get(self, order_id: str) -> PresaleOrder:
        """Return the order.

        Raises:
            OrderNotFoundError: no order has this id.
        """
        found = self.find(order_id)
        if found is None:
            raise OrderNotFoundError(f"no presale order with id {order_id!r}")
        return found

    def prepare(self, campaign: Campaign) -> None:
        """Define the ledger accounts of a presale's stock and per-customer limit.

        Optional (the first order does it too); existing accounts keep their limits.

        Raises:
            ValidationError: the campaign is not a presale.
        """
        define_accounts(self.ledger, campaign.id, _presale_params(campaign))

    def create(
        self,
        campaign: Campaign,
        customer_id: str,
        quantity: int,
        *,
        now: datetime,
        order_id: str | None = None,
    ) -> Outcome:
        """Create an order and hold its units.

        Args:
            campaign: The presale campaign; its params become the order's terms.
            customer_id: Who orders.
            quantity: Units.
            now: The moment (inside the deposit window).
            order_id: The id (and idempotency key); a new one when not given.

        Raises:
            ValidationError: a bad argument or campaign.
            OutsideWindowError: the deposit window is not open.
            UnavailableError: sold out, or the customer's limit is reached.
            IdempotencyConflictError: ``order_id`` names a different order.
        """
        oid = order_id if order_id is not None else self._new_id()
        wanted = (campaign.id, customer_id, quantity)
        existing = self.find(oid)
        if existing is not None:  # a retry, possibly after the deposit window closed
            return Outcome(_same_order(existing, wanted))
        order, events = open_order(oid, campaign, customer_id, quantity, now)
        hold(self.ledger, order, now, self.hold_grace)
        try:
            self.orders.create(oid, order)
        except VersionConflictError:
            return Outcome(_same_order(self.get(oid), wanted))
        return Outcome(order, events)

    def pay_deposit(
        self, order_id: str, payment_id: str, amount: Money, *, now: datetime
    ) -> Outcome:
        """Record the deposit payment (see `PayDeposit`)."""
        return self._move(order_id, PayDeposit(payment_id, amount), now)

    def pay_final(self, order_id: str, payment_id: str, amount: Money, *, now: datetime) -> Outcome:
        """Record the final payment of ``amount`` (from `quote_final`).

        Commits the order's hold. A retry with the same payment id commits it if
        an earlier attempt stopped halfway.
        """
        return self._move(order_id, PayFinal(payment_id, amount), now)

    def fulfill(self, order_id: str, *, now: datetime) -> Outcome:
        """Record that the order shipped."""
        return self._move(order_id, Fulfill(), now)

    def cancel(self, order_id: str, by: Party, *, now: datetime, reason: str = "") -> Outcome:
        """Cancel the order on behalf of ``by``; the events say who gets what."""
        return self._move(order_id, Cancel(by, reason), now)

    def refund(
        self, order_id: str, refund_id: str, amount: Money, *, now: datetime, reason: str = ""
    ) -> Outcome:
        """Refund part of what was paid, after the final payment."""
        return self._move(order_id, Refund(refund_id, amount, reason), now)

    def sweep(self, *, now: datetime, limit: int = 100) -> list[Outcome]:
        """Close up to ``limit`` orders whose payment window passed unpaid.

        Orders paid in the meantime are skipped. Safe to run from several
        processes at once: each order is closed once.
        """
        outcomes = []
        for due in self.orders.due(now, limit=limit):
            try:
                outcome = self._move(due.id, Lapse(), now)
            except IllegalTransitionError:
                continue
            if outcome.events:
                outcomes.append(outcome)
        return outcomes

    def _move(self, order_id: str, command: Command, now: datetime) -> Outcome:
        def once() -> Outcome:
            current = self.orders.get(order_id)
            if current is None:
                raise OrderNotFoundError(f"no presale order with id {order_id!r}")
            order, events = transition(current.value, command, now)
            if events:
                self.orders.replace(order_id, order, expected_version=current.version)
            return Outcome(order, events)

        outcome = retry_on_conflict(once, attempts=self.attempts, sleep=self._sleep)
        settle_hold(self.ledger, outcome.order, now)
        return outcome


def _presale_params(campaign: Campaign) -> PresaleParams:
    if not isinstance(campaign, Campaign) or not isinstance(campaign.params, PresaleParams):
        raise ValidationError.single("campaign", "must be a Campaign with PresaleParams")
    return campaign.params


def _same_order(existing: PresaleOrder, wanted: tuple[str, str, int]) -> PresaleOrder:
    if (existing.campaign_id, existing.customer_id, existing.quantity) != wanted:
        raise IdempotencyConflictError(f"order id {existing.id!r} names a different order")
    return existing
