"""Refunds: reducing an order's commissions in proportion to what the buyer got back.

A line's records keep ``floor(original × kept / paid)`` between them; the
reduction is split over the records with [`allocate`][promocore.money.allocate] (no
fen lost or invented), then the order's total is held to ``max_share`` of what
the buyer kept. No record ever grows, and refunds in any order end with the same
line totals. A frozen record shrinks (a ``release`` posting); a settled one is
clawed back (a ``clawback`` posting, taking level-1 sales back with it). A
record reduced to nothing is cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from promocore.commission.errors import IdempotencyConflictError, RefundExceedsPaidError
from promocore.commission.postings import Posting, PostingKind
from promocore.commission.records import (
    CommissionCancelled,
    CommissionRecord,
    CommissionReduced,
    OrderCommissions,
    RecordEvent,
    RecordStatus,
    Refund,
    RefundLine,
    RefundRecorded,
    Result,
    kept_base,
    posting_id,
    scaled,
)
from promocore.money import Money, Rounding, allocate, total
from promocore.validation import Checks


def refund(state: OrderCommissions, command: Refund, now: datetime) -> Result:
    """Apply a refund: reduce (or cancel) the commissions it affects.

    Raises:
        IdempotencyConflictError: the refund id was used for a different refund.
        ValidationError: a line id the order does not have, or a wrong currency.
        RefundExceedsPaidError: more would be given back for a line than was paid.
    """
    del now
    for done in state.refunds:
        if done.refund_id == command.refund_id:
            if done != command:
                raise IdempotencyConflictError("refund", command.refund_id)
            return state, ()
    given = _given_back(state, command)
    refunded = {line.line_id: state.refunded_of(line.line_id) for line in state.order.lines}
    for line_id, amount in given.items():
        refunded[line_id] = refunded[line_id] + amount
    after = attrs.evolve(
        state,
        refunded=tuple(RefundLine(k, v) for k, v in refunded.items() if v.amount),
        refunds=(*state.refunds, command),
    )
    amounts = _reduced_amounts(after)
    records, postings, events = _apply_reductions(after, amounts, command.refund_id)
    money = total(given.values(), state.currency)
    events.append(RefundRecorded(state.order_id, command.refund_id, money))
    reduced = attrs.evolve(after, records=tuple(records), outbox=(*after.outbox, *postings))
    return reduced, tuple(events)


def share_cap_of(state: OrderCommissions) -> Money:
    """The most the order's commissions may add up to, on what the buyer kept."""
    return state.kept.percent(state.max_share, Rounding.DOWN)


def _given_back(state: OrderCommissions, command: Refund) -> dict[str, Money]:
    order = state.order
    if command.whole_order:
        return {
            line.line_id: line.paid - state.refunded_of(line.line_id)
            for line in order.lines
            if line.paid > state.refunded_of(line.line_id)
        }
    checks = Checks()
    given: dict[str, Money] = {}
    for i, item in enumerate(command.lines):
        known = any(line.line_id == item.line_id for line in order.lines)
        if not known:
            checks.add(
                f"lines[{i}].line_id", f"order {order.order_id!r} has no line {item.line_id!r}"
            )
        elif item.amount.currency != order.currency:
            checks.add(f"lines[{i}].amount", f"must be in {order.currency}")
        else:
            given[item.line_id] = given.get(item.line_id, Money.zero(order.currency)) + item.amount
    checks.raise_if_any()
    for line_id, amount in given.items():
        paid = order.line(line_id).paid
        already = state.refunded_of(line_id)
        if already + amount > paid:
            raise RefundExceedsPaidError(
                f"line {line_id!r}: refunding {amount} would give back more than the "
                f"{paid} paid ({already} already refunded)"
            )
    return given


def _reduced_amounts(state: OrderCommissions) -> list[Money]:
    """Every record's amount after the refunds so far; never more than it is now."""
    records = state.records
    amounts = [r.amount for r in records]
    by_line: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_line.setdefault(record.line_id, []).append(i)
    for line_id, indices in by_line.items():
        paid = state.order.line(line_id).paid
        kept = paid - state.refunded_of(line_id)
        original = total((records[i].original for i in indices), state.currency)
        target = scaled(original, kept, paid)
        _shrink(amounts, indices, total((amounts[i] for i in indices), state.currency) - target)
    cap = share_cap_of(state)
    _shrink(amounts, list(range(len(records))), total(amounts, state.currency) - cap)
    return amounts


def _shrink(amounts: list[Money], indices: Sequence[int], by: Money) -> None:
    """Take ``by`` off ``amounts[indices]`` in proportion to them (nothing if ``by <= 0``)."""
    if by.amount <= 0:
        return
    current = [amounts[i] for i in indices]
    parts = allocate(by, current, caps=current)
    for i, part in zip(indices, parts, strict=True):
        amounts[i] = amounts[i] - part


def _apply_reductions(
    state: OrderCommissions, amounts: list[Money], refund_id: str
) -> tuple[list[CommissionRecord], list[Posting], list[RecordEvent]]:
    records = list(state.records)
    postings: list[Posting] = []
    events: list[RecordEvent] = []
    for i, (record, amount) in enumerate(zip(state.records, amounts, strict=True)):
        by = record.amount - amount
        if by.amount == 0:
            continue
        settled = record.status is RecordStatus.SETTLED
        sales = None
        changed = attrs.evolve(record, amount=amount)
        if settled and record.settled_sales is not None:
            kept_sales = kept_base(state, record)
            if kept_sales < record.settled_sales:
                sales = record.settled_sales - kept_sales
                changed = attrs.evolve(changed, settled_sales=kept_sales)
        if amount.amount == 0:
            changed = attrs.evolve(changed, status=RecordStatus.CANCELLED)
        records[i] = changed
        kind = PostingKind.CLAWBACK if settled else PostingKind.RELEASE
        postings.append(
            Posting(
                posting_id(state.order_id, record, f"refund:{refund_id}"),
                record.beneficiary,
                kind,
                by,
                sales,
            )
        )
        events.append(
            CommissionReduced(
                state.order_id, record.key, record.beneficiary, by, refund_id, settled
            )
        )
        if amount.amount == 0:
            events.append(CommissionCancelled(state.order_id, record.key, record.beneficiary))
    return records, postings, events
