"""Running presale orders over a state store and a ledger, on the game runner.

Every change of an order goes through a [`Runner`][promocore.games.runtime.Runner] of
[`ORDERS`][promocore.games.presale.rules.ORDERS]: read, pure transition, save at the version
read, retried when another writer got there first. What the service adds is the ledger: stock
and per-customer limits are held there ([`holds`][promocore.games.presale.holds]), committed
when the order is paid in full, released when it ends unpaid, and returned units go back into
stock. Every move can be retried: an order id, a payment id and a refund id each count once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.errors import ValidationError
from promocore.games.presale.errors import IdempotencyConflictError
from promocore.games.presale.holds import define_accounts, hold, restock_return, settle_hold
from promocore.games.presale.model import (
    Cancel,
    Command,
    Event,
    Fulfill,
    Party,
    PayDeposit,
    PayFinal,
    PresaleOrder,
    Refund,
    Return,
)
from promocore.games.presale.params import PresaleParams
from promocore.games.presale.refs import order_ids, verify
from promocore.games.presale.rules import ORDERS, open_order
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.ledger import Ledger
from promocore.money import Money
from promocore.state import Store

#: Record kind of presale orders.
ORDER_KIND = ORDERS.kind

#: What a move on an order returns.
OrderOutcome = Outcome[PresaleOrder, Event]


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
        observer: Receives every event saved (see
            [`Runner`][promocore.games.runtime.Runner]).
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
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.attempts = attempts
        self.hold_grace = hold_grace
        self._new_id = new_id
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.orders = Runner(store, ORDERS, retry=retry, observer=observer)

    def find(self, order_id: str) -> PresaleOrder | None:
        """Return the order, or ``None``."""
        return self.orders.find(order_id)

    def get(self, order_id: str) -> PresaleOrder:
        """Return the order.

        Raises:
            OrderNotFoundError: no order has this id.
        """
        return self.orders.require(order_id).value

    def verify(self, cart: Cart) -> None:
        """Check the cart's presale lines against the stored orders before checkout.

        Pricing holds a presale line to the campaign's terms; this adds what only the store
        knows: the order a line names exists, is the cart customer's, is for the line's
        sku and quantity, and waits for the payment the line makes. See
        [`verify`][promocore.games.presale.refs.verify].

        Raises:
            RefRefusedError: a line the orders do not back.
        """
        found = [o for oid in order_ids(cart) if (o := self.find(oid)) is not None]
        verify(cart, found)

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
    ) -> OrderOutcome:
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
        existing = self.orders.get(oid)
        if existing is not None:  # a retry, possibly after the deposit window closed
            _same_order(existing.value, wanted)
            return Outcome(id=oid, state=existing.value, version=existing.version, replayed=True)
        order, events = open_order(oid, campaign, customer_id, quantity, now)
        hold(self.ledger, order, now, self.hold_grace)
        outcome = self.orders.create(oid, order, events, now=now)
        if outcome.replayed:
            _same_order(outcome.state, wanted)
        return outcome

    def pay_deposit(
        self, order_id: str, payment_id: str, amount: Money, *, now: datetime
    ) -> OrderOutcome:
        """Record the deposit payment (see `PayDeposit`)."""
        return self._move(order_id, PayDeposit(payment_id, amount), now)

    def pay_final(
        self, order_id: str, payment_id: str, amount: Money, *, now: datetime
    ) -> OrderOutcome:
        """Record the final payment of ``amount`` (from `quote_final`).

        Commits the order's hold. A retry with the same payment id commits it if
        an earlier attempt stopped halfway.
        """
        return self._move(order_id, PayFinal(payment_id, amount), now)

    def fulfill(self, order_id: str, *, now: datetime) -> OrderOutcome:
        """Record that the order shipped."""
        return self._move(order_id, Fulfill(), now)

    def cancel(self, order_id: str, by: Party, *, now: datetime, reason: str = "") -> OrderOutcome:
        """Cancel the order on behalf of ``by``; the events say who gets what."""
        return self._move(order_id, Cancel(by, reason), now)

    def refund(
        self, order_id: str, refund_id: str, amount: Money, *, now: datetime, reason: str = ""
    ) -> OrderOutcome:
        """Refund an amount of what was paid, after the final payment; the units stay.

        For price protection (价保) or goodwill. To take units back, use
        [`return_units`][promocore.games.presale.service.PresaleService.return_units].
        """
        return self._move(order_id, Refund(refund_id, amount, reason), now)

    def return_units(
        self, order_id: str, refund_id: str, units: int, *, now: datetime, reason: str = ""
    ) -> OrderOutcome:
        """Take ``units`` of the order back and refund their share of what was paid.

        The refund is at most ``units / quantity`` of what was paid (the deposit and the
        final payment, after every discount; never the list price), and the last units
        returned refund everything left (see [`unit_refund`][promocore.games.returns.unit_refund]).
        The units go back into the presale's stock; the customer's per-customer count is
        kept. A retry with the same ``refund_id`` changes nothing more.

        Raises:
            ValidationError: ``units`` is not between 1 and the units kept.
            IllegalTransitionError: the order is not paid in full (cancel it instead).
            IdempotencyConflictError: ``refund_id`` was used for another refund.
        """
        outcome = self._move(order_id, Return(refund_id, units, reason), now)
        restock_return(self.ledger, outcome.state, refund_id)
        return outcome

    def sweep(self, *, now: datetime, limit: int = 100) -> list[OrderOutcome]:
        """Close up to ``limit`` orders whose payment window passed unpaid.

        Orders paid in the meantime are skipped. Safe to run from several
        processes at once: each order is closed once.
        """
        outcomes = self.orders.sweep(now=now, limit=limit)
        for outcome in outcomes:
            settle_hold(self.ledger, outcome.state, now)
        return outcomes

    def _move(self, order_id: str, command: Command, now: datetime) -> OrderOutcome:
        outcome = self.orders.apply(order_id, command, now=now)
        settle_hold(self.ledger, outcome.state, now)
        return outcome


def _presale_params(campaign: Campaign) -> PresaleParams:
    if not isinstance(campaign, Campaign) or not isinstance(campaign.params, PresaleParams):
        raise ValidationError.single("campaign", "must be a Campaign with PresaleParams")
    return campaign.params


def _same_order(existing: PresaleOrder, wanted: tuple[str, str, int]) -> PresaleOrder:
    if (existing.campaign_id, existing.customer_id, existing.quantity) != wanted:
        raise IdempotencyConflictError(f"order id {existing.id!r} names a different order")
    return existing
