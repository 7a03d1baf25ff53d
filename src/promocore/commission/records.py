"""An order's commission records and their life: frozen, settled, reduced, cancelled.

One [`OrderCommissions`][promocore.commission.records.OrderCommissions] holds every record of one
order, so a refund changes all of them in one step. The transitions are pure functions ``(state,
command, now) -> (state', events)``:

* [`open_order`][promocore.commission.records.open_order] computes the records of a paid order; each
  starts ``frozen`` until the return window ends (``paid_at + freeze_days``).
* [`settle`][promocore.commission.records.settle] settles the frozen records once the window has
  ended.
* [`refund`][promocore.commission.refunds.refund] (in its own module) reduces the
  records of refunded lines in proportion to the refunded share of what was paid.

Each change to a promoter's money is also written as a
[`Posting`][promocore.commission.postings.Posting] into the state's outbox, to be applied to the
promoter's account.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from promocore.commission.compute import Ineligible, compute
from promocore.commission.errors import IdempotencyConflictError
from promocore.commission.order import PaidOrder
from promocore.commission.params import CommissionParams, Rate
from promocore.commission.postings import Posting, PostingKind
from promocore.money import Money, total
from promocore.validation import Checks


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
    """An amount given back for one order line."""

    line_id: str
    amount: Money


def _refund_lines(items: Iterable[RefundLine]) -> tuple[RefundLine, ...]:
    return tuple(items)


@attrs.frozen
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
            checks.check(line.amount.amount > 0, f"lines[{i}].amount", "must be > 0")
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
Result = tuple[OrderCommissions, tuple[RecordEvent, ...]]


def posting_id(order_id: str, record: CommissionRecord, what: str) -> str:
    """The id of the posting ``what`` makes for ``record`` of ``order_id``."""
    return f"{order_id}/{record.key}/{what}"


def open_order(state: OrderCommissions | None, command: OpenOrder, now: datetime) -> Result:
    """Record the commissions of a paid order, all frozen.

    Args:
        state: Must be ``None``: an order's records are opened once (the service
            returns the stored state when the same order is recorded again).
        command: The order, chain, ranks and program.
        now: Unused; transitions take the time uniformly.

    Raises:
        IdempotencyConflictError: the order already has records.
    """
    del now
    order = command.order
    if state is not None:
        raise IdempotencyConflictError("order", order.order_id)
    computation = compute(order, command.ranks, command.params)
    records = tuple(
        CommissionRecord(
            line_id=d.line_id,
            beneficiary=command.chain[d.level - 1],
            level=d.level,
            sku=d.sku,
            rank=d.rank,
            rate=d.rate,
            base=d.base,
            original=d.amount,
            amount=d.amount,
        )
        for d in computation.drafts
    )
    postings = tuple(
        Posting(
            posting_id(order.order_id, r, "freeze"), r.beneficiary, PostingKind.FREEZE, r.amount
        )
        for r in records
    )
    events = tuple(
        CommissionFrozen(order.order_id, r.key, r.beneficiary, r.level, r.amount) for r in records
    )
    opened = OrderCommissions(
        order=order,
        chain=command.chain,
        frozen_until=order.paid_at + timedelta(days=command.params.freeze_days),
        max_share=command.params.max_share,
        records=records,
        ineligible=computation.ineligible,
        capped=computation.capped,
        outbox=postings,
    )
    return opened, events


def settle(state: OrderCommissions, command: Settle, now: datetime) -> Result:
    """Settle the frozen records if the return window has ended at ``now``; else change nothing."""
    del command
    if now < state.frozen_until:
        return state, ()
    records = list(state.records)
    postings: list[Posting] = []
    events: list[RecordEvent] = []
    for i, record in enumerate(records):
        if record.status is not RecordStatus.FROZEN:
            continue
        sales = kept_base(state, record) if record.level == 1 else None
        records[i] = attrs.evolve(record, status=RecordStatus.SETTLED, settled_sales=sales)
        postings.append(
            Posting(
                posting_id(state.order_id, record, "settle"),
                record.beneficiary,
                PostingKind.SETTLE,
                record.amount,
                sales if sales is not None and sales.amount else None,
            )
        )
        events.append(
            CommissionSettled(state.order_id, record.key, record.beneficiary, record.amount)
        )
    settled = attrs.evolve(state, records=tuple(records), outbox=(*state.outbox, *postings))
    return settled, tuple(events)


def delivered(state: OrderCommissions, command: Delivered, now: datetime) -> Result:
    """Drop the outbox postings that were applied to their accounts."""
    del now
    outbox = tuple(p for p in state.outbox if p.id not in command.posting_ids)
    return attrs.evolve(state, outbox=outbox), ()


def kept_base(state: OrderCommissions, record: CommissionRecord) -> Money:
    """The record's base scaled to what the buyer kept of its line, rounded down."""
    paid = state.order.line(record.line_id).paid
    kept = paid - state.refunded_of(record.line_id)
    return scaled(record.base, kept, paid)


def scaled(amount: Money, kept: Money, paid: Money) -> Money:
    """``amount × kept / paid``, rounded down."""
    if kept == paid:
        return amount
    return Money(amount.amount * kept.amount // paid.amount, amount.currency)
