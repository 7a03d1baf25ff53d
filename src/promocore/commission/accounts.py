"""Promoter accounts: frozen and available commission, debt, team, rank and withdrawals.

The balance never goes below zero: a refund after settlement claws back from
the available balance and records whatever it cannot take as ``debt``, which
later settlements repay before anything becomes available again. Transitions
are pure ``(state, command, now) -> (state', events)``; each posting is applied
at most once (by its id), so redelivering an outbox is harmless.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.commission.errors import (
    IdempotencyConflictError,
    InsufficientBalanceError,
    WithdrawalRefusedError,
)
from promocore.commission.params import CommissionParams, WithdrawalRules
from promocore.commission.postings import Posting, PostingKind
from promocore.errors import ValidationError
from promocore.money import Money
from promocore.validation import Checks


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


def open_account(promoter: str, currency: str, now: datetime) -> PromoterAccount:
    """A new, empty account for ``promoter`` who joins at ``now``.

    Raises:
        ValidationError: an empty promoter id.
    """
    if not promoter.strip():
        raise ValidationError.single("promoter", "must not be empty")
    zero = Money.zero(currency)
    return PromoterAccount(promoter, currency, now, zero, zero, zero, zero, zero, zero)


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
Result = tuple[PromoterAccount, tuple[AccountEvent, ...]]


def apply_posting(state: PromoterAccount, command: ApplyPosting, now: datetime) -> Result:
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
) -> Result:
    reached = params.rank_for(state.sales, state.team_size)
    if reached is not None and params.rank_order(reached.name) > params.rank_order(state.rank):
        events.append(Promoted(state.promoter, state.rank, reached.name))
        state = attrs.evolve(state, rank=reached.name)
    return state, tuple(events)


def withdraw(state: PromoterAccount, command: Withdraw, now: datetime) -> Result:
    """Pay ``command.amount`` out of the available balance, less the fee.

    Retrying the same request id with the same amount changes nothing and
    produces no event; the first withdrawal stays in
    [`PromoterAccount.withdrawals`][promocore.commission.accounts.PromoterAccount.withdrawals].

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
