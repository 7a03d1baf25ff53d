"""What a presale keeps and exchanges: a customer's order, its commands and events.

A [`PresaleOrder`][promocore.games.presale.model.PresaleOrder] is an immutable record changed only
by [`transition`][promocore.games.presale.rules.transition]:
[`PayDeposit`][promocore.games.presale.model.PayDeposit],
[`PayFinal`][promocore.games.presale.model.PayFinal],
[`Fulfill`][promocore.games.presale.model.Fulfill],
[`Cancel`][promocore.games.presale.model.Cancel], [`Refund`][promocore.games.presale.model.Refund]
(an amount), [`Return`][promocore.games.presale.model.Return] (some units) and
[`Lapse`][promocore.games.presale.model.Lapse].
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from promocore.cart import check_aware
from promocore.games.presale.legal import DepositSplit, split_deposit
from promocore.games.presale.params import PresaleParams
from promocore.money import Money, total
from promocore.validation import Checks


class Status(enum.Enum):
    """Where a presale order is in its life."""

    #: Created; the deposit is not paid yet.
    CREATED = "created"
    #: The deposit is paid; the final payment is awaited.
    DEPOSIT_PAID = "deposit_paid"
    #: Paid in full; waiting to ship.
    FINAL_PAID = "final_paid"
    #: Shipped. Only refunds are possible now.
    FULFILLED = "fulfilled"
    #: The final window passed unpaid and the merchant kept the deposit.
    FORFEITED = "forfeited"
    #: A window passed unpaid with nothing kept (no deposit, or a refundable one).
    EXPIRED = "expired"
    #: Cancelled by the customer or the merchant.
    CANCELLED = "cancelled"
    #: Everything paid was refunded after the final payment.
    REFUNDED = "refunded"

    @property
    def is_closed(self) -> bool:
        """True for the statuses no command leaves."""
        return self in _CLOSED


_CLOSED = frozenset({Status.FORFEITED, Status.EXPIRED, Status.CANCELLED, Status.REFUNDED})


class Party(enum.Enum):
    """Who cancels an order."""

    CUSTOMER = "customer"
    MERCHANT = "merchant"


@attrs.frozen
class Payment:
    """Money the customer paid: ``amount`` under the payment id ``id`` at ``at``."""

    id: str
    amount: Money
    at: datetime


@attrs.frozen
class RefundRecord:
    """Money given back to the customer out of what they paid.

    Refunds the order makes itself (on cancellation or a missed window) have ids
    starting with ``#``. A refund that came with a return of units says how many.
    """

    id: str
    amount: Money
    at: datetime
    reason: str = ""
    units: int = 0


@attrs.frozen
class PresaleOrder:
    """One customer's presale order.

    Attributes:
        id: The order id.
        campaign_id: The presale campaign.
        customer_id: Who ordered.
        quantity: Units ordered.
        terms: The campaign's terms when the order was created; later changes to
            the campaign do not touch the order.
        created_at: When it was created.
        forfeited: Deposit the merchant kept.
        compensation: What the merchant paid on top of refunds when it cancelled.
        status: Where it is in its life.
        deposit: The deposit payment, once paid.
        final: The final payment, once paid.
        refunds: Every refund, in order.
        cancelled_by: Who cancelled it, if cancelled.
        fulfilled_at: When it shipped.
        closed_at: When it reached a closed status.
    """

    id: str
    campaign_id: str
    customer_id: str
    quantity: int
    terms: PresaleParams
    created_at: datetime
    forfeited: Money
    compensation: Money
    status: Status = Status.CREATED
    deposit: Payment | None = None
    final: Payment | None = None
    refunds: tuple[RefundRecord, ...] = ()
    cancelled_by: Party | None = None
    fulfilled_at: datetime | None = None
    closed_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("id", "campaign_id", "customer_id"):
            value = getattr(self, name)
            checks.check(isinstance(value, str) and bool(value.strip()), name, "must not be empty")
        quantity = self.quantity
        checks.check(
            isinstance(quantity, int) and not isinstance(quantity, bool) and quantity >= 1,
            "quantity",
            "must be a whole number >= 1",
        )
        checks.check(isinstance(self.terms, PresaleParams), "terms", "must be PresaleParams")
        check_aware(checks, "created_at", self.created_at)
        checks.raise_if_any()

    @property
    def sku(self) -> str:
        """The presale sku."""
        return self.terms.sku

    @property
    def currency(self) -> str:
        """The currency of every amount."""
        return self.terms.currency

    @property
    def contract_amount(self) -> Money:
        """Presale price times quantity: the amount of the contract."""
        return self.terms.presale_price * self.quantity

    @property
    def deposit_due(self) -> Money:
        """The deposit: deposit per unit times quantity."""
        return self.terms.deposit * self.quantity

    @property
    def deposit_split(self) -> DepositSplit:
        """The deposit split at the legal cap into 定金 and refundable prepayment."""
        return split_deposit(self.terms.deposit, self.terms.presale_price, self.quantity)

    @property
    def deduction(self) -> Money:
        """What the deposit counts for at final payment."""
        return self.terms.deduction * self.quantity

    @property
    def inflation(self) -> Money:
        """What the deposit gains at final payment: deduction minus deposit; never refunded."""
        return self.deduction - self.deposit_due

    @property
    def final_due(self) -> Money:
        """The final payment before stacked discounts: contract amount minus deduction."""
        return self.contract_amount - self.deduction

    @property
    def paid(self) -> Money:
        """Everything the customer paid: deposit plus final payment."""
        payments = (p.amount for p in (self.deposit, self.final) if p is not None)
        return total(payments, self.currency)

    @property
    def refunded(self) -> Money:
        """Everything refunded out of what was paid."""
        return total((r.amount for r in self.refunds), self.currency)

    @property
    def returned(self) -> Money:
        """Everything the customer got back: refunds plus compensation."""
        return self.refunded + self.compensation

    @property
    def units_returned(self) -> int:
        """Units returned so far."""
        return sum(r.units for r in self.refunds)

    @property
    def units_kept(self) -> int:
        """Units the customer still has: ordered minus returned."""
        return self.quantity - self.units_returned

    @property
    def refundable(self) -> Money:
        """What may still be refunded: paid, minus refunded, minus forfeited."""
        return self.paid - self.refunded - self.forfeited

    @property
    def due_at(self) -> datetime | None:
        """When the order lapses unless paid: the end of the window it waits on."""
        if self.status is Status.CREATED:
            return self.terms.deposit_window.ends_at
        if self.status is Status.DEPOSIT_PAID:
            return self.terms.final_window.ends_at
        return None

    def refund_record(self, refund_id: str) -> RefundRecord | None:
        """Return the refund with id ``refund_id``, or ``None``."""
        for record in self.refunds:
            if record.id == refund_id:
                return record
        return None


@attrs.frozen
class PayDeposit:
    """Record the deposit payment ``payment_id`` of ``amount`` (must equal the deposit due)."""

    payment_id: str
    amount: Money


@attrs.frozen
class PayFinal:
    """Record the final payment ``payment_id`` of ``amount`` (the quoted final amount)."""

    payment_id: str
    amount: Money


@attrs.frozen
class Fulfill:
    """Record that the order shipped."""


@attrs.frozen
class Cancel:
    """Cancel the order on behalf of ``by``; the money is settled by who cancels and when."""

    by: Party
    reason: str = ""


@attrs.frozen
class Refund:
    """Refund ``amount`` after the final payment (partial refunds allowed) under ``refund_id``."""

    refund_id: str
    amount: Money
    reason: str = ""


@attrs.frozen
class Return:
    """``units`` of the order came back under ``refund_id``: refund their share of what was paid.

    The refund is computed, never asked: see
    [`unit_refund`][promocore.games.returns.unit_refund].
    """

    refund_id: str
    units: int
    reason: str = ""


@attrs.frozen
class Lapse:
    """Close an order whose payment window passed unpaid (what a sweep sends)."""


#: Every command.
Command = PayDeposit | PayFinal | Fulfill | Cancel | Refund | Return | Lapse


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
class Returned:
    """``units`` came back under ``refund_id``; ``amount`` of what was paid goes back for them."""

    order_id: str
    at: datetime
    refund_id: str
    units: int
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
    | Returned
    | Compensated
    | Cancelled
    | Lapsed
)
