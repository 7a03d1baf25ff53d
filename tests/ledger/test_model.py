"""The in-memory ledger against a deliberately simple model of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from promocore.ledger import (
    AccountSpec,
    Draw,
    IdempotencyKeyReusedError,
    ManualClock,
    MemoryLedger,
    ReservationClosedError,
    ReservationRefusedError,
    ReservationStatus,
    UnknownReservationError,
)
from promocore.money import Money

LIMITS = {"b": 100, "s": 10, "u": 2}
COUNTERS = [("b", ""), ("s", ""), ("u", "x"), ("u", "y")]
KEYS = [f"k{i}" for i in range(6)]

items_strategy = st.lists(
    st.tuples(st.sampled_from(COUNTERS), st.integers(1, 40), st.booleans()),
    min_size=1,
    max_size=4,
    unique_by=lambda item: item[0],
)


@attrs.define
class Held:
    items: tuple[tuple[tuple[str, str], int, bool], ...]
    grants: dict[tuple[str, str], int]
    expires: datetime
    status: str = "held"


def draw(counter: tuple[str, str], amount: int, partial: bool) -> Draw:
    account, subject = counter
    if account == "b":
        return Draw.budget("b", Money(amount, "CNY"), partial=partial)
    return Draw(account, amount, subject=subject or None, partial=partial)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(datetime(2025, 11, 11, tzinfo=UTC))
        self.ledger = MemoryLedger(clock=self.clock)
        self.limits = dict(LIMITS)
        self.top_ups: dict[str, tuple[str, int]] = {}
        self.reserved = dict.fromkeys(COUNTERS, 0)
        self.committed = dict.fromkeys(COUNTERS, 0)
        self.held: dict[str, Held] = {}

    @initialize()
    def define(self) -> None:
        self.ledger.define(AccountSpec.budget("b", Money(LIMITS["b"], "CNY")))
        self.ledger.define(AccountSpec.stock("s", LIMITS["s"]))
        self.ledger.define(AccountSpec.usage("u", LIMITS["u"]))

    # -- the model ----------------------------------------------------------------------------

    def available(self, counter: tuple[str, str]) -> int:
        return self.limits[counter[0]] - self.reserved[counter] - self.committed[counter]

    def close(self, entry: Held, status: str) -> None:
        for counter, amount in entry.grants.items():
            self.reserved[counter] -= amount
            if status == "committed":
                self.committed[counter] += amount
        entry.status = status

    def expire_due(self) -> None:
        for entry in self.held.values():
            if entry.status == "held" and entry.expires <= self.clock():
                self.close(entry, "expired")

    # -- rules --------------------------------------------------------------------------------

    @rule(
        key=st.sampled_from(KEYS), items=items_strategy, ttl=st.sampled_from([15, 30, 45, 60, 120])
    )
    def reserve(self, key: str, items: list[tuple[tuple[str, str], int, bool]], ttl: int) -> None:
        self.expire_due()
        draws = [draw(*item) for item in items]
        existing = self.held.get(key)
        try:
            got = self.ledger.reserve(key, draws, timedelta(seconds=ttl))
        except IdempotencyKeyReusedError:
            assert existing is not None and existing.items != tuple(items)
            return
        except ReservationRefusedError as refused:
            assert existing is None
            expected = [
                i
                for i, (counter, amount, partial) in enumerate(items)
                if amount > self.available(counter)
                and not (partial and self.available(counter) > 0)
            ]
            assert [s.index for s in refused.shortfalls] == expected
            assert expected
            return
        if existing is not None:
            assert existing.items == tuple(items)
            assert got.status.value == existing.status
            assert {(g.account, g.subject or ""): g.amount for g in got.grants} == existing.grants
            return
        grants = {}
        for counter, amount, _ in items:
            granted = min(amount, self.available(counter))
            grants[counter] = granted
            self.reserved[counter] += granted
        assert {(g.account, g.subject or ""): g.amount for g in got.grants} == grants
        self.held[key] = Held(tuple(items), grants, self.clock() + timedelta(seconds=ttl))

    @rule(key=st.sampled_from(KEYS))
    def commit(self, key: str) -> None:
        self.expire_due()
        entry = self.held.get(key)
        try:
            got = self.ledger.commit(key)
        except UnknownReservationError:
            assert entry is None
            return
        except ReservationClosedError as closed:
            assert entry is not None and entry.status in ("released", "expired")
            assert closed.status.value == entry.status
            return
        assert entry is not None and entry.status in ("held", "committed")
        if entry.status == "held":
            self.close(entry, "committed")
        assert got.status is ReservationStatus.COMMITTED

    @rule(key=st.sampled_from(KEYS))
    def release(self, key: str) -> None:
        self.expire_due()
        entry = self.held.get(key)
        try:
            got = self.ledger.release(key)
        except UnknownReservationError:
            assert entry is None
            return
        except ReservationClosedError:
            assert entry is not None and entry.status == "committed"
            return
        assert entry is not None
        if entry.status == "held":
            self.close(entry, "released")
        assert got.status.value == entry.status

    @rule(seconds=st.sampled_from([1, 14, 15, 30, 60]))  # often lands on an expiry
    def advance(self, seconds: int) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    @rule(key=st.sampled_from(["t0", "t1", "t2"]), account=st.sampled_from(["b", "s", "u"]),
          amount=st.integers(1, 20))  # fmt: skip
    def top_up(self, key: str, account: str, amount: int) -> None:
        try:
            spec = self.ledger.top_up(key, account, amount)
        except IdempotencyKeyReusedError:
            assert self.top_ups[key] != (account, amount)
            return
        if key not in self.top_ups:
            self.top_ups[key] = (account, amount)
            self.limits[account] += amount
        assert self.top_ups[key] == (account, amount)
        assert spec.limit <= self.limits[account]

    @precondition(lambda self: any(e.status == "held" for e in self.held.values()))
    @rule()
    def sweep(self) -> None:
        due = sum(1 for e in self.held.values() if e.status == "held" and e.expires <= self.clock())
        assert self.ledger.sweep() == due
        self.expire_due()

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def balances_match_the_model(self) -> None:
        self.expire_due()
        for counter in COUNTERS:
            account, subject = counter
            balance = self.ledger.balance(account, subject or None)
            assert (balance.limit, balance.reserved, balance.committed) == (
                self.limits[account],
                self.reserved[counter],
                self.committed[counter],
            )
            assert balance.reserved >= 0 and balance.committed >= 0
            assert balance.reserved + balance.committed <= balance.limit

    @invariant()
    def reservations_match_the_model(self) -> None:
        for key in KEYS:
            view = self.ledger.reservation(key)
            entry = self.held.get(key)
            assert (view is None) == (entry is None)
            if view is not None and entry is not None:
                assert view.status.value == entry.status


LedgerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_memory_ledger_matches_the_model = LedgerMachine.TestCase
