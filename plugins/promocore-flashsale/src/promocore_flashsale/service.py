"""Checking out flash-sale orders through a promocore [`Ledger`][promocore.ledger.Ledger].

An order holds its units at checkout: the stock of every sku it buys and the
customer's per-customer count, in one reservation that is all or nothing. Paying
commits the hold; cancelling releases it; an order left unpaid gives its units back
when the hold's time runs out (``hold_minutes``), lazily or by `sweep`. The
ledger never lets a stock or a count go below zero, whatever the number of
processes or machines, so the sale is never oversold. Every call can be retried
with the same order id.

Beside the ledger, each order is recorded as a
[`FlashOrder`][promocore_flashsale.model.FlashOrder] in a promocore
[`Store`][promocore.state.Store], through promocore's game
[`Runner`][promocore.games.runtime.Runner] ([`ORDERS`][promocore_flashsale.rules.ORDERS]): what
was paid for its units, and what came back. A return of some units of a paid order refunds
their share of what was paid and puts them back into stock; the customer's count is kept.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

import attrs

from promocore import Campaign, Cart, Money, Quote, ValidationError, allocate
from promocore.games.runtime import Clock, Observer, Outcome, Runner, utc_now
from promocore.ledger import (
    Draw,
    IdempotencyKeyReusedError,
    Ledger,
    ReservationClosedError,
    ReservationRefusedError,
    ReservationStatus,
)
from promocore.ledger import Reservation as LedgerReservation
from promocore.state import MemoryStore, Store
from promocore_flashsale.accounts import (
    customer_account,
    define_accounts,
    reservation_key,
    stock_account,
)
from promocore_flashsale.errors import (
    CustomerLimitError,
    IdempotencyConflictError,
    NotInSessionError,
    OneSkuPerOrderError,
    OrderClosedError,
    SoldOutError,
    UnknownOrderError,
    UnknownSkuError,
)
from promocore_flashsale.model import (
    Cancel,
    Event,
    FlashOrder,
    OrderHeld,
    Pay,
    Return,
    amounts_of,
    units_of,
)
from promocore_flashsale.params import FlashSaleParams
from promocore_flashsale.rules import ORDERS

#: What a move on a flash-sale order returns.
OrderOutcome = Outcome[FlashOrder, Event]


@attrs.frozen
class Hold:
    """An order's hold on flash-sale units.

    Attributes:
        order_id: The order.
        units: Units held per sku.
        customer: Who ordered.
        expires_at: When the units go back unless the order is paid.
        status: Held, committed (paid), released (cancelled) or expired.
    """

    order_id: str
    units: tuple[tuple[str, int], ...]
    customer: str
    expires_at: datetime
    status: ReservationStatus


def _params(campaign: Campaign) -> FlashSaleParams:
    if not isinstance(campaign.params, FlashSaleParams):
        raise ValidationError.single("campaign.params", "must be FlashSaleParams")
    return campaign.params


def flash_units(campaign: Campaign, cart: Cart, quote: Quote) -> dict[str, int]:
    """Units per sku that ``quote`` prices at ``campaign``'s flash price."""
    units: Counter[str] = Counter()
    for line in quote.lines:
        for adjustment in line.adjustments:
            if adjustment.campaign == campaign.id and adjustment.amount.amount:
                units[cart.lines[line.index].sku] += adjustment.units or line.quantity
    return dict(sorted(units.items()))


def flash_paid(campaign: Campaign, cart: Cart, quote: Quote) -> dict[str, Money]:
    """What ``quote`` makes the customer pay for its flash-priced units, per sku.

    A line priced whole at the flash price pays its total; a line with only some units at the
    flash price splits its total exactly ([`allocate`][promocore.money.allocate]) between the
    flash units (their flash price) and the others (their list price).
    """
    paid: dict[str, Money] = {}
    for line in quote.lines:
        flash = [a for a in line.adjustments if a.campaign == campaign.id and a.amount.amount]
        if not flash:
            continue
        units = sum(a.units or line.quantity for a in flash)
        sku = cart.lines[line.index].sku
        share = line.total
        if units < line.quantity:
            flash_value = line.unit_price * units - sum(
                (a.amount for a in flash), Money.zero(line.unit_price.currency)
            )
            rest_value = line.unit_price * (line.quantity - units)
            share = allocate(line.total, [flash_value, rest_value])[0]
        paid[sku] = paid[sku] + share if sku in paid else share
    return dict(sorted(paid.items()))


class FlashSaleService:
    """Hold, pay and cancel flash-sale orders.

    Args:
        ledger: Where stock and per-customer counts are kept (a shared backend for
            several processes: SQLite, PostgreSQL or Redis).
        store: Where the orders are recorded (a shared backend when several processes
            pay, cancel or return the same orders); one in this process's memory by default.
        clock: Reads the time when a call gives no ``now`` (use the ledger's clock).
        observer: Receives every order event saved (see promocore's ``Runner``).
    """

    def __init__(
        self,
        ledger: Ledger,
        store: Store | None = None,
        *,
        clock: Clock = utc_now,
        observer: Observer | None = None,
    ) -> None:
        self.ledger = ledger
        self.orders = Runner(
            store if store is not None else MemoryStore(), ORDERS, clock=clock, observer=observer
        )

    def prepare(self, campaign: Campaign) -> None:
        """Define the sale's stock and per-customer accounts (the first checkout does too)."""
        define_accounts(self.ledger, campaign.id, _params(campaign))

    def remaining(self, campaign: Campaign, sku: str, *, now: datetime | None = None) -> int:
        """Units of ``sku`` neither held nor sold.

        Raises:
            UnknownSkuError: ``sku`` is not on sale.
        """
        params = _params(campaign)
        if params.item(sku) is None:
            raise UnknownSkuError(f"{sku!r} is not on this flash sale")
        self.prepare(campaign)
        return self.ledger.balance(stock_account(campaign.id, sku), now=now).available

    def hold(
        self,
        campaign: Campaign,
        order_id: str,
        customer: str,
        units: Mapping[str, int],
        *,
        now: datetime,
        paid: Mapping[str, Money] | None = None,
    ) -> Hold:
        """Hold ``units`` (per sku) for an order, all or nothing.

        Args:
            campaign: The flash-sale campaign.
            order_id: The order (and idempotency key): holding again returns the hold.
            customer: Who orders; their units count against the per-customer limit.
            units: Units per sku, for example from
                [`flash_units`][promocore_flashsale.service.flash_units].
            now: The moment; a session must be running.
            paid: What the units will be paid, per sku, when the checkout knows it (returns
                refund from it; [`pay`][promocore_flashsale.service.FlashSaleService.pay] may
                give it too).

        Raises:
            ValidationError: no units, or a bad count.
            UnknownSkuError: a sku is not on sale.
            NotInSessionError: no session is running (or the campaign's schedule is over).
            OneSkuPerOrderError: several skus where the sale allows one per order.
            SoldOutError: too few units are left of some skus; nothing was held.
            CustomerLimitError: above the customer's limit; nothing was held.
            IdempotencyConflictError: the order id was held for other units.
        """
        params = _params(campaign)
        wanted = _check_units(params, units)
        key = reservation_key(campaign.id, order_id)
        if self.ledger.reservation(key, now=now) is None:  # a retry skips to the ledger
            self._check_session(campaign, params, now)
            if params.one_sku_per_order and len(wanted) > 1:
                raise OneSkuPerOrderError("this flash sale allows one flash-sale sku per order")
            self.prepare(campaign)
        draws = [Draw.stock(stock_account(campaign.id, sku), n) for sku, n in wanted]
        if params.per_customer_limit is not None:
            total_units = sum(n for _, n in wanted)
            draws.append(Draw.use(customer_account(campaign.id), customer, total_units))
        try:
            reservation = self.ledger.reserve(key, draws, params.hold, now=now)
        except IdempotencyKeyReusedError:
            raise IdempotencyConflictError(
                f"order {order_id!r} was held for other units or another customer"
            ) from None
        except ReservationRefusedError as refused:
            raise _refusal(campaign.id, refused, wanted) from None
        held = _hold(order_id, customer, wanted, reservation)
        record = FlashOrder(
            id=order_id,
            activity=campaign.id,
            customer=customer,
            units=units_of(wanted),
            held_at=now,
            expires_at=reservation.expires_at,
            paid=amounts_of(paid or {}),
        )
        self.orders.create(
            order_id,
            record,
            (OrderHeld(order_id, customer, record.units, record.expires_at),),
            now=now,
        )
        return held

    def hold_quote(
        self, campaign: Campaign, order_id: str, cart: Cart, quote: Quote, *, now: datetime
    ) -> Hold:
        """Hold the units ``quote`` prices at the flash price (see `hold`), and what they pay.

        Raises:
            ValidationError: the cart has no customer, or the quote no flash-priced unit.
        """
        if cart.customer is None:
            raise ValidationError.single("cart.customer", "a flash-sale order needs a customer")
        return self.hold(
            campaign,
            order_id,
            cart.customer.id,
            flash_units(campaign, cart, quote),
            now=now,
            paid=flash_paid(campaign, cart, quote),
        )

    def pay(
        self,
        campaign: Campaign,
        order_id: str,
        *,
        now: datetime | None = None,
        paid: Mapping[str, Money] | None = None,
    ) -> None:
        """Sell the held units for good (the order was paid); a retry changes nothing.

        Args:
            campaign: The flash-sale campaign.
            order_id: The order.
            now: The moment (default: the ledger's clock).
            paid: What was paid for the units, per sku (after every discount, for example
                [`flash_paid`][promocore_flashsale.service.flash_paid]); returns refund from it.

        Raises:
            OrderClosedError: the hold was cancelled or timed out: the units went back.
        """
        try:
            self.ledger.commit(reservation_key(campaign.id, order_id), now=now)
        except ReservationClosedError as closed:
            raise OrderClosedError(f"order {order_id!r} can no longer be paid: {closed}") from None
        with contextlib.suppress(UnknownOrderError):  # held through another store
            self.orders.apply(order_id, Pay(amounts_of(paid or {})), now=now)

    def order(self, order_id: str) -> FlashOrder | None:
        """The order as recorded in this service's store, or ``None``."""
        return self.orders.find(order_id)

    def return_units(
        self,
        campaign: Campaign,
        order_id: str,
        refund_id: str,
        units: Mapping[str, int],
        *,
        now: datetime,
    ) -> OrderOutcome:
        """Take ``units`` (per sku) of a paid order back and put them back into stock.

        Each sku refunds the returned units' share of what was paid for it (the
        [`UnitsReturned`][promocore_flashsale.model.UnitsReturned] events carry the amounts),
        never their flash or list price; the last units refund everything left. The
        customer's per-customer count is kept. A retry with the same ``refund_id`` changes
        nothing more.

        Raises:
            UnknownOrderError: the order is not recorded in this service's store.
            NotPaidError: the order was not paid.
            ValidationError: units it did not buy or already returned, or its payment is not
                known (pay it with ``paid=``).
            IdempotencyConflictError: ``refund_id`` was used for another return.
        """
        outcome = self.orders.apply(order_id, Return(refund_id, units_of(units)), now=now)
        key = reservation_key(campaign.id, order_id)
        for sku, n in units_of(units):
            self.ledger.top_up(
                f"{key}:return:{refund_id}:{sku}", stock_account(campaign.id, sku), n
            )
        return outcome

    def cancel(self, campaign: Campaign, order_id: str, *, now: datetime | None = None) -> None:
        """Give the held units back (the order was cancelled); a retry changes nothing.

        Raises:
            OrderClosedError: the order was paid.
        """
        try:
            self.ledger.release(reservation_key(campaign.id, order_id), now=now)
        except ReservationClosedError as closed:
            raise OrderClosedError(f"order {order_id!r} was paid: {closed}") from None
        with contextlib.suppress(UnknownOrderError):
            self.orders.apply(order_id, Cancel(), now=now)

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back the units of up to ``limit`` orders whose hold timed out; return how many.

        The orders recorded in this service's store are marked expired too.
        """
        released = self.ledger.sweep(now=now, limit=limit)
        self.orders.sweep(now=now, limit=limit)
        return released

    def _check_session(self, campaign: Campaign, params: FlashSaleParams, now: datetime) -> None:
        schedule = campaign.schedule
        if schedule.not_started(now) or schedule.ended(now):
            raise NotInSessionError(f"flash sale {campaign.id} is not running at {now.isoformat()}")
        if params.session_at(now) is None:
            upcoming = params.next_session(now)
            raise NotInSessionError(
                f"between sessions; the next starts at {upcoming.starts_at.isoformat()}"
            )


def _check_units(params: FlashSaleParams, units: Mapping[str, int]) -> list[tuple[str, int]]:
    wanted = sorted((sku, n) for sku, n in units.items() if n)
    if not wanted:
        raise ValidationError.single("units", "hold at least one unit")
    for sku, n in wanted:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationError.single(f"units[{sku!r}]", "must be a whole number >= 0")
        if params.item(sku) is None:
            raise UnknownSkuError(f"{sku!r} is not on this flash sale")
    return wanted


def _refusal(
    activity: str, refused: ReservationRefusedError, wanted: list[tuple[str, int]]
) -> SoldOutError | CustomerLimitError:
    short = {s.account for s in refused.shortfalls}
    sold_out = [sku for sku, _ in wanted if stock_account(activity, sku) in short]
    if sold_out:
        left = ", ".join(
            f"{s.available} of {sku} left, {s.asked} asked"
            for sku in sold_out
            for s in refused.shortfalls
            if s.account == stock_account(activity, sku)
        )
        return SoldOutError(f"sold out: {left}", sold_out)
    [limit] = [s for s in refused.shortfalls if s.account == customer_account(activity)]
    return CustomerLimitError(
        f"{limit.subject} may buy {limit.available} more unit(s), asked {limit.asked}"
    )


def _hold(
    order_id: str, customer: str, wanted: list[tuple[str, int]], reservation: LedgerReservation
) -> Hold:
    return Hold(order_id, tuple(wanted), customer, reservation.expires_at, reservation.status)
