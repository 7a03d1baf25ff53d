"""What happened to a presale order, as transitions report it."""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.mechanics.presale.order import Party, Status
from promocore.money import Money


@attrs.frozen
class OrderCreated:
    """An order was created; ``deposit_due`` is to be paid in the deposit window."""

    order_id: str
    at: datetime
    quantity: int
    deposit_due: Money


@attrs.frozen
class DepositPaid:
    """The deposit was paid; ``legal_deposit`` of it is a 定金, ``prepayment`` is refundable."""

    order_id: str
    at: datetime
    payment_id: str
    amount: Money
    legal_deposit: Money
    prepayment: Money


@attrs.frozen
class FinalPaid:
    """The final payment was made."""

    order_id: str
    at: datetime
    payment_id: str
    amount: Money


@attrs.frozen
class Fulfilled:
    """The order shipped."""

    order_id: str
    at: datetime


@attrs.frozen
class DepositForfeited:
    """The merchant kept ``amount`` of the deposit."""

    order_id: str
    at: datetime
    amount: Money


@attrs.frozen
class Refunded:
    """``amount`` of what the customer paid goes back to them."""

    order_id: str
    at: datetime
    refund_id: str
    amount: Money
    reason: str = ""


@attrs.frozen
class Compensated:
    """The merchant pays the customer ``amount`` on top of refunds (定金罚则)."""

    order_id: str
    at: datetime
    amount: Money


@attrs.frozen
class Cancelled:
    """The order was cancelled by ``by``."""

    order_id: str
    at: datetime
    by: Party
    reason: str = ""


@attrs.frozen
class Lapsed:
    """A payment window passed unpaid; the order is now ``status``."""

    order_id: str
    at: datetime
    status: Status


#: Every event.
Event = (
    OrderCreated
    | DepositPaid
    | FinalPaid
    | Fulfilled
    | DepositForfeited
    | Refunded
    | Compensated
    | Cancelled
    | Lapsed
)
