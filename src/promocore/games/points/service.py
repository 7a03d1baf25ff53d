"""Keeping points accounts and action logs in a state store, on the game runner.

Every change goes through a [`Runner`][promocore.games.runtime.Runner]: accounts
([`accounts`][promocore.games.points.rules.accounts]) and action logs
([`ACTION_LOGS`][promocore.games.points.rules.ACTION_LOGS]) are saved with compare-and-set,
retried when another writer got there first. Accounts carry a due time (the next expiry of
points still held), so [`PointsService.sweep`][promocore.games.points.service.PointsService.sweep]
finds the accounts whose points have expired.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from promocore.games.points.model import (
    ActionLog,
    ActionRewarded,
    Command,
    Perform,
    PointsAccount,
    PointsEvent,
    Refund,
)
from promocore.games.points.params import PointsProgram
from promocore.games.points.rules import (
    ACTION_LOGS,
    accounts,
    earn_for,
    perform,
    return_refund,
)
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.state import Store

#: Record kind of action logs (by ``customer:action``).
ACTION_LOG_KIND = ACTION_LOGS.kind

#: What a command on an account returns.
AccountOutcome = Outcome[PointsAccount, PointsEvent]


class PointsService:
    """Earn, spend, refund, expire and check in, for the customers of one program.

    Args:
        store: Where accounts and action logs live.
        program: The program's rules.
        attempts: How many times a write is tried when it keeps losing races.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every account event saved (see
            [`Runner`][promocore.games.runtime.Runner]).
    """

    def __init__(
        self,
        store: Store,
        program: PointsProgram,
        *,
        attempts: int = 50,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.program = program
        self.attempts = attempts
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.accounts = Runner(store, accounts(program.currency), retry=retry, observer=observer)
        self.logs = Runner(store, ACTION_LOGS, retry=retry, observer=observer)

    def account(self, customer_id: str) -> PointsAccount:
        """The customer's account (empty if they never had points)."""
        found = self.accounts.find(customer_id)
        if found is not None:
            return found
        return PointsAccount(customer_id, self.program.currency)

    def balance(self, customer_id: str, *, now: datetime) -> int:
        """Points ``customer_id`` can spend at ``now``."""
        return self.account(customer_id).balance(now)

    def apply(self, customer_id: str, command: Command, *, now: datetime) -> AccountOutcome:
        """Apply ``command`` ([`Earn`][promocore.games.points.Earn], ``Redeem``, ``Refund``, ...).

        Raises:
            PointsError: the command is refused; a subclass says why.
        """
        return self.accounts.apply(customer_id, command, now=now)

    def return_units(
        self,
        customer_id: str,
        order_id: str,
        key: str,
        *,
        units: int,
        quantity: int,
        returned: int = 0,
        now: datetime,
    ) -> AccountOutcome:
        """Give back (and take back) the points of ``units`` of an order that came back.

        The refund is the returned units' share of the order's value (see
        [`return_refund`][promocore.games.points.rules.return_refund]); nothing happens to an
        order that neither used nor earned points. A retry with the same ``key`` changes
        nothing more.

        Raises:
            ValidationError: more units than are kept.
        """
        account = self.account(customer_id)
        if key in account.refunds:
            return Outcome(id=customer_id, state=account, replayed=True)
        refund: Refund | None = return_refund(
            account, order_id, key, units=units, quantity=quantity, returned=returned
        )
        if refund is None:
            return Outcome(id=customer_id, state=account)
        return self.apply(customer_id, refund, now=now)

    def perform(
        self, customer_id: str, action: str, *, now: datetime
    ) -> tuple[ActionRewarded, AccountOutcome]:
        """Record an action (``"check_in"``) and credit what it earns.

        The points are credited before the log is saved, under a key naming the
        customer, action, day and count, so a retry after a crash credits once.

        Raises:
            KeyError: the program has no rule for ``action``.
            DailyLimitReachedError: it already counted as often as allowed today.
        """
        rule = self.program.action(action)
        log_id = f"{customer_id}:{action}"
        self.logs.create(log_id, ActionLog(customer_id, action), now=now)
        credited: list[tuple[ActionRewarded, AccountOutcome]] = []

        def credit_then_count(log: ActionLog) -> tuple[Perform]:
            # The credit is idempotent by its key and must land before the log counts it.
            _, (event,) = perform(log, rule, now)
            earn = earn_for(event, self.program.expiry)
            outcome = (
                self.apply(customer_id, earn, now=now)
                if earn is not None
                else Outcome(id=customer_id, state=self.account(customer_id))
            )
            credited.append((event, outcome))
            return (Perform(rule),)

        self.logs.apply_with(log_id, credit_then_count, now=now)
        return credited[-1]

    def sweep(self, *, now: datetime, limit: int = 100) -> list[AccountOutcome]:
        """Write off expired points of up to ``limit`` accounts; safe to run concurrently."""
        return self.accounts.sweep(now=now, limit=limit)
