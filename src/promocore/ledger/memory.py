"""An in-memory ledger: the default, for one process (thread-safe)."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from promocore.backends.clock import Clock, system_clock
from promocore.ledger._batch import reserve_each
from promocore.ledger.errors import (
    CapacityError,
    IdempotencyKeyReusedError,
    LedgerError,
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
    check_commit_now,
    check_defined,
    check_fit,
    check_key,
    check_purge,
    check_reserve,
    check_spec,
    check_sweep,
    check_top_up,
    committed_now,
    counter_id,
    fingerprint,
    plan,
)
from promocore.ledger.protocol import Archive, Request

_HELD = ReservationStatus.HELD


@attrs.define
class _Entry:
    fingerprint: str
    grants: tuple[Grant, ...]
    expires_at: datetime
    status: ReservationStatus
    closed_at: datetime | None = None

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
        check_spec(spec)
        with self._lock:
            stored = self._accounts.get(spec.name)
            if stored is None:
                self._accounts[spec.name] = spec
                return spec
            return check_defined(spec, stored)

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
        return self._reserve(key, draws, ttl, now, commit=False)

    def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        draws = check_commit_now(key, items, now)
        return self._reserve(key, draws, None, now, commit=True)

    def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make each reservation of a batch (see `Ledger.reserve_many`)."""
        return reserve_each(self, requests, ttl, commit, now)

    def _reserve(
        self,
        key: str,
        draws: Sequence[Draw],
        ttl: timedelta | None,
        now: datetime | None,
        *,
        commit: bool,
    ) -> Reservation:
        moment = now or self._clock()
        digest = fingerprint(draws)
        with self._lock:
            self._reclaim(moment, None)
            entry = self._entries.get(key)
            if entry is not None:
                if entry.fingerprint != digest:
                    raise IdempotencyKeyReusedError(key)
                if commit and entry.status is _HELD:
                    self._close(entry, ReservationStatus.COMMITTED, moment)
                view = entry.view(key)
                return committed_now(key, view) if commit else view
            check_fit(draws, self._accounts)
            specs = [self._accounts[d.account] for d in draws]
            counters = [
                Counter(spec, tally.reserved, tally.committed)
                for spec, tally in zip(specs, map(self._tally, draws), strict=True)
            ]
            grants = plan(key, draws, counters)
            if commit:
                for draw, grant in zip(draws, grants, strict=True):
                    self._tally(draw).committed += grant.amount
                entry = _Entry(digest, grants, moment, ReservationStatus.COMMITTED, moment)
            else:
                assert ttl is not None
                for draw, grant in zip(draws, grants, strict=True):
                    self._tally(draw).reserved += grant.amount
                entry = _Entry(digest, grants, moment + ttl, _HELD)
                heapq.heappush(self._expiry, (entry.expires_at, key))
            self._entries[key] = entry
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
            self._close(entry, ReservationStatus.COMMITTED, moment)
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
                self._close(entry, ReservationStatus.RELEASED, moment)
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

    def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Archive | None = None,
    ) -> int:
        """Delete reservations settled more than ``older_than`` ago (see `Ledger.purge`)."""
        check_purge(older_than, now, batch)
        cutoff = (now or self._clock()) - older_than
        total = 0
        while True:
            with self._lock:
                old = [
                    (key, entry)
                    for key, entry in self._entries.items()
                    if entry.closed_at is not None and entry.closed_at < cutoff
                ][:batch]
            if archive is not None and old:
                archive([entry.view(key) for key, entry in old])
            with self._lock:
                for key, entry in old:
                    if self._entries.get(key) is entry:
                        del self._entries[key]
            total += len(old)
            if len(old) < batch:
                return total

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

    def _close(self, entry: _Entry, status: ReservationStatus, moment: datetime) -> None:
        for grant in entry.grants:
            tally = self._tally(grant)
            tally.reserved -= grant.amount
            if status is ReservationStatus.COMMITTED:
                tally.committed += grant.amount
        entry.status = status
        entry.closed_at = moment

    def _reclaim(self, moment: datetime, limit: int | None) -> int:
        count = 0
        while self._expiry and self._expiry[0][0] <= moment:
            if limit is not None and count >= limit:
                break
            _, key = heapq.heappop(self._expiry)
            entry = self._entries.get(key)
            if entry is not None and entry.status is _HELD:
                self._close(entry, ReservationStatus.EXPIRED, moment)
                count += 1
        return count
