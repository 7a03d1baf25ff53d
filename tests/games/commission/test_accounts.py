"""Promoter accounts: postings, clawback debt, promotions and withdrawals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from promocore.errors import ValidationError
from promocore.games.commission import (
    IdempotencyConflictError,
    InsufficientBalanceError,
    Posting,
    PostingKind,
    PromoterAccount,
    Rank,
    RankBasis,
    WithdrawalRefusedError,
    WithdrawalRules,
)
from promocore.games.commission.model import (
    AccountEvent,
    ApplyPosting,
    DebtRecorded,
    DebtRepaid,
    Promoted,
    Withdraw,
    Withdrawn,
)
from promocore.games.commission.rules import apply_posting, open_account, withdraw
from promocore.money import Money, Rounding
from tests.games.commission.builders import AT, cny, pct, program, quiet

PARAMS = program(
    "10",
    ranks=(Rank("silver", cny("500.00"), pct("11")), Rank("gold", cny("1000.00"), pct("12"))),
)


def post(
    account: PromoterAccount,
    pid: str,
    kind: PostingKind,
    amount: str | None = None,
    sales: str | None = None,
) -> tuple[PromoterAccount, tuple[AccountEvent, ...]]:
    posting = Posting(
        pid,
        account.promoter,
        kind,
        None if amount is None else cny(amount),
        None if sales is None else cny(sales),
    )
    return apply_posting(account, ApplyPosting(posting, PARAMS), AT)


def settled(available: str) -> PromoterAccount:
    account = open_account("amy", "CNY", AT)
    account, _ = post(account, "f", PostingKind.FREEZE, available)
    account, _ = post(account, "s", PostingKind.SETTLE, available)
    return account


def test_freeze_release_and_settle_move_money_between_balances() -> None:
    account = open_account("amy", "CNY", AT)
    account, _ = post(account, "p1", PostingKind.FREEZE, "30.00")
    account, _ = post(account, "p2", PostingKind.RELEASE, "5.00")
    assert (account.frozen, account.available) == (cny("25.00"), cny("0.00"))
    account, _ = post(account, "p3", PostingKind.SETTLE, "25.00", sales="250.00")
    assert (account.frozen, account.available, account.sales) == (
        cny("0.00"),
        cny("25.00"),
        cny("250.00"),
    )


def test_a_posting_is_applied_once() -> None:
    account = open_account("amy", "CNY", AT)
    once, _ = post(account, "p1", PostingKind.FREEZE, "30.00")
    twice, events = post(once, "p1", PostingKind.FREEZE, "30.00")
    assert (twice, events) == (once, ())


def test_clawback_takes_the_available_balance_then_records_debt() -> None:
    account = settled("10.00")
    account, events = post(account, "c1", PostingKind.CLAWBACK, "14.00")
    assert (account.available, account.debt) == (cny("0.00"), cny("4.00"))
    assert DebtRecorded("amy", cny("4.00")) in events
    account, _ = post(account, "f2", PostingKind.FREEZE, "6.00")
    account, events = post(account, "s2", PostingKind.SETTLE, "6.00")
    assert DebtRepaid("amy", cny("4.00")) in events
    assert (account.available, account.debt) == (cny("2.00"), cny("0.00"))


def test_promotion_by_settled_sales_is_never_undone() -> None:
    account = open_account("amy", "CNY", AT)
    account, _ = post(account, "f", PostingKind.FREEZE, "120.00")
    account, events = post(account, "s", PostingKind.SETTLE, "120.00", sales="1200.00")
    assert Promoted("amy", None, "gold") in events
    assert account.rank == "gold"
    account, events = post(account, "c", PostingKind.CLAWBACK, "60.00", sales="600.00")
    assert account.sales == cny("600.00")
    assert account.rank == "gold"
    assert not any(isinstance(e, Promoted) for e in events)


def test_promotion_by_team_size() -> None:
    with quiet():
        params = program("10", rank_by=RankBasis.TEAM_SIZE, ranks=(Rank("captain", 2, pct("15")),))
    account = open_account("amy", "CNY", AT)
    events: tuple[AccountEvent, ...] = ()
    for n in range(3):
        join = Posting(f"j{n}", "amy", PostingKind.TEAM_JOIN)
        account, events = apply_posting(account, ApplyPosting(join, params), AT)
        if n == 1:
            assert Promoted("amy", None, "captain") in events
    leave = Posting("l", "amy", PostingKind.TEAM_LEAVE)
    account, _ = apply_posting(account, ApplyPosting(leave, params), AT)
    assert (account.team_size, account.rank) == (2, "captain")


def test_postings_for_someone_else_or_in_another_currency_are_refused() -> None:
    account = open_account("amy", "CNY", AT)
    with pytest.raises(ValidationError, match="promoter"):
        apply_posting(account, ApplyPosting(Posting("p", "bo", PostingKind.TEAM_JOIN), PARAMS), AT)
    usd = Posting("p", "amy", PostingKind.FREEZE, Money(100, "USD"))
    with pytest.raises(ValidationError, match="must be in CNY"):
        apply_posting(account, ApplyPosting(usd, PARAMS), AT)
    with pytest.raises(ValidationError, match="amount"):
        Posting("p", "amy", PostingKind.FREEZE)


RULES = WithdrawalRules(
    minimum=cny("10.00"),
    fee_percent=Decimal("0.6"),
    fee_fixed=cny("1.00"),
    fee_rounding=Rounding.UP,
)


def test_withdrawal_pays_out_less_the_fee() -> None:
    account = settled("100.00")
    account, events = withdraw(account, Withdraw("w-1", cny("50.00"), RULES), AT)
    (done,) = events
    assert isinstance(done, Withdrawn)
    # 0.6 % of 50.00 = 0.30, plus 1.00 fixed
    assert (done.withdrawal.fee, done.withdrawal.payout) == (cny("1.30"), cny("48.70"))
    assert (account.available, account.withdrawn, account.fees) == (
        cny("50.00"),
        cny("50.00"),
        cny("1.30"),
    )
    odd, _ = withdraw(account, Withdraw("w-2", cny("10.01"), RULES), AT)
    assert odd.withdrawals[-1].fee == cny("1.07")  # 0.06006 rounded up


def test_withdrawal_is_idempotent_by_request_id() -> None:
    account = settled("100.00")
    once, _ = withdraw(account, Withdraw("w-1", cny("50.00"), RULES), AT)
    twice, events = withdraw(once, Withdraw("w-1", cny("50.00"), RULES), AT + timedelta(1))
    assert (twice, events) == (once, ())
    with pytest.raises(IdempotencyConflictError):
        withdraw(once, Withdraw("w-1", cny("60.00"), RULES), AT)


def test_withdrawal_refusals() -> None:
    account = settled("20.00")
    with pytest.raises(WithdrawalRefusedError) as low:
        withdraw(account, Withdraw("w", cny("9.99"), RULES), AT)
    assert low.value.reason == "below_minimum"
    with pytest.raises(InsufficientBalanceError) as broke:
        withdraw(account, Withdraw("w", cny("20.01"), RULES), AT)
    assert broke.value.reason == "insufficient_balance"
    assert isinstance(broke.value, ValueError)
    greedy = WithdrawalRules(fee_fixed=cny("5.00"))
    with pytest.raises(WithdrawalRefusedError) as fee:
        withdraw(account, Withdraw("w", cny("5.00"), greedy), AT)
    assert fee.value.reason == "fee_exceeds_amount"
    with pytest.raises(ValidationError, match="amount"):
        withdraw(account, Withdraw("w", cny("0.00"), RULES), AT)


def test_debt_blocks_withdrawals_until_repaid() -> None:
    account = settled("10.00")
    account, _ = post(account, "c", PostingKind.CLAWBACK, "15.00")
    with pytest.raises(InsufficientBalanceError, match="owed"):
        withdraw(account, Withdraw("w", cny("1.00"), WithdrawalRules()), AT)
