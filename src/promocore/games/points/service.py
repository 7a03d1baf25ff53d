"""Keeping points accounts and action logs in a state store.

Every change goes through the pure transitions and is saved with
compare-and-set, retrying when another writer got there first. Accounts carry a
due time (the next expiry of points still held), so
[`PointsService.sweep`][promocore.games.points.service.PointsService.sweep] finds the accounts whose
points have expired.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import attrs

from promocore.games.points.model import (
    ActionLog,
    ActionRewarded,
    Command,
    ExpirePoints,
    PointsAccount,
    PointsEvent,
)
from promocore.games.points.params import PointsProgram
from promocore.games.points.rules import earn_for, perform, transition
from promocore.state import Codec, Store, TypedStore, retry_on_conflict

#: Record kind of points accounts (by customer id).
ACCOUNT_KIND = "points.account"
#: Record kind of action logs (by ``customer:action``).
ACTION_LOG_KIND = "points.action_log"


def _next_expiry(account: PointsAccount) -> datetime | None:
    expiries = [lot.expires_at for lot in account.lots if lot.left and lot.expires_at]
    return min(expiries) if expiries else None


@attrs.frozen
class Outcome:
    """An account after a command, and what the command changed (nothing on a repeat)."""

    account: PointsAccount
    events: tuple[PointsEvent, ...] = ()


class PointsService:
    """Earn, spend, refund, expire and check in, for the customers of one program.

    Args:
        store: Where accounts and action logs live.
        program: The program's rules.
        attempts: How many times a write is tried when it keeps losing races.
        sleep: How to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        store: Store,
        program: PointsProgram,
        *,
        attempts: int = 50,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.program = program
        self.attempts = attempts
        self._sleep = sleep
        self.accounts = TypedStore(store, Codec(PointsAccount, ACCOUNT_KIND, due=_next_expiry))
        self.logs = TypedStore(store, Codec(ActionLog, ACTION_LOG_KIND))

    def account(self, customer_id: str) -> PointsAccount:
        """The customer's account (empty if they never had points)."""
        found = self.accounts.get(customer_id)
        if found is not None:
            return found.value
        return PointsAccount(customer_id, self.program.currency)

    def balance(self, customer_id: str, *, now: datetime) -> int:
        """Points ``customer_id`` can spend at ``now``."""
        return self.account(customer_id).balance(now)

    def apply(self, customer_id: str, command: Command, *, now: datetime) -> Outcome:
        """Apply ``command`` ([`Earn`][promocore.games.points.Earn], ``Redeem``, ``Refund``, ...).

        Raises:
            PointsError: the command is refused; a subclass says why.
        """

        def once() -> Outcome:
            current = self.accounts.get(customer_id)
            account = (
                current.value
                if current is not None
                else PointsAccount(customer_id, self.program.currency)
            )
            account, events = transition(account, command, now)
            if events:
                if current is None:
                    self.accounts.create(customer_id, account)
                else:
                    self.accounts.replace(customer_id, account, expected_version=current.version)
            return Outcome(account, events)

        return retry_on_conflict(once, attempts=self.attempts, sleep=self._sleep)

    def perform(
        self, customer_id: str, action: str, *, now: datetime
    ) -> tuple[ActionRewarded, Outcome]:
        """Record an action (``"check_in"``) and credit what it earns.

        The points are credited before the log is saved, under a key naming the
        customer, action, day and count, so a retry after a crash credits once.

        Raises:
            KeyError: the program has no rule for ``action``.
            DailyLimitReachedError: it already counted as often as allowed today.
        """
        rule = self.program.action(action)
        log_id = f"{customer_id}:{action}"

        def once() -> tuple[ActionRewarded, Outcome]:
            current = self.logs.get(log_id)
            log = current.value if current is not None else ActionLog(customer_id, action)
            log, (event,) = perform(log, rule, now)
            earn = earn_for(event, self.program.expiry)
            outcome = (
                self.apply(customer_id, earn, now=now)
                if earn is not None
                else Outcome(self.account(customer_id))
            )
            if current is None:
                self.logs.create(log_id, log)
            else:
                self.logs.replace(log_id, log, expected_version=current.version)
            return event, outcome

        return retry_on_conflict(once, attempts=self.attempts, sleep=self._sleep)

    def sweep(self, *, now: datetime, limit: int = 100) -> list[Outcome]:
        """Write off expired points of up to ``limit`` accounts; safe to run concurrently."""
        outcomes = []
        for due in self.accounts.due(now, limit=limit):
            outcome = self.apply(due.id, ExpirePoints(), now=now)
            if outcome.events:
                outcomes.append(outcome)
        return outcomes
