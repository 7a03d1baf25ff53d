"""An in-memory ledger: the default, for one process (thread-safe)."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from promocore.errors import ValidationError
from promocore.ledger.clock import Clock, system_clock
from promocore.ledger.errors import (
    AccountConflictError,
    CapacityError,
    IdempotencyKeyReusedError,
    ReservationClosedError,
    UnknownAccountError,
    UnknownReservationError,
)
from promocore.ledger.inputs import MAX_AMOUNT
from promocore.ledger.model import (
    AccountSpec,
    Balance,
    Draw,
    Grant,
    Reservation,
    ReservationStatus,
)
from promocore.ledger.planning import (
    Counter,
    CounterId,
    check_balance,
    check_balance_subject,
    check_fit,
    check_key,
    check_reserve,
    check_sweep,
    check_top_up,
    counter_id,
    fingerprint,
    plan,
)

_HELD = ReservationStatus.HELD


@attrs.define
class _Entry:
    fingerprint: str
    grants: tuple[Grant, ...]
    expires_at: datetime
    status: ReservationStatus

    def view(self, key: str) -> Reservation:
        return Reservation(key, self.grants, self.expires_at, self.status)


@attrs.define
class _Tally:
    reserved: int = 0
    committed: int = 0


class MemoryLedger:
    """A [`Ledger`][promocore.ledger.Ledger] kept in this process's memory.

    Safe to share between threads; gone when the process ends. Use it in tests,
    in single-process tools, and wherever losing the counters on restart is fine.

    Args:
        clock: Where the time comes from when a call gives no ``now``.
    """

    def __init__(self, *, clock: Clock = system_clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._accounts: dict[str, AccountSpec] = {}
        self._tallies: dict[CounterId, _Tally] = {}
        self._entries: dict[str, _Entry] = {}
        self._expiry: list[tuple[datetime, str]] = []
        self._top_ups: dict[str, tuple[str, int, AccountSpec]] = {}

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        if not isinstance(spec, AccountSpec):
            raise ValidationError.single(
                "spec", f"must be an AccountSpec, got {type(spec).__name__}"
            )
        with self._lock:
            stored = self._accounts.get(spec.name)
            if stored is None:
                self._accounts[spec.name] = spec
                return spec
            if (stored.kind, stored.currency) != (spec.kind, spec.currency):
                raise AccountConflictError(
                    f"account {spec.name!r} exists as {stored.kind.value}"
                    f"{' in ' + stored.currency if stored.currency else ''}"
                )
            return stored

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        check_top_up(key, account, amount)
        with self._lock:
            done = self._top_ups.get(key)
            if done is not None:
                if done[:2] != (account, amount):
                    raise IdempotencyKeyReusedError(key, "top-up")
                return done[2]
            spec = self._account(account)
            if spec.limit + amount > MAX_AMOUNT:
                raise CapacityError(f"account {account!r}: limit would exceed {MAX_AMOUNT}")
            raised = attrs.evolve(spec, limit=spec.limit + amount)
            self._accounts[account] = raised
            self._top_ups[key] = (account, amount, raised)
            return raised

    def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see `Ledger.reserve`)."""
        draws = check_reserve(key, items, ttl, now)
        moment = now or self._clock()
        digest = fingerprint(draws)
        with self._lock:
            self._reclaim(moment, None)
            entry = self._entries.get(key)
            if entry is not None:
                if entry.fingerprint != digest:
                    raise IdempotencyKeyReusedError(key)
                return entry.view(key)
            check_fit(draws, self._accounts)
            specs = [self._accounts[d.account] for d in draws]
            counters = [
                Counter(spec, tally.reserved, tally.committed)
                for spec, tally in zip(specs, map(self._tally, draws), strict=True)
            ]
            grants = plan(key, draws, counters)
            for draw, grant in zip(draws, grants, strict=True):
                self._tally(draw).reserved += grant.amount
            entry = _Entry(digest, grants, moment + ttl, _HELD)
            self._entries[key] = entry
            heapq.heappush(self._expiry, (entry.expires_at, key))
            return entry.view(key)

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        check_key(key, now)
        moment = now or self._clock()
        with self._lock:
            self._reclaim(moment, None)
            entry = self._entry(key)
            if entry.status is ReservationStatus.COMMITTED:
                return entry.view(key)
            if entry.status is not _HELD:
                raise ReservationClosedError(key, entry.status, "commit")
            self._close(entry, ReservationStatus.COMMITTED)
            return entry.view(key)

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        check_key(key, now)
        moment = now or self._clock()
        with self._lock:
            self._reclaim(moment, None)
            entry = self._entry(key)
            if entry.status is ReservationStatus.COMMITTED:
                raise ReservationClosedError(key, entry.status, "release")
            if entry.status is _HELD:
                self._close(entry, ReservationStatus.RELEASED)
            return entry.view(key)

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        check_key(key, now)
        moment = now or self._clock()
        with self._lock:
            self._reclaim(moment, None)
            entry = self._entries.get(key)
            return None if entry is None else entry.view(key)

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = now or self._clock()
        with self._lock:
            self._reclaim(moment, None)
            spec = self._account(account, "account")
            check_balance_subject(spec, subject)
            tally = self._tallies.get((account, subject or ""), _Tally())
            return Balance(
                account,
                spec.kind,
                spec.limit,
                tally.reserved,
                tally.committed,
                subject,
                spec.currency,
            )

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        moment = now or self._clock()
        with self._lock:
            return self._reclaim(moment, limit)

    def close(self) -> None:
        """Do nothing: there is no connection to free."""

    def _account(self, name: str, path: str = "account") -> AccountSpec:
        spec = self._accounts.get(name)
        if spec is None:
            raise UnknownAccountError(name, path)
        return spec

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            raise UnknownReservationError(key)
        return entry

    def _tally(self, draw: Draw | Grant) -> _Tally:
        cid = counter_id(draw) if isinstance(draw, Draw) else (draw.account, draw.subject or "")
        tally = self._tallies.get(cid)
        if tally is None:
            tally = self._tallies[cid] = _Tally()
        return tally

    def _close(self, entry: _Entry, status: ReservationStatus) -> None:
        for grant in entry.grants:
            tally = self._tally(grant)
            tally.reserved -= grant.amount
            if status is ReservationStatus.COMMITTED:
                tally.committed += grant.amount
        entry.status = status

    def _reclaim(self, moment: datetime, limit: int | None) -> int:
        count = 0
        while self._expiry and self._expiry[0][0] <= moment:
            if limit is not None and count >= limit:
                break
            _, key = heapq.heappop(self._expiry)
            entry = self._entries[key]
            if entry.status is _HELD:
                self._close(entry, ReservationStatus.EXPIRED)
                count += 1
        return count
