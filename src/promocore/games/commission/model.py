"""What a distribution program keeps and exchanges: bindings, order commissions, promoter accounts.

Three states, each with its commands and events:

* a customer's [`BindingState`][promocore.games.commission.model.BindingState]: whom they are
  bound to ([`Binding`][promocore.games.commission.model.Binding]), changed by a followed
  [`Link`][promocore.games.commission.model.Link];
* an order's [`OrderCommissions`][promocore.games.commission.model.OrderCommissions]: every
  [`CommissionRecord`][promocore.games.commission.model.CommissionRecord] of one order, so a refund
  changes all of them in one step ([`OpenOrder`][promocore.games.commission.model.OpenOrder],
  [`Settle`][promocore.games.commission.model.Settle],
  [`Refund`][promocore.games.commission.model.Refund],
  [`Delivered`][promocore.games.commission.model.Delivered]);
* a promoter's [`PromoterAccount`][promocore.games.commission.model.PromoterAccount]: frozen,
  available and withdrawn money, debt, sales and team
  ([`ApplyPosting`][promocore.games.commission.model.ApplyPosting],
  [`Withdraw`][promocore.games.commission.model.Withdraw]).

Each change to a promoter's money is a [`Posting`][promocore.games.commission.model.Posting],
written into the outbox of the binding or order that caused it and applied to the account once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from promocore._typed import typed_fields
from promocore.games.commission.compute import Ineligible
from promocore.games.commission.order import PaidOrder
from promocore.games.commission.params import (
    BindingPolicy,
    CommissionParams,
    Rate,
    WithdrawalRules,
)
from promocore.money import Money, total
from promocore.validation import Checks


class PostingKind(enum.Enum):
    """What a posting does to an account."""

    #: A new commission waits out the return window: ``frozen += amount``.
    FREEZE = "freeze"
    #: A frozen commission shrank or was cancelled by a refund: ``frozen -= amount``.
    RELEASE = "release"
    #: A frozen commission settled: ``frozen -= amount``; debt is repaid first, the rest
    #: becomes available. ``sales`` adds to the promoter's settled sales.
    SETTLE = "settle"
    #: A settled commission shrank by a refund: taken from the available balance, the
    #: shortfall recorded as debt. ``sales`` is taken off the settled sales.
    CLAWBACK = "clawback"
    #: A customer bound to the promoter.
    TEAM_JOIN = "team_join"
    #: A customer bound to the promoter rebound to someone else.
    TEAM_LEAVE = "team_leave"


_MONEY_KINDS = frozenset(
    {PostingKind.FREEZE, PostingKind.RELEASE, PostingKind.SETTLE, PostingKind.CLAWBACK}
)


@attrs.frozen
class Posting:
    """One change to one promoter's account.

    Attributes:
        id: Unique id; an account applies each id once.
        promoter: Whose account it changes.
        kind: What it does.
        amount: The commission amount (money kinds only), > 0.
        sales: For ``SETTLE`` and ``CLAWBACK`` of level-1 commissions, the change to
            the promoter's settled sales; ``None`` otherwise.
    """

    id: str
    promoter: str
    kind: PostingKind
    amount: Money | None = None
    sales: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id), "id", "must not be empty")
        checks.check(bool(self.promoter), "promoter", "must not be empty")
        if self.kind in _MONEY_KINDS:
            checks.check(
                self.amount is not None and self.amount.amount > 0, "amount", "must be > 0"
            )
        else:
            checks.check(self.amount is None, "amount", "team postings carry no amount")
        if self.sales is not None:
            checks.check(
                self.kind in (PostingKind.SETTLE, PostingKind.CLAWBACK),
                "sales",
                "only settle and clawback postings change sales",
            )
            checks.check(self.sales.amount >= 0, "sales", "must be >= 0")
        checks.raise_if_any()


@attrs.frozen
class Binding:
    """A customer's link to their referrer.

    Attributes:
        referrer: The promoter the customer is bound to.
        bound_at: When the binding was made (or last renewed).
        expires_at: When it lapses, or ``None``.
    """

    referrer: str
    bound_at: datetime
    expires_at: datetime | None = None

    def active(self, at: datetime) -> bool:
        """Whether the binding holds at ``at``."""
        return self.expires_at is None or at < self.expires_at


@attrs.frozen
class BindingState:
    """Everything stored about one customer's binding.

    Attributes:
        customer: The customer.
        binding: The latest binding (possibly lapsed), or ``None`` if never bound.
        links: How many bindings were made so far; numbers the team postings.
        outbox: Team-size postings not yet applied to the referrers' accounts.
    """

    customer: str
    binding: Binding | None = None
    links: int = 0
    outbox: tuple[Posting, ...] = ()

    def referrer_at(self, at: datetime) -> str | None:
        """The referrer the customer is bound to at ``at``, or ``None``."""
        if self.binding is not None and self.binding.active(at):
            return self.binding.referrer
        return None


@attrs.frozen
@typed_fields
class Link:
    """Command: ``customer`` followed ``referrer``'s link.

    Attributes:
        customer: Who followed the link.
        referrer: The promoter whose link it was.
        policy: The binding policy in force.
        referrer_upline: The referrer's chain at the time, nearest first, as
            [`walk_upline`][promocore.games.commission.rules.walk_upline] returns it; used to refuse
            cycles.
        registering: True if the customer is registering right now.
    """

    customer: str
    referrer: str
    policy: BindingPolicy = BindingPolicy()  # noqa: RUF009 - frozen, shared safely
    referrer_upline: tuple[str, ...] = ()
    registering: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.customer.strip()), "customer", "must not be empty")
        checks.check(bool(self.referrer.strip()), "referrer", "must not be empty")
        checks.raise_if_any()


class IgnoreReason(enum.StrEnum):
    """Why a link changed nothing."""

    ALREADY_BOUND = "already_bound"
    NOT_REGISTERING = "not_registering"


@attrs.frozen
class Bound:
    """Event: the customer is now bound to ``referrer``.

    ``replaced`` is the previous referrer (whose binding may have lapsed), if any.
    """

    customer: str
    referrer: str
    expires_at: datetime | None
    replaced: str | None = None


@attrs.frozen
class Renewed:
    """Event: the customer followed their own referrer's link again; the binding restarts."""

    customer: str
    referrer: str
    expires_at: datetime | None


@attrs.frozen
class LinkIgnored:
    """Event: the link changed nothing, for ``reason``."""

    customer: str
    referrer: str
    reason: IgnoreReason
    message: str


BindingEvent = Bound | Renewed | LinkIgnored


class RecordStatus(enum.Enum):
    """Where a commission record is in its life."""

    #: Waiting out the return window.
    FROZEN = "frozen"
    #: Credited to the promoter's account.
    SETTLED = "settled"
    #: Refunded to nothing.
    CANCELLED = "cancelled"


@attrs.frozen
class CommissionRecord:
    """One promoter's commission on one order line at one level.

    Records are unique per (order line, beneficiary, level).

    Attributes:
        line_id: The order line.
        beneficiary: The promoter paid.
        level: 1 for the direct referrer (or the buyer, on a self-purchase), up to 3.
        sku: The line's sku.
        rank: The promoter's rank when the order was paid.
        rate: The rate applied.
        base: The line's commission base when the order was paid.
        original: The commission when the order was paid.
        amount: The commission now, after refunds.
        status: Frozen, settled or cancelled.
        settled_sales: For a settled level-1 record, the sales it added to the
            promoter's settled sales (reduced by later refunds).
    """

    line_id: str
    beneficiary: str
    level: int
    sku: str
    rank: str | None
    rate: Rate
    base: Money
    original: Money
    amount: Money
    status: RecordStatus = RecordStatus.FROZEN
    settled_sales: Money | None = None

    @property
    def key(self) -> str:
        """The record's key within its order: ``line/level/beneficiary``."""
        return f"{self.line_id}/{self.level}/{self.beneficiary}"


@attrs.frozen
class RefundLine:
    """An amount given back for one order line, with the units that came back for it (if any)."""

    line_id: str
    amount: Money
    units: int = 0


def _refund_lines(items: Iterable[RefundLine]) -> tuple[RefundLine, ...]:
    return tuple(items)


@attrs.frozen
@typed_fields
class OpenOrder:
    """Command: compute and record the commissions of a paid order.

    Attributes:
        order: The paid order.
        chain: The promoters paid, level 1 first, snapshotted at payment.
        ranks: Each promoter's rank at payment, in ``chain`` order.
        params: The program.
    """

    order: PaidOrder
    chain: tuple[str, ...]
    ranks: tuple[str | None, ...]
    params: CommissionParams

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(len(self.chain) == len(self.ranks), "ranks", "give one rank per promoter")
        checks.check(len(set(self.chain)) == len(self.chain), "chain", "names a promoter twice")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class Refund:
    """Command: money was given back to the buyer.

    Attributes:
        refund_id: Unique id of the refund; applying it again changes nothing.
        lines: What was given back per line (each amount > 0).
        whole_order: Give back everything not refunded yet (then ``lines`` is empty).
    """

    refund_id: str
    lines: tuple[RefundLine, ...] = attrs.field(default=(), converter=_refund_lines)
    whole_order: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.refund_id.strip()), "refund_id", "must not be empty")
        if self.whole_order == bool(self.lines):
            checks.add("lines", "give the refunded lines, or whole_order, not both")
        for i, line in enumerate(self.lines):
            checks.check(
                line.amount.amount > 0 or (line.units > 0 and line.amount.amount == 0),
                f"lines[{i}].amount",
                "must be > 0 (or zero for returned units that paid nothing)",
            )
            checks.check(line.units >= 0, f"lines[{i}].units", "must be >= 0")
        checks.raise_if_any()


@attrs.frozen
class Settle:
    """Command: settle the frozen records whose return window has ended."""


@attrs.frozen
class Delivered:
    """Command: these outbox postings were applied to their accounts."""

    posting_ids: frozenset[str]


@attrs.frozen
class OrderCommissions:
    """Everything recorded about one order's commissions.

    Attributes:
        order: The paid order.
        chain: The promoters paid, level 1 first, as snapshotted at payment; later
            rebinding never changes it.
        frozen_until: When the return window ends and the records may settle.
        max_share: The program's share cap (percent of what the buyer kept).
        records: The commission records.
        ineligible: The lines that pay nothing, and why.
        capped: Whether the commissions were scaled down to the share cap at payment.
        refunded: What was given back so far, per line (cumulative).
        refunds: The refunds applied, as asked.
        outbox: Postings not yet applied to the promoters' accounts.
    """

    order: PaidOrder
    chain: tuple[str, ...]
    frozen_until: datetime
    max_share: Decimal
    records: tuple[CommissionRecord, ...]
    ineligible: tuple[Ineligible, ...] = ()
    capped: bool = False
    refunded: tuple[RefundLine, ...] = ()
    refunds: tuple[Refund, ...] = ()
    outbox: tuple[Posting, ...] = ()

    @property
    def order_id(self) -> str:
        """The order's id."""
        return self.order.order_id

    @property
    def currency(self) -> str:
        """The order's currency."""
        return self.order.currency

    @property
    def total(self) -> Money:
        """What the order's commissions add up to now."""
        return total((r.amount for r in self.records), self.currency)

    def units_returned_of(self, line_id: str) -> int:
        """Units of ``line_id`` returned so far."""
        return sum(
            line.units
            for refund in self.refunds
            for line in refund.lines
            if line.line_id == line_id
        )

    def refunded_of(self, line_id: str) -> Money:
        """What was given back for ``line_id`` so far."""
        for line in self.refunded:
            if line.line_id == line_id:
                return line.amount
        return Money.zero(self.currency)

    @property
    def kept(self) -> Money:
        """What the buyer paid and kept: paid minus every refund."""
        return self.order.paid - total((r.amount for r in self.refunded), self.currency)

    @property
    def settles_at(self) -> datetime | None:
        """When frozen records are due to settle, or ``None`` if none are frozen."""
        if any(r.status is RecordStatus.FROZEN for r in self.records):
            return self.frozen_until
        return None


@attrs.frozen
class CommissionFrozen:
    """Event: a commission was recorded and is frozen until the return window ends."""

    order_id: str
    key: str
    beneficiary: str
    level: int
    amount: Money


@attrs.frozen
class CommissionSettled:
    """Event: a commission settled into the promoter's account."""

    order_id: str
    key: str
    beneficiary: str
    amount: Money


@attrs.frozen
class CommissionReduced:
    """Event: a refund reduced a commission by ``by``; ``clawed_back`` if it had settled."""

    order_id: str
    key: str
    beneficiary: str
    by: Money
    refund_id: str
    clawed_back: bool


@attrs.frozen
class CommissionCancelled:
    """Event: a refund reduced a commission to nothing."""

    order_id: str
    key: str
    beneficiary: str


@attrs.frozen
class RefundRecorded:
    """Event: a refund of ``amount`` was applied to the order."""

    order_id: str
    refund_id: str
    amount: Money


RecordEvent = (
    CommissionFrozen | CommissionSettled | CommissionReduced | CommissionCancelled | RefundRecorded
)


OrderResult = tuple[OrderCommissions, tuple[RecordEvent, ...]]


@attrs.frozen
class Withdrawal:
    """A withdrawal paid out of the available balance.

    Attributes:
        request_id: The caller's id for the request (retrying it is safe).
        amount: Taken from the available balance.
        fee: Kept as the withdrawal fee.
        payout: Paid to the promoter: ``amount - fee``.
        at: When it was made.
    """

    request_id: str
    amount: Money
    fee: Money
    payout: Money
    at: datetime


@attrs.frozen
class PromoterAccount:
    """A promoter's commission account.

    Attributes:
        promoter: The promoter.
        currency: The currency of every amount.
        joined_at: When the customer became a promoter.
        sales: Settled level-1 sales, net of refunds (what sales ranks measure).
        frozen: Commission waiting out return windows.
        available: Commission that may be withdrawn.
        debt: Commission clawed back after it was withdrawn; repaid first.
        withdrawn: Taken out by withdrawals, fees included.
        fees: Withdrawal fees kept.
        rank: The rank reached (never lowered), or ``None``.
        team_size: Customers whose latest binding is to this promoter.
        applied: Ids of the postings applied so far.
        withdrawals: Every withdrawal made.
    """

    promoter: str
    currency: str
    joined_at: datetime
    sales: Money
    frozen: Money
    available: Money
    debt: Money
    withdrawn: Money
    fees: Money
    rank: str | None = None
    team_size: int = 0
    applied: frozenset[str] = frozenset()
    withdrawals: tuple[Withdrawal, ...] = ()

    def withdrawal(self, request_id: str) -> Withdrawal | None:
        """The withdrawal made for ``request_id``, or ``None``."""
        for item in self.withdrawals:
            if item.request_id == request_id:
                return item
        return None


@attrs.frozen
class ApplyPosting:
    """Command: apply a posting from an order or a binding.

    Attributes:
        posting: The posting.
        params: The program (its ranks decide promotions).
    """

    posting: Posting
    params: CommissionParams


@attrs.frozen
class Withdraw:
    """Command: pay ``amount`` out of the available balance.

    Attributes:
        request_id: The caller's id for the request; a retry returns the first result.
        amount: Taken from the available balance, fee included.
        rules: Withdrawal minimum and fees.
    """

    request_id: str
    amount: Money
    rules: WithdrawalRules = WithdrawalRules()  # noqa: RUF009 - frozen, shared safely


@attrs.frozen
class BalanceChanged:
    """Event: a posting moved the account's money (see the posting's kind)."""

    promoter: str
    posting_id: str
    kind: PostingKind
    amount: Money


@attrs.frozen
class DebtRecorded:
    """Event: a clawback found too little available; ``amount`` was recorded as debt."""

    promoter: str
    amount: Money


@attrs.frozen
class DebtRepaid:
    """Event: a settlement repaid ``amount`` of debt."""

    promoter: str
    amount: Money


@attrs.frozen
class TeamChanged:
    """Event: the promoter's team size changed."""

    promoter: str
    team_size: int


@attrs.frozen
class Promoted:
    """Event: the promoter reached a higher rank (晋升)."""

    promoter: str
    previous: str | None
    rank: str


@attrs.frozen
class Withdrawn:
    """Event: a withdrawal was made."""

    promoter: str
    withdrawal: Withdrawal


AccountEvent = BalanceChanged | DebtRecorded | DebtRepaid | TeamChanged | Promoted | Withdrawn


AccountResult = tuple[PromoterAccount, tuple[AccountEvent, ...]]
