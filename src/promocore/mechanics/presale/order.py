"""A customer's presale order: an immutable record changed only by transitions."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from promocore.cart import check_aware
from promocore.mechanics.presale.legal import DepositSplit, split_deposit
from promocore.mechanics.presale.params import PresaleParams
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
    starting with ``#``.
    """

    id: str
    amount: Money
    at: datetime
    reason: str = ""


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
