"""Pure transitions of a presale order: ``(order, command, now) -> (order', events)``.

No I/O and no clock: ``now`` is an input. Illegal moves raise typed errors and change nothing.
Repeating a payment, a refund or a return with the same id and amount is a no-op (no events), so
callers may retry safely.

    created ──PayDeposit──▶ deposit_paid ──PayFinal──▶ final_paid ──Fulfill──▶ fulfilled
       │                        │                         │                      │
       │ Lapse (deposit window  │ Lapse (final window     │ Cancel / Refund      │ Refund
       ▼  passed)               ▼  passed)                ▼  / Return (all)      ▼  / Return (all)
    expired              forfeited | expired        cancelled | refunded      refunded

    Cancel(customer | merchant) from created, deposit_paid and final_paid → cancelled

A [`Return`][promocore.games.presale.model.Return] of some units refunds their share of what was
paid ([`unit_refund`][promocore.games.returns.unit_refund]); returning the last kept units
refunds everything left.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args

import attrs

from promocore.campaign import Campaign
from promocore.errors import ValidationError
from promocore.games.game import CommandId, Game, missing, send
from promocore.games.presale.errors import (
    AmountError,
    IdempotencyConflictError,
    IllegalTransitionError,
    OrderNotFoundError,
    OutsideWindowError,
    RefundExceedsPaidError,
)
from promocore.games.presale.model import (
    Cancel,
    Cancelled,
    Command,
    Compensated,
    DepositForfeited,
    DepositPaid,
    Event,
    FinalPaid,
    Fulfill,
    Fulfilled,
    Lapse,
    Lapsed,
    OrderCreated,
    Party,
    PayDeposit,
    PayFinal,
    Payment,
    PresaleOrder,
    Refund,
    Refunded,
    RefundRecord,
    Return,
    Returned,
    Status,
)
from promocore.games.presale.params import NAME, DepositPolicy, PresaleParams, Window
from promocore.games.presale.settlement import Settlement, settle
from promocore.games.returns import check_return, unit_refund
from promocore.money import Money
from promocore.validation import Checks

#: The result of a transition: the new order and what happened.
Transition = tuple[PresaleOrder, tuple[Event, ...]]

#: Prefix of the ids of refunds an order makes itself.
SYSTEM_REFUND_PREFIX = "#"


def _check_now(now: object) -> datetime:
    checks = Checks()
    if not isinstance(now, datetime):
        checks.add("now", "must be a datetime")
    elif now.utcoffset() is None:
        checks.add("now", "must carry a UTC offset")
    checks.raise_if_any()
    assert isinstance(now, datetime)
    return now


def open_order(
    order_id: str, campaign: Campaign, customer_id: str, quantity: int, now: datetime
) -> Transition:
    """Create a presale order in the deposit window.

    Args:
        order_id: The new order's id.
        campaign: The presale campaign; its params become the order's terms.
        customer_id: Who orders.
        quantity: Units ordered; at most the per-customer limit and the stock.
        now: The moment of creation.

    Raises:
        ValidationError: a bad id, quantity or campaign.
        OutsideWindowError: ``now`` is outside the deposit window.
    """
    _check_now(now)
    checks = Checks()
    params = campaign.params
    if campaign.mechanic != NAME or not isinstance(params, PresaleParams):
        raise ValidationError.single("campaign", "must be a presale campaign")
    if isinstance(quantity, int) and not isinstance(quantity, bool):
        limit = params.per_customer_limit
        checks.check(
            limit is None or quantity <= limit, "quantity", f"at most {limit} per customer"
        )
        checks.check(quantity <= params.stock, "quantity", f"only {params.stock} on sale")
    zero = Money.zero(params.currency)
    order: PresaleOrder | None = None
    try:
        order = PresaleOrder(order_id, campaign.id, customer_id, quantity, params, now, zero, zero)
    except ValidationError as exc:
        checks.absorb(exc)
    checks.raise_if_any()
    assert order is not None
    _require_window(order, params.deposit_window, now, "create a presale order", "deposit")
    return order, (OrderCreated(order.id, now, order.quantity, order.deposit_due),)


def transition(order: PresaleOrder, command: Command, now: datetime) -> Transition:
    """Apply ``command`` to ``order`` at ``now``.

    Returns:
        The new order and the events, in the order they happened; the same order
        and no events when the command repeats one already applied.

    Raises:
        IllegalTransitionError: the order's status does not allow the command.
        OutsideWindowError: a payment outside its window, or a lapse before it is due.
        AmountError: a wrong deposit, a final payment out of range, a refund of
            more than is left
            ([`RefundExceedsPaidError`][promocore.games.presale.errors.RefundExceedsPaidError]).
        IdempotencyConflictError: a payment or refund id repeated with another amount.
        ValidationError: ``now`` is not a timezone-aware datetime, or a return of more units
            than are kept.
    """
    _check_now(now)
    match command:
        case PayDeposit():
            return _pay_deposit(order, command, now)
        case PayFinal():
            return _pay_final(order, command, now)
        case Fulfill():
            return _fulfill(order, now)
        case Cancel():
            return _cancel(order, command, now)
        case Refund():
            return _refund(order, command, now)
        case Return():
            return _return(order, command, now)
        case Lapse():
            return _lapse(order, now)
    raise TypeError(f"not a presale command: {command!r}")


def _illegal(order: PresaleOrder, action: str, detail: str = "") -> IllegalTransitionError:
    return IllegalTransitionError(order.id, order.status.value, action, detail)


def _require_window(
    order: PresaleOrder, window: Window, now: datetime, action: str, name: str
) -> None:
    if not window.contains(now):
        raise OutsideWindowError(
            order.id,
            order.status.value,
            action,
            now,
            f"the {name} window is {window.describe()}, it is {now.isoformat()}",
        )


def _check_money(order: PresaleOrder, amount: object, what: str) -> Money:
    if not isinstance(amount, Money):
        raise AmountError(f"{what}: must be Money, got {type(amount).__name__}")
    if amount.currency != order.currency:
        raise AmountError(f"{what}: is in {amount.currency}, the order is in {order.currency}")
    return amount


def _replayed(order: PresaleOrder, payment: Payment | None, pid: str, amount: Money) -> bool:
    if payment is None or payment.id != pid:
        return False
    if payment.amount != amount:
        raise IdempotencyConflictError(
            f"order {order.id!r}: payment {pid!r} was recorded with {payment.amount}, not {amount}"
        )
    return True


def _pay_deposit(order: PresaleOrder, command: PayDeposit, now: datetime) -> Transition:
    amount = _check_money(order, command.amount, "amount")
    if _replayed(order, order.deposit, command.payment_id, amount):
        return order, ()
    if order.status is not Status.CREATED:
        raise _illegal(order, "pay the deposit")
    _require_window(order, order.terms.deposit_window, now, "pay the deposit", "deposit")
    if amount != order.deposit_due:
        raise AmountError(
            f"order {order.id!r}: the deposit due is {order.deposit_due.display()}, "
            f"got {amount.display()}"
        )
    split = order.deposit_split
    paid = attrs.evolve(
        order, status=Status.DEPOSIT_PAID, deposit=Payment(command.payment_id, amount, now)
    )
    event = DepositPaid(order.id, now, command.payment_id, amount, split.legal, split.prepayment)
    return paid, (event,)


def _pay_final(order: PresaleOrder, command: PayFinal, now: datetime) -> Transition:
    amount = _check_money(order, command.amount, "amount")
    if _replayed(order, order.final, command.payment_id, amount):
        return order, ()
    if order.status is not Status.DEPOSIT_PAID:
        raise _illegal(order, "make the final payment")
    _require_window(order, order.terms.final_window, now, "make the final payment", "final-payment")
    if amount.amount < 0 or amount > order.final_due:
        raise AmountError(
            f"order {order.id!r}: a final payment is between "
            f"{Money.zero(order.currency).display()} and {order.final_due.display()}, "
            f"got {amount.display()}"
        )
    paid = attrs.evolve(
        order, status=Status.FINAL_PAID, final=Payment(command.payment_id, amount, now)
    )
    return paid, (FinalPaid(order.id, now, command.payment_id, amount),)


def _fulfill(order: PresaleOrder, now: datetime) -> Transition:
    if order.status is not Status.FINAL_PAID:
        raise _illegal(order, "fulfil the order", "only an order paid in full ships")
    return attrs.evolve(order, status=Status.FULFILLED, fulfilled_at=now), (
        Fulfilled(order.id, now),
    )


def _check_refund_id(refund_id: object) -> str:
    if not isinstance(refund_id, str) or not refund_id.strip():
        raise ValidationError.single("refund_id", "must not be empty")
    if refund_id.startswith(SYSTEM_REFUND_PREFIX):
        raise ValidationError.single(
            "refund_id", f"ids starting with {SYSTEM_REFUND_PREFIX!r} are reserved"
        )
    return refund_id


def _refund(order: PresaleOrder, command: Refund, now: datetime) -> Transition:
    amount = _check_money(order, command.amount, "amount")
    refund_id = _check_refund_id(command.refund_id)
    known = order.refund_record(refund_id)
    if known is not None:
        if known.amount != amount:
            raise IdempotencyConflictError(
                f"order {order.id!r}: refund {refund_id!r} was recorded with {known.amount}, "
                f"not {amount}"
            )
        return order, ()
    if order.status not in (Status.FINAL_PAID, Status.FULFILLED):
        raise _illegal(order, "refund", "refunds follow the final payment; cancel instead")
    if amount.amount <= 0:
        raise AmountError(f"order {order.id!r}: a refund must be > 0, got {amount.display()}")
    if amount > order.refundable:
        raise RefundExceedsPaidError(
            f"order {order.id!r}: {order.refundable.display()} of the {order.paid.display()} paid "
            f"is left to refund, asked {amount.display()} (the deposit's inflation of "
            f"{order.inflation.display()} was never paid and is not refundable)"
        )
    record = RefundRecord(refund_id, amount, now, command.reason)
    refunded = attrs.evolve(order, refunds=(*order.refunds, record))
    if refunded.refundable.amount == 0:
        refunded = attrs.evolve(refunded, status=Status.REFUNDED, closed_at=now)
    return refunded, (Refunded(order.id, now, refund_id, amount, command.reason),)


def _return(order: PresaleOrder, command: Return, now: datetime) -> Transition:
    refund_id = _check_refund_id(command.refund_id)
    known = order.refund_record(refund_id)
    if known is not None:
        if known.units != command.units:
            raise IdempotencyConflictError(
                f"order {order.id!r}: refund {refund_id!r} was recorded for {known.units} "
                f"unit(s), not {command.units}"
            )
        return order, ()
    if order.status not in (Status.FINAL_PAID, Status.FULFILLED):
        raise _illegal(order, "return units", "returns follow the final payment; cancel instead")
    units = check_return(command.units, quantity=order.quantity, returned=order.units_returned)
    amount = unit_refund(
        order.paid - order.forfeited,
        order.quantity,
        units,
        returned=order.units_returned,
        refunded=order.refunded,
    )
    record = RefundRecord(refund_id, amount, now, command.reason, units)
    returned = attrs.evolve(order, refunds=(*order.refunds, record))
    if returned.units_kept == 0 or returned.refundable.amount == 0:
        returned = attrs.evolve(returned, status=Status.REFUNDED, closed_at=now)
    event = Returned(order.id, now, refund_id, units, amount, command.reason)
    return returned, (event,)


def _settle(
    order: PresaleOrder, settlement: Settlement, now: datetime, refund_id: str, reason: str
) -> tuple[PresaleOrder, tuple[Event, ...]]:
    events: list[Event] = []
    refunds = order.refunds
    if settlement.refund.amount:
        refunds = (*refunds, RefundRecord(refund_id, settlement.refund, now, reason))
        events.append(Refunded(order.id, now, refund_id, settlement.refund, reason))
    if settlement.forfeited.amount:
        events.append(DepositForfeited(order.id, now, settlement.forfeited))
    if settlement.compensation.amount:
        events.append(Compensated(order.id, now, settlement.compensation))
    settled = attrs.evolve(
        order,
        refunds=refunds,
        forfeited=order.forfeited + settlement.forfeited,
        compensation=order.compensation + settlement.compensation,
        closed_at=now,
    )
    return settled, tuple(events)


def _cancel(order: PresaleOrder, command: Cancel, now: datetime) -> Transition:
    if not isinstance(command.by, Party):
        raise ValidationError.single("by", "must be a Party")
    if order.status not in (Status.CREATED, Status.DEPOSIT_PAID, Status.FINAL_PAID):
        detail = "refund a shipped order instead" if order.status is Status.FULFILLED else ""
        raise _illegal(order, f"cancel ({command.by.value})", detail)
    reason = command.reason or f"cancelled by the {command.by.value}"
    settled, events = _settle(
        order, settle(order, command.by), now, f"{SYSTEM_REFUND_PREFIX}cancel", reason
    )
    cancelled = attrs.evolve(settled, status=Status.CANCELLED, cancelled_by=command.by)
    return cancelled, (Cancelled(order.id, now, command.by, command.reason), *events)


def _lapse(order: PresaleOrder, now: datetime) -> Transition:
    due = order.due_at
    if due is None:
        raise _illegal(order, "lapse", "only unpaid orders lapse")
    if now < due:
        raise OutsideWindowError(
            order.id,
            order.status.value,
            "lapse",
            now,
            f"it is not due until {due.isoformat()}",
        )
    if order.status is Status.CREATED:
        expired = attrs.evolve(order, status=Status.EXPIRED, closed_at=now)
        return expired, (Lapsed(order.id, now, Status.EXPIRED),)
    status = (
        Status.FORFEITED if order.terms.deposit_policy is DepositPolicy.FORFEIT else Status.EXPIRED
    )
    settled, events = _settle(
        order,
        settle(order, Party.CUSTOMER),
        now,
        f"{SYSTEM_REFUND_PREFIX}lapse",
        "the final payment was missed",
    )
    return attrs.evolve(settled, status=status), (Lapsed(order.id, now, status), *events)


def _identify(command: Command) -> CommandId | None:
    match command:
        case PayDeposit():
            return CommandId(f"deposit:{command.payment_id}", command.amount)
        case PayFinal():
            return CommandId(f"final:{command.payment_id}", command.amount)
        case Refund():
            return CommandId(f"refund:{command.refund_id}", {"amount": command.amount})
        case Return():
            return CommandId(f"refund:{command.refund_id}", {"units": command.units})
    return None


def _conflict(order_id: str, key: str) -> Exception:
    kind, _, id = key.partition(":")
    return IdempotencyConflictError(
        f"order {order_id!r}: {kind} {id!r} was already recorded for another request"
    )


def order_due(order: PresaleOrder) -> datetime | None:
    """When a sweep should lapse ``order``: the end of the window it waits on."""
    return order.due_at


ORDERS: Game[PresaleOrder, Command, Event] = Game(
    kind="presale.order",
    state=PresaleOrder,
    transition=transition,
    events=get_args(Event),
    due=order_due,
    on_due=send(Lapse()),
    identify=_identify,
    not_found=missing(OrderNotFoundError, "presale order"),
    conflict=_conflict,
)
"""Presale orders as the runner runs them (a sweep lapses the unpaid ones)."""
