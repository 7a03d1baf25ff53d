"""Stock and per-customer limits of a presale, held in a [`Ledger`][promocore.ledger.Ledger].

An order holds its units from creation until it is paid in full (the hold is then
committed) or ends unpaid (the hold is released). The hold lives until the final
window closes plus a grace period, so an abandoned order gives its units back
even if no sweep runs. Units of an order cancelled after its final payment and
before it ships are put back into stock, and so are units returned after it
(see [`restock_return`][promocore.games.presale.holds.restock_return]); the per-customer count
is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from promocore.errors import ValidationError
from promocore.games.presale.errors import HoldLostError, UnavailableError
from promocore.games.presale.model import PresaleOrder, Status
from promocore.games.presale.params import PresaleParams
from promocore.ledger import (
    AccountSpec,
    Draw,
    Ledger,
    ReservationClosedError,
    ReservationRefusedError,
    ReservationStatus,
    UnknownReservationError,
)


def stock_account(campaign_id: str) -> str:
    """Name of the ledger account counting a presale's stock."""
    return f"presale:{campaign_id}:stock"


def customer_account(campaign_id: str) -> str:
    """Name of the ledger account counting units per customer."""
    return f"presale:{campaign_id}:per-customer"


def hold_key(order: PresaleOrder) -> str:
    """Idempotency key of the order's hold."""
    return f"presale:{order.campaign_id}:{order.id}"


def define_accounts(ledger: Ledger, campaign_id: str, terms: PresaleParams) -> None:
    """Define the stock and per-customer accounts of a presale unless they exist.

    An existing account keeps its limit: raise a stock with ``Ledger.top_up``.
    """
    ledger.define(AccountSpec.stock(stock_account(campaign_id), terms.stock))
    if terms.per_customer_limit is not None:
        ledger.define(AccountSpec.usage(customer_account(campaign_id), terms.per_customer_limit))


def hold(ledger: Ledger, order: PresaleOrder, now: datetime, grace: timedelta) -> None:
    """Hold the order's units against the stock and the customer's limit.

    Accounts are defined on first use with the limits of the order's terms.

    Raises:
        UnavailableError: sold out, the customer's limit is reached, or a hold
            made earlier under this order id is no longer held.
    """
    terms = order.terms
    define_accounts(ledger, order.campaign_id, terms)
    stock = stock_account(order.campaign_id)
    draws = [Draw.stock(stock, order.quantity)]
    reasons = {stock: f"presale {order.campaign_id!r} is sold out"}
    if terms.per_customer_limit is not None:
        per_customer = customer_account(order.campaign_id)
        draws.append(Draw.use(per_customer, order.customer_id, order.quantity))
        reasons[per_customer] = (
            f"customer {order.customer_id!r} may hold at most {terms.per_customer_limit} "
            f"unit(s) of presale {order.campaign_id!r}"
        )
    ttl = terms.final_window.ends_at + grace - now
    try:
        reservation = ledger.reserve(hold_key(order), draws, ttl, now=now)
    except ReservationRefusedError as error:
        found = tuple(
            f"{reasons[s.account]} ({s.available} left, asked {s.asked})" for s in error.shortfalls
        )
        raise UnavailableError(found) from error
    if reservation.status is not ReservationStatus.HELD:
        raise UnavailableError(
            (f"the hold of order {order.id!r} is {reservation.status.value}; use a new order id",)
        )


def settle_hold(ledger: Ledger, order: PresaleOrder, now: datetime) -> None:
    """Bring the order's hold in line with its status; safe to repeat.

    Paid in full: the hold is committed. Ended unpaid: it is released. Cancelled
    or refunded after paying in full but before shipping: committed, and the units
    go back into stock.

    Raises:
        HoldLostError: the hold expired or vanished before the final payment was
            recorded (stock accounting needs attention).
    """
    key = hold_key(order)
    status = order.status
    if status in (Status.CREATED, Status.DEPOSIT_PAID):
        return
    try:
        if order.final is None:
            ledger.release(key, now=now)
            return
        ledger.commit(key, now=now)
    except (ReservationClosedError, UnknownReservationError) as error:
        raise HoldLostError(f"order {order.id!r}: {error}") from error
    if status in (Status.CANCELLED, Status.REFUNDED) and order.fulfilled_at is None:
        kept = order.units_kept  # returned units went back with their return
        if kept:
            ledger.top_up(f"{key}:restock", stock_account(order.campaign_id), kept)


def restock_return(ledger: Ledger, order: PresaleOrder, refund_id: str) -> None:
    """Put the units of the return ``refund_id`` back into the presale's stock; safe to repeat.

    Raises:
        ValidationError: the order has no return with this id.
    """
    record = order.refund_record(refund_id)
    if record is None or not record.units:
        raise ValidationError.single("refund_id", f"order {order.id!r} has no return {refund_id!r}")
    key = f"{hold_key(order)}:return:{refund_id}"
    ledger.top_up(key, stock_account(order.campaign_id), record.units)
