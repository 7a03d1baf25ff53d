"""The rules of distribution commissions: pure ``(state, command, now)`` transitions.

* Bindings: [`bind`][promocore.games.commission.rules.bind] applies a followed link under the
  program's [`BindingPolicy`][promocore.games.commission.params.BindingPolicy];
  [`walk_upline`][promocore.games.commission.rules.walk_upline] follows bindings up the chain
  (stopping at any repeat, so even a corrupted store cannot make it loop).
* Orders: [`open_order`][promocore.games.commission.rules.open_order] computes the records of a
  paid order, each ``frozen`` until the return window ends (``paid_at + freeze_days``);
  [`settle`][promocore.games.commission.rules.settle] settles them once it has;
  [`refund`][promocore.games.commission.rules.refund] reduces the records of refunded lines in
  proportion to the refunded share of what was paid: a line's records keep
  ``floor(original × kept / paid)`` between them, the reduction split with
  [`allocate`][promocore.money.allocate] (no fen lost or invented), the order's total then held to
  ``max_share`` of what the buyer kept. A frozen record shrinks (a ``release`` posting); a settled
  one is clawed back (a ``clawback`` posting, taking level-1 sales back with it); a record reduced
  to nothing is cancelled.
* Accounts: [`apply_posting`][promocore.games.commission.rules.apply_posting] applies each posting
  once, by id; [`withdraw`][promocore.games.commission.rules.withdraw] takes money out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import get_args

import attrs

from promocore.errors import ValidationError
from promocore.games.commission.compute import compute
from promocore.games.commission.errors import (
    BindingCycleError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    NotAPromoterError,
    RefundExceedsPaidError,
    SelfBindingError,
    UnknownOrderError,
    WithdrawalRefusedError,
)
from promocore.games.commission.model import (
    AccountEvent,
    AccountResult,
    ApplyPosting,
    BalanceChanged,
    Binding,
    BindingEvent,
    BindingState,
    Bound,
    CommissionCancelled,
    CommissionFrozen,
    CommissionRecord,
    CommissionReduced,
    CommissionSettled,
    DebtRecorded,
    DebtRepaid,
    Delivered,
    IgnoreReason,
    Link,
    LinkIgnored,
    OpenOrder,
    OrderCommissions,
    OrderResult,
    Posting,
    PostingKind,
    Promoted,
    PromoterAccount,
    RecordEvent,
    RecordStatus,
    Refund,
    RefundLine,
    RefundRecorded,
    Renewed,
    Settle,
    TeamChanged,
    Withdraw,
    Withdrawal,
    Withdrawn,
)
from promocore.games.commission.params import (
    BindingMode,
    CommissionParams,
)
from promocore.games.game import CommandId, Game
from promocore.games.returns import unit_refund
from promocore.money import Money, Rounding, allocate, total
from promocore.validation import Checks


def bind(
    state: BindingState | None, command: Link, now: datetime
) -> tuple[BindingState, tuple[BindingEvent, ...]]:
    """Apply a followed link to a customer's binding state.

    Args:
        state: The customer's state, or ``None`` if nothing is stored yet.
        command: The link followed.
        now: When it was followed.

    Returns:
        The new state and what happened. A link the policy ignores returns the
        state unchanged and a [`LinkIgnored`][promocore.games.commission.model.LinkIgnored] event.

    Raises:
        SelfBindingError: the customer followed their own link.
        BindingCycleError: the customer is up the referrer's chain.
    """
    customer, referrer, policy = command.customer, command.referrer, command.policy
    if customer == referrer:
        raise SelfBindingError(customer)
    current = state if state is not None else BindingState(customer)
    active = current.referrer_at(now)
    ignored = _ignored(current, command, active)
    if ignored is not None:
        return current, (ignored,)
    if customer in command.referrer_upline:
        upline = command.referrer_upline
        raise BindingCycleError(customer, referrer, upline[: upline.index(customer) + 1])
    expires_at = policy.expiry(now)
    binding = Binding(referrer, now, expires_at)
    previous = current.binding.referrer if current.binding is not None else None
    if previous == referrer:
        renewed = attrs.evolve(current, binding=binding)
        return renewed, (Renewed(customer, referrer, expires_at),)
    links = current.links + 1
    postings = [Posting(f"team:{customer}:{links}:join", referrer, PostingKind.TEAM_JOIN)]
    if previous is not None:
        postings.append(Posting(f"team:{customer}:{links}:leave", previous, PostingKind.TEAM_LEAVE))
    bound = BindingState(customer, binding, links, (*current.outbox, *postings))
    return bound, (Bound(customer, referrer, expires_at, previous),)


def _ignored(state: BindingState, command: Link, active: str | None) -> LinkIgnored | None:
    mode = command.policy.mode
    customer, referrer = command.customer, command.referrer
    if mode is BindingMode.AT_REGISTRATION:
        if not command.registering:
            return LinkIgnored(
                customer,
                referrer,
                IgnoreReason.NOT_REGISTERING,
                "links bind only while registering",
            )
        if state.binding is not None:
            return LinkIgnored(
                customer,
                referrer,
                IgnoreReason.ALREADY_BOUND,
                f"bound to {state.binding.referrer!r} at registration",
            )
    if mode is BindingMode.FIRST_LINK and active is not None and active != referrer:
        return LinkIgnored(
            customer,
            referrer,
            IgnoreReason.ALREADY_BOUND,
            f"already bound to {active!r} (first link wins)",
        )
    return None


def binding_delivered(state: BindingState, posting_ids: frozenset[str]) -> BindingState:
    """Return ``state`` without the outbox postings in ``posting_ids`` (they were applied)."""
    return attrs.evolve(state, outbox=tuple(p for p in state.outbox if p.id not in posting_ids))


def walk_upline(
    start: str, referrer_of: Callable[[str], str | None], *, limit: int | None = None
) -> tuple[str, ...]:
    """Follow referrers up from ``start``, nearest first.

    Args:
        start: Whose chain to follow (not included in the result).
        referrer_of: Returns a customer's active referrer, or ``None``.
        limit: Stop after this many promoters; ``None`` follows the whole chain.

    Returns:
        The chain. It stops at the top, at ``limit``, or before any promoter met
        twice (``start`` included), so it always ends and never names anyone twice,
        even if the stored bindings were to form a loop.
    """
    chain: list[str] = []
    seen = {start}
    current = start
    while limit is None or len(chain) < limit:
        referrer = referrer_of(current)
        if referrer is None:
            break
        if referrer in seen:
            break
        chain.append(referrer)
        seen.add(referrer)
        current = referrer
    return tuple(chain)


def posting_id(order_id: str, record: CommissionRecord, what: str) -> str:
    """The id of the posting ``what`` makes for ``record`` of ``order_id``."""
    return f"{order_id}/{record.key}/{what}"


def open_order(state: OrderCommissions | None, command: OpenOrder, now: datetime) -> OrderResult:
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


def settle(state: OrderCommissions, command: Settle, now: datetime) -> OrderResult:
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


def order_delivered(state: OrderCommissions, command: Delivered, now: datetime) -> OrderResult:
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


def open_account(promoter: str, currency: str, now: datetime) -> PromoterAccount:
    """A new, empty account for ``promoter`` who joins at ``now``.

    Raises:
        ValidationError: an empty promoter id.
    """
    if not promoter.strip():
        raise ValidationError.single("promoter", "must not be empty")
    zero = Money.zero(currency)
    return PromoterAccount(promoter, currency, now, zero, zero, zero, zero, zero, zero)


def apply_posting(state: PromoterAccount, command: ApplyPosting, now: datetime) -> AccountResult:
    """Apply a posting once; a posting already applied changes nothing.

    Raises:
        ValidationError: the posting is for another promoter or in another currency.
    """
    del now
    posting = command.posting
    checks = Checks()
    checks.check(posting.promoter == state.promoter, "posting.promoter", "is another promoter")
    for name in ("amount", "sales"):
        value = getattr(posting, name)
        if value is not None and value.currency != state.currency:
            checks.add(f"posting.{name}", f"must be in {state.currency}")
    checks.raise_if_any()
    if posting.id in state.applied:
        return state, ()
    events: list[AccountEvent] = []
    changed = _apply(state, posting, events)
    changed = attrs.evolve(changed, applied=state.applied | {posting.id})
    return _promote(changed, command.params, events)


def _apply(state: PromoterAccount, posting: Posting, events: list[AccountEvent]) -> PromoterAccount:
    kind = posting.kind
    who = state.promoter
    if kind is PostingKind.TEAM_JOIN or kind is PostingKind.TEAM_LEAVE:
        step = 1 if kind is PostingKind.TEAM_JOIN else -1
        team = max(0, state.team_size + step)
        events.append(TeamChanged(who, team))
        return attrs.evolve(state, team_size=team)
    amount = posting.amount
    assert amount is not None
    events.append(BalanceChanged(who, posting.id, kind, amount))
    if kind is PostingKind.FREEZE:
        return attrs.evolve(state, frozen=state.frozen + amount)
    if kind is PostingKind.RELEASE:
        return attrs.evolve(state, frozen=state.frozen - amount)
    sales = posting.sales or Money.zero(state.currency)
    if kind is PostingKind.SETTLE:
        repaid = amount.min(state.debt)
        if repaid.amount:
            events.append(DebtRepaid(who, repaid))
        return attrs.evolve(
            state,
            frozen=state.frozen - amount,
            debt=state.debt - repaid,
            available=state.available + (amount - repaid),
            sales=state.sales + sales,
        )
    taken = amount.min(state.available)
    owed = amount - taken
    if owed.amount:
        events.append(DebtRecorded(who, owed))
    return attrs.evolve(
        state,
        available=state.available - taken,
        debt=state.debt + owed,
        sales=state.sales - sales.min(state.sales),
    )


def _promote(
    state: PromoterAccount, params: CommissionParams, events: list[AccountEvent]
) -> AccountResult:
    reached = params.rank_for(state.sales, state.team_size)
    if reached is not None and params.rank_order(reached.name) > params.rank_order(state.rank):
        events.append(Promoted(state.promoter, state.rank, reached.name))
        state = attrs.evolve(state, rank=reached.name)
    return state, tuple(events)


def withdraw(state: PromoterAccount, command: Withdraw, now: datetime) -> AccountResult:
    """Pay ``command.amount`` out of the available balance, less the fee.

    Retrying the same request id with the same amount changes nothing and
    produces no event; the first withdrawal stays in `PromoterAccount.withdrawals`.

    Raises:
        ValidationError: the amount is not positive or in another currency.
        IdempotencyConflictError: the request id was used for another amount.
        WithdrawalRefusedError: below the minimum, or the fee would take it all.
        InsufficientBalanceError: more than the available balance.
    """
    amount, rules = command.amount, command.rules
    checks = Checks()
    checks.check(bool(command.request_id.strip()), "request_id", "must not be empty")
    checks.check(amount.currency == state.currency, "amount", f"must be in {state.currency}")
    checks.check(amount.amount > 0, "amount", "must be > 0")
    checks.raise_if_any()
    done = state.withdrawal(command.request_id)
    if done is not None:
        if done.amount != amount:
            raise IdempotencyConflictError("withdrawal", command.request_id)
        return state, ()
    if rules.minimum is not None and amount < rules.minimum:
        raise WithdrawalRefusedError(
            "below_minimum", f"the smallest withdrawal is {rules.minimum.display()}"
        )
    if amount > state.available:
        raise InsufficientBalanceError(
            "insufficient_balance",
            f"asked {amount.display()}, {state.available.display()} available"
            + (f" ({state.debt.display()} owed)" if state.debt.amount else ""),
        )
    fee = rules.fee(amount)
    if fee >= amount:
        raise WithdrawalRefusedError(
            "fee_exceeds_amount", f"the fee ({fee.display()}) would take the whole withdrawal"
        )
    made = Withdrawal(command.request_id, amount, fee, amount - fee, now)
    changed = attrs.evolve(
        state,
        available=state.available - amount,
        withdrawn=state.withdrawn + amount,
        fees=state.fees + fee,
        withdrawals=(*state.withdrawals, made),
    )
    return changed, (Withdrawn(state.promoter, made),)


def refund(state: OrderCommissions, command: Refund, now: datetime) -> OrderResult:
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


def return_refund(state: OrderCommissions, refund_id: str, units: Mapping[str, int]) -> Refund:
    """The refund of some units of an order coming back.

    Each line gives back the returned units' share of what was paid for it
    ([`unit_refund`][promocore.games.returns.unit_refund]), so the commissions shrink by
    that share through the proportional clawback of
    [`refund`][promocore.games.commission.rules.refund].

    Args:
        state: The order's commissions.
        refund_id: The refund's id.
        units: Units coming back, per line id.

    Raises:
        ValidationError: a line the order does not have, or more units than it kept.
    """
    lines = []
    for line_id, count in sorted(units.items()):
        try:
            line = state.order.line(line_id)
        except KeyError:
            raise ValidationError.single(
                f"units[{line_id!r}]", f"order {state.order_id!r} has no line {line_id!r}"
            ) from None
        amount = unit_refund(
            line.paid,
            line.quantity,
            count,
            returned=state.units_returned_of(line_id),
            refunded=state.refunded_of(line_id),
        )
        lines.append(RefundLine(line_id, amount, count))
    if not lines:
        raise ValidationError.single("units", "name at least one line and its units")
    return Refund(refund_id, tuple(lines))


def binding_transition(
    state: BindingState, command: Link | Delivered, now: datetime
) -> tuple[BindingState, tuple[BindingEvent, ...]]:
    """A customer's binding: follow a link, or drop the postings delivered to accounts."""
    if isinstance(command, Delivered):
        return binding_delivered(state, command.posting_ids), ()
    return bind(state, command, now)


def order_transition(
    state: OrderCommissions, command: Settle | Refund | Delivered, now: datetime
) -> OrderResult:
    """An order's commissions: settle, refund, or drop the postings delivered to accounts."""
    match command:
        case Settle():
            return settle(state, command, now)
        case Refund():
            return refund(state, command, now)
        case Delivered():
            return order_delivered(state, command, now)
    raise TypeError(f"not an order command: {command!r}")


def account_transition(
    state: PromoterAccount, command: ApplyPosting | Withdraw, now: datetime
) -> AccountResult:
    """A promoter's account: apply a posting, or pay a withdrawal out."""
    if isinstance(command, Withdraw):
        return withdraw(state, command, now)
    return apply_posting(state, command, now)


def binding_due(state: BindingState) -> datetime | None:
    """When a sweep should deliver the binding's postings: at once, while any wait."""
    if state.outbox and state.binding is not None:
        return state.binding.bound_at
    return None


def order_due(state: OrderCommissions) -> datetime | None:
    """When a sweep should look at the order: postings wait, or frozen records may settle."""
    if state.outbox:
        return state.order.paid_at
    return state.settles_at


def _order_id(command: Settle | Refund | Delivered) -> CommandId | None:
    if isinstance(command, Refund):
        return CommandId(f"refund:{command.refund_id}", command)
    return None


def _withdrawal_id(command: ApplyPosting | Withdraw) -> CommandId | None:
    if isinstance(command, Withdraw):
        return CommandId(f"withdrawal:{command.request_id}", command.amount)
    return None


def _conflict(id: str, key: str) -> Exception:
    what, _, used = key.partition(":")
    return IdempotencyConflictError(what, used)


def bindings(namespace: str) -> Game[BindingState, Link | Delivered, BindingEvent]:
    """Customers' bindings by customer id, under ``<namespace>.binding``."""
    return Game(
        kind=f"{namespace}.binding",
        state=BindingState,
        transition=binding_transition,
        events=get_args(BindingEvent),
        due=binding_due,
        initial=BindingState,
    )


def orders(namespace: str) -> Game[OrderCommissions, Settle | Refund | Delivered, RecordEvent]:
    """Orders' commissions by order id, under ``<namespace>.order``."""
    return Game(
        kind=f"{namespace}.order",
        state=OrderCommissions,
        transition=order_transition,
        events=get_args(RecordEvent),
        due=order_due,
        identify=_order_id,
        not_found=UnknownOrderError,
        conflict=_conflict,
    )


def accounts(namespace: str) -> Game[PromoterAccount, ApplyPosting | Withdraw, AccountEvent]:
    """Promoters' accounts by promoter id, under ``<namespace>.account``."""
    return Game(
        kind=f"{namespace}.account",
        state=PromoterAccount,
        transition=account_transition,
        events=get_args(AccountEvent),
        identify=_withdrawal_id,
        not_found=NotAPromoterError,
        conflict=_conflict,
    )
