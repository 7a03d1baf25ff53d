"""What a flash sale keeps and exchanges: orders, the commands they take, the events they cause.

The ledger holds a flash-sale order's units (the stock of each sku and the customer's count, in
one reservation); a [`FlashOrder`][promocore_flashsale.model.FlashOrder] records the order beside
it: its units, what was paid for them and what came back. It changes by
[`Pay`][promocore_flashsale.model.Pay], [`Cancel`][promocore_flashsale.model.Cancel],
[`Expire`][promocore_flashsale.model.Expire] and [`Return`][promocore_flashsale.model.Return].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from promocore import Money

#: Units per sku, sorted by sku.
Units = tuple[tuple[str, int], ...]
#: Money per sku, sorted by sku.
Amounts = tuple[tuple[str, Money], ...]


def units_of(items: Mapping[str, int] | Iterable[tuple[str, int]]) -> Units:
    """``items`` as sorted ``(sku, units)`` pairs, leaving out zeros."""
    pairs = items.items() if isinstance(items, Mapping) else items
    return tuple(sorted((sku, n) for sku, n in pairs if n))


def amounts_of(items: Mapping[str, Money] | Iterable[tuple[str, Money]]) -> Amounts:
    """``items`` as sorted ``(sku, amount)`` pairs."""
    pairs = items.items() if isinstance(items, Mapping) else items
    return tuple(sorted(pairs))


class OrderStatus(enum.Enum):
    """Where a flash-sale order is in its life.

    ``held`` (units reserved, unpaid) → ``paid`` (sold), or → ``cancelled`` / ``expired``
    (units given back); ``paid`` → ``returned`` once every unit came back.
    """

    HELD = "held"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RETURNED = "returned"


@attrs.frozen(kw_only=True)
class FlashOrder:
    """One flash-sale order.

    Attributes:
        id: The order id (also the key of its ledger reservation).
        activity: The flash-sale campaign.
        customer: Who ordered.
        units: Units per sku.
        held_at: When the units were held.
        expires_at: When the hold lapses unless the order is paid.
        status: Where it is in its life.
        paid: What was paid per sku, once known (a return refunds from it).
        paid_at: When it was paid.
        returned: Units returned per sku.
        refunded: What returns refunded per sku.
        refund_ids: The returns applied, so a retried return counts once.
        closed_at: When it was cancelled, expired or fully returned.
    """

    id: str
    activity: str
    customer: str
    units: Units
    held_at: datetime
    expires_at: datetime
    status: OrderStatus = OrderStatus.HELD
    paid: Amounts = ()
    paid_at: datetime | None = None
    returned: Units = ()
    refunded: Amounts = ()
    refund_ids: tuple[str, ...] = ()
    closed_at: datetime | None = None

    def units_of(self, sku: str) -> int:
        """Units of ``sku`` the order bought."""
        return dict(self.units).get(sku, 0)

    def returned_of(self, sku: str) -> int:
        """Units of ``sku`` returned so far."""
        return dict(self.returned).get(sku, 0)

    def paid_of(self, sku: str) -> Money | None:
        """What was paid for ``sku``, if known."""
        return dict(self.paid).get(sku)

    def refunded_of(self, sku: str, currency: str) -> Money:
        """What returns of ``sku`` refunded so far."""
        return dict(self.refunded).get(sku, Money.zero(currency))

    @property
    def units_kept(self) -> int:
        """Units bought and not returned, over every sku."""
        return sum(n for _, n in self.units) - sum(n for _, n in self.returned)


@attrs.frozen
class Pay:
    """The order was paid; ``paid`` is what was paid per sku, if the caller knows it."""

    paid: Amounts = ()


@attrs.frozen
class Cancel:
    """The order was cancelled before it was paid; its units went back."""


@attrs.frozen
class Expire:
    """The order's hold lapsed unpaid; its units went back."""


@attrs.frozen
class Return:
    """``units`` per sku came back under ``refund_id``: refund their share of what was paid."""

    refund_id: str
    units: Units


#: Any command a flash-sale order takes.
Command = Pay | Cancel | Expire | Return


@attrs.frozen
class OrderHeld:
    """An order's units were held until ``expires_at``."""

    order_id: str
    customer: str
    units: Units
    expires_at: datetime


@attrs.frozen
class OrderPaid:
    """The order was paid: its units are sold."""

    order_id: str
    at: datetime


@attrs.frozen
class OrderReleased:
    """The order was cancelled or its hold lapsed (``expired``): its units went back."""

    order_id: str
    expired: bool
    at: datetime


@attrs.frozen
class UnitsReturned:
    """``units`` of ``sku`` came back; ``amount`` of what was paid for them is refunded."""

    order_id: str
    refund_id: str
    sku: str
    units: int
    amount: Money
    at: datetime


#: Any event of a flash-sale order.
Event = OrderHeld | OrderPaid | OrderReleased | UnitsReturned
