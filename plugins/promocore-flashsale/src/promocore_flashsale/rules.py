"""The rules of a flash-sale order: a pure ``transition(order, command, now)``.

Paying, cancelling and expiring follow the ledger's hold: the service moves the ledger first and
records the outcome here. A [`Return`][promocore_flashsale.model.Return] of some units of a paid
order refunds, per sku, their share of what was paid for that sku
([`unit_refund`][promocore.games.returns.unit_refund]); the service puts them back into stock.
[`ORDERS`][promocore_flashsale.rules.ORDERS] is the game the runner runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args

import attrs

from promocore import ValidationError
from promocore.games.game import CommandId, Game, missing, send
from promocore.games.returns import check_return, unit_refund
from promocore_flashsale.errors import (
    IdempotencyConflictError,
    NotPaidError,
    OrderClosedError,
    UnknownOrderError,
)
from promocore_flashsale.model import (
    Cancel,
    Command,
    Event,
    Expire,
    FlashOrder,
    OrderPaid,
    OrderReleased,
    OrderStatus,
    Pay,
    Return,
    UnitsReturned,
    amounts_of,
    units_of,
)

Transition = tuple[FlashOrder, tuple[Event, ...]]


def transition(order: FlashOrder, command: Command, now: datetime) -> Transition:
    """Apply ``command`` to ``order`` at ``now``.

    Raises:
        OrderClosedError: paying a released order, cancelling or expiring a paid one.
        NotPaidError: returning units of an order that was not paid.
        ValidationError: a return of units the order did not buy or already returned, or
            of an order whose payment is not known.
    """
    match command:
        case Pay():
            return _pay(order, command, now)
        case Cancel():
            return _release(order, now, expired=False)
        case Expire():
            return _release(order, now, expired=True)
        case Return():
            return _return(order, command, now)
    raise TypeError(f"not a flash-sale command: {command!r}")


def _pay(order: FlashOrder, command: Pay, now: datetime) -> Transition:
    if order.status in (OrderStatus.PAID, OrderStatus.RETURNED):  # a retry
        if command.paid and not order.paid:  # the payment became known on a retry
            return attrs.evolve(order, paid=amounts_of(command.paid)), ()
        return order, ()
    if order.status is not OrderStatus.HELD:
        raise OrderClosedError(f"order {order.id!r} is {order.status.value}: it cannot be paid")
    for sku, _ in command.paid:
        if order.units_of(sku) == 0:
            raise ValidationError.single(f"paid[{sku!r}]", f"order {order.id!r} did not buy it")
    known = amounts_of(command.paid) or order.paid  # a quote's is known from the checkout
    paid = attrs.evolve(order, status=OrderStatus.PAID, paid=known, paid_at=now)
    return paid, (OrderPaid(order.id, now),)


def _release(order: FlashOrder, now: datetime, *, expired: bool) -> Transition:
    status = OrderStatus.EXPIRED if expired else OrderStatus.CANCELLED
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        return order, ()
    if order.status is not OrderStatus.HELD:
        raise OrderClosedError(f"order {order.id!r} was paid: its units are sold")
    if expired and now < order.expires_at:
        raise OrderClosedError(
            f"order {order.id!r} is held until {order.expires_at.isoformat()}; it has not lapsed"
        )
    released = attrs.evolve(order, status=status, closed_at=now)
    return released, (OrderReleased(order.id, expired, now),)


def _return(order: FlashOrder, command: Return, now: datetime) -> Transition:
    if command.refund_id in order.refund_ids:
        return order, ()
    if order.status is not OrderStatus.PAID:
        raise NotPaidError(f"order {order.id!r} is {order.status.value}: only a paid one returns")
    if not command.units:
        raise ValidationError.single("units", "return at least one unit")
    returned = dict(order.returned)
    refunded = dict(order.refunded)
    events: list[Event] = []
    for sku, units in command.units:
        bought = order.units_of(sku)
        if bought == 0:
            raise ValidationError.single(f"units[{sku!r}]", f"order {order.id!r} did not buy it")
        paid = order.paid_of(sku)
        if paid is None:
            raise ValidationError.single(
                "paid", f"what order {order.id!r} paid for {sku} is not known (pay it with paid=)"
            )
        before = returned.get(sku, 0)
        check_return(units, quantity=bought, returned=before, path=f"units[{sku!r}]")
        amount = unit_refund(
            paid, bought, units, returned=before, refunded=order.refunded_of(sku, paid.currency)
        )
        returned[sku] = before + units
        refunded[sku] = order.refunded_of(sku, paid.currency) + amount
        events.append(UnitsReturned(order.id, command.refund_id, sku, units, amount, now))
    after = attrs.evolve(
        order,
        returned=units_of(returned),
        refunded=amounts_of(refunded),
        refund_ids=(*order.refund_ids, command.refund_id),
    )
    if after.units_kept == 0:
        after = attrs.evolve(after, status=OrderStatus.RETURNED, closed_at=now)
    return after, tuple(events)


def order_due(order: FlashOrder) -> datetime | None:
    """When a sweep should expire ``order``: when its hold lapses, while it is held."""
    return order.expires_at if order.status is OrderStatus.HELD else None


def _identify(command: Command) -> CommandId | None:
    if isinstance(command, Return):
        return CommandId(f"return:{command.refund_id}", command.units)
    return None


def _conflict(order_id: str, key: str) -> Exception:
    return IdempotencyConflictError(
        f"order {order_id!r}: {key.partition(':')[2]!r} was used for another return"
    )


ORDERS: Game[FlashOrder, Command, Event] = Game(
    kind="flash_sale.order",
    state=FlashOrder,
    transition=transition,
    events=get_args(Event),
    due=order_due,
    on_due=send(Expire()),
    identify=_identify,
    not_found=missing(UnknownOrderError, "flash-sale order"),
    conflict=_conflict,
)
"""Flash-sale orders by order id (a sweep expires those whose hold lapsed unpaid)."""
