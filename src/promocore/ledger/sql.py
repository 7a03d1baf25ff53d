"""The ledger in plain SQL, as SQLite runs it.

Tables (created by [`promocore.backends.migrations`][promocore.backends.migrations]):

* ``ledger_accounts``: one row per account (name, kind, currency, limit).
* ``ledger_counters``: reserved and committed amounts per account and subject
  (subject ``''`` for budgets and stock).
* ``ledger_reservations``: every reservation ever made (until purged), by key, with its grants
  (JSON), status, expiry and when it was settled; partial indexes on the expiry of held ones and
  on the settling time of the others find expired and purgeable ones quickly.
* ``ledger_top_ups``: every top-up, by key.

Before any call reads or draws counters, every held reservation past its expiry
is given back (each in its own short transaction), so counters never include
expired holds.

Every transaction that changes something is one ``BEGIN IMMEDIATE`` transaction, which holds
the file's write lock, so transactions never interleave.
[`PostgresLedger`][promocore.ledger.postgres.PostgresLedger] keeps the same tables and rules in
server-side functions instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from promocore.backends.clock import Clock, from_micros, system_clock, to_micros
from promocore.backends.database import SQLITE, Database, Row, Tx, in_transaction
from promocore.ledger._batch import reserve_each
from promocore.ledger.errors import (
    CapacityError,
    IdempotencyKeyReusedError,
    LedgerError,
    ReservationRefusedError,
    UnknownAccountError,
)
from promocore.ledger.inputs import MAX_AMOUNT
from promocore.ledger.model import (
    AccountKind,
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
    decode_grants,
    encode_grants,
    fingerprint,
    plan,
    settled,
)
from promocore.ledger.protocol import Archive, Request

_HELD = ReservationStatus.HELD.value
T = TypeVar("T")


class Raced(Exception):
    """A call must start over.

    Another transaction won a race for the same rows, or expired holds had to be
    given back first. Never leaves the backend.
    """


def account_from_row(row: Row) -> AccountSpec:
    """Build an account from a (name, kind, currency, limit) row."""
    name, kind, currency, limit = row
    return AccountSpec(str(name), AccountKind(kind), int(limit), currency or None)


def _by_counter(grants: Sequence[Grant]) -> list[tuple[CounterId, Grant]]:
    """Pair grants with their counters, in the order rows are locked."""
    return sorted(((g.account, g.subject or ""), g) for g in grants)


def _retry_raced(call: Callable[[], T], attempts: int = 100) -> T:
    """Run ``call`` again while it loses races to transactions inserting the same rows."""
    for _ in range(attempts):
        try:
            return call()
        except Raced:
            continue
    raise RuntimeError(f"still racing other transactions after {attempts} attempts")


class SqlLedger:
    """A [`Ledger`][promocore.ledger.Ledger] over a SQLite database.

    Use [`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger], which opens the file.
    """

    def __init__(self, db: Database, *, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    # -- accounts ---------------------------------------------------------------------------

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        check_spec(spec)

        def work(tx: Tx) -> AccountSpec:
            tx.run(
                (
                    "INSERT INTO ledger_accounts (name, kind, currency, limit_amount)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
                ),
                (spec.name, spec.kind.value, spec.currency, spec.limit),
            )
            if spec.kind is not AccountKind.USAGE:
                tx.run(
                    (
                        "INSERT INTO ledger_counters (account, subject, reserved, committed)"
                        " VALUES (?, '', 0, 0) ON CONFLICT (account, subject) DO NOTHING"
                    ),
                    (spec.name,),
                )
            row = tx.one(
                ("SELECT name, kind, currency, limit_amount FROM ledger_accounts WHERE name = ?"),
                (spec.name,),
            )
            assert row is not None
            return account_from_row(row)

        return check_defined(spec, in_transaction(self._db, work))

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        check_top_up(key, account, amount)

        def work(tx: Tx) -> AccountSpec:
            done = tx.one(
                ("SELECT account, amount, limit_after FROM ledger_top_ups WHERE key = ?"),
                (key,),
            )
            spec = self._account(tx, account, "account", lock=done is None)
            if done is not None:
                if (str(done[0]), int(done[1])) != (account, amount):
                    raise IdempotencyKeyReusedError(key, "top-up")
                return AccountSpec(spec.name, spec.kind, int(done[2]), spec.currency)
            if spec.limit + amount > MAX_AMOUNT:
                raise CapacityError(f"account {account!r}: limit would exceed {MAX_AMOUNT}")
            inserted = tx.run(
                (
                    "INSERT INTO ledger_top_ups (key, account, amount, limit_after)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
                ),
                (key, account, amount, spec.limit + amount),
            )
            if inserted != 1:
                raise Raced
            tx.run(
                ("UPDATE ledger_accounts SET limit_amount = limit_amount + ? WHERE name = ?"),
                (amount, account),
            )
            return AccountSpec(spec.name, spec.kind, spec.limit + amount, spec.currency)

        return _retry_raced(lambda: in_transaction(self._db, work))

    def _account(self, tx: Tx, name: str, path: str, *, lock: bool = False) -> AccountSpec:
        row = tx.one(
            ("SELECT name, kind, currency, limit_amount FROM ledger_accounts WHERE name = ?" + ""),
            (name,),
        )
        if row is None:
            raise UnknownAccountError(name, path)
        return account_from_row(row)

    # -- reservations -----------------------------------------------------------------------

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
        return self._draw(key, draws, ttl, now)

    def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        draws = check_commit_now(key, items, now)
        return committed_now(key, self._draw(key, draws, None, now))

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

    def _draw(
        self, key: str, draws: Sequence[Draw], ttl: timedelta | None, now: datetime | None
    ) -> Reservation:
        moment = now or self._clock()
        digest = fingerprint(draws)
        self._reclaim(moment)
        return _retry_raced(
            lambda: in_transaction(
                self._db, lambda tx: self._reserve(tx, key, draws, digest, moment, ttl)
            )
        )

    def _reserve(
        self,
        tx: Tx,
        key: str,
        draws: Sequence[Draw],
        digest: str,
        moment: datetime,
        ttl: timedelta | None,
    ) -> Reservation:
        found = self._find(tx, key, lock=True)
        if found is not None:
            if found[0] != digest:
                raise IdempotencyKeyReusedError(key)
            view = self._settle(tx, key, found[1], moment)
            if ttl is None and view.status is ReservationStatus.HELD:
                view = self._close(tx, view, ReservationStatus.COMMITTED, moment)
            return view
        ids = sorted({counter_id(d) for d in draws})
        tx.many(
            (
                "INSERT INTO ledger_counters (account, subject, reserved, committed)"
                " VALUES (?, ?, 0, 0) ON CONFLICT (account, subject) DO NOTHING"
            ),
            [cid for cid in ids if cid[1]],
        )
        found_counters = self._lock_counters(tx, ids)
        specs = {counter.spec.name: counter.spec for counter in found_counters.values()}
        if len(specs) < len({d.account for d in draws}):
            specs.update(self._specs(tx, [d.account for d in draws if d.account not in specs]))
        check_fit(draws, specs)
        if len(found_counters) != len(ids):  # created by a transaction not yet visible
            raise Raced
        counters = [found_counters[counter_id(d)] for d in draws]
        try:
            grants = plan(key, draws, counters)
        except ReservationRefusedError:
            # A concurrent call with this key may have taken the last of an account while
            # this one waited for the counter locks; it is this call's result, not a refusal.
            if self._find(tx, key, lock=False) is not None:
                raise Raced from None
            raise
        commit = ttl is None
        now_us = to_micros(moment)
        expires = now_us if ttl is None else to_micros(moment + ttl)
        status = ReservationStatus.COMMITTED if commit else ReservationStatus.HELD
        inserted = tx.one(
            (
                "INSERT INTO ledger_reservations"
                " (key, fingerprint, grants, status, expires_us, created_us, closed_us)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING key"
            ),
            (
                key, digest, encode_grants(grants), status.value, expires, now_us,
                now_us if commit else None,
            ),
        )  # fmt: skip
        if inserted is None:
            raise Raced
        column = "committed" if commit else "reserved"
        tx.many(
            f"UPDATE ledger_counters SET {column} = {column} + ? WHERE account = ? AND subject = ?",
            [(g.amount, acc, sub) for (acc, sub), g in _by_counter(grants)],
        )
        return Reservation(key, grants, from_micros(expires), status)

    def _lock_counters(self, tx: Tx, ids: Sequence[CounterId]) -> dict[CounterId, Counter]:
        """Read and lock the counters ``ids``, in (account, subject) order."""
        where = " OR ".join("(c.account = ? AND c.subject = ?)" for _ in ids)
        rows = tx.all(
            (
                "SELECT a.name, a.kind, a.currency, a.limit_amount, c.subject, c.reserved,"
                " c.committed FROM ledger_counters c"
                " JOIN ledger_accounts a ON a.name = c.account"
                f" WHERE {where} ORDER BY c.account, c.subject"
            ),
            [part for cid in ids for part in cid],
        )
        return {
            (str(r[0]), str(r[4])): Counter(account_from_row(r[:4]), int(r[5]), int(r[6]))
            for r in rows
        }

    def _specs(self, tx: Tx, names: Sequence[str]) -> dict[str, AccountSpec]:
        rows = tx.all(
            (
                "SELECT name, kind, currency, limit_amount FROM ledger_accounts"
                f" WHERE name IN ({SQLITE.params(len(names))})"
            ),
            names,
        )
        return {spec.name: spec for spec in map(account_from_row, rows)}

    def _find(self, tx: Tx | None, key: str, *, lock: bool) -> tuple[str, Reservation] | None:
        """Read a reservation in ``tx`` (locking its row), or on its own when ``tx`` is None."""
        sql = (
            "SELECT fingerprint, grants, status, expires_us FROM ledger_reservations WHERE key = ?"
        )
        if tx is None:
            rows = self._db.query(sql, (key,))
            row = rows[0] if rows else None
        else:
            row = tx.one(sql, (key,))
        if row is None:
            return None
        return str(row[0]), _reservation_of((key, *row[1:]))

    def _settle(self, tx: Tx, key: str, view: Reservation, moment: datetime) -> Reservation:
        """Expire ``view`` if it is held past its time; the row must be locked."""
        if view.status is ReservationStatus.HELD and view.expires_at <= moment:
            return self._close(tx, view, ReservationStatus.EXPIRED, moment)
        return view

    def _close(
        self, tx: Tx, view: Reservation, status: ReservationStatus, moment: datetime
    ) -> Reservation:
        """Move a held reservation, whose row ``tx`` has locked, to ``status``."""
        spent = 1 if status is ReservationStatus.COMMITTED else 0
        tx.many(
            (
                "UPDATE ledger_counters SET reserved = reserved - ?, committed = committed + ?"
                " WHERE account = ? AND subject = ?"
            ),
            [(g.amount, g.amount * spent, acc, sub) for (acc, sub), g in _by_counter(view.grants)],
        )
        tx.run(
            ("UPDATE ledger_reservations SET status = ?, closed_us = ? WHERE key = ?"),
            (status.value, to_micros(moment), view.key),
        )
        return Reservation(view.key, view.grants, view.expires_at, status)

    def _settle_key(
        self, key: str, moment: datetime, action: ReservationStatus | None
    ) -> tuple[Reservation, bool] | None:
        """Lock reservation ``key``; expire it if due, else move it to ``action`` if held.

        Returns:
            The reservation afterwards and whether this call changed it, or ``None``
            when there is no reservation with this key.
        """

        def work(tx: Tx) -> tuple[Reservation, bool] | None:
            found = self._find(tx, key, lock=True)
            if found is None:
                return None
            view = self._settle(tx, key, found[1], moment)
            if view.status is ReservationStatus.HELD and action is not None:
                view = self._close(tx, view, action, moment)
            return view, view.status is not found[1].status

        return in_transaction(self._db, work)

    def _finish(
        self, key: str, now: datetime | None, status: ReservationStatus, action: str
    ) -> Reservation:
        check_key(key, now)
        moment = now or self._clock()
        found = self._settle_key(key, moment, status)
        return settled(key, None if found is None else found[0], status)

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return self._finish(key, now, ReservationStatus.COMMITTED, "commit")

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        return self._finish(key, now, ReservationStatus.RELEASED, "release")

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        check_key(key, now)
        moment = now or self._clock()
        found = self._find(None, key, lock=False)
        if found is None:
            return None
        view = found[1]
        if view.status is ReservationStatus.HELD and view.expires_at <= moment:
            return self._expire(key, moment)[0] or view
        return view

    def _expire(self, key: str, moment: datetime) -> tuple[Reservation | None, bool]:
        """Expire ``key`` if it is held past its time; say whether this call did it."""
        settled = self._settle_key(key, moment, None)
        return (None, False) if settled is None else settled

    # -- balances and expiry ----------------------------------------------------------------

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = now or self._clock()
        self._reclaim(moment)
        rows = self._db.query(
            (
                "SELECT a.name, a.kind, a.currency, a.limit_amount, c.reserved, c.committed"
                " FROM ledger_accounts a LEFT JOIN ledger_counters c"
                " ON c.account = a.name AND c.subject = ? WHERE a.name = ?"
            ),
            (subject or "", account),
        )
        if not rows:
            raise UnknownAccountError(account, "account")
        spec = account_from_row(rows[0][:4])
        check_balance_subject(spec, subject)
        reserved, committed = (int(rows[0][4] or 0), int(rows[0][5] or 0))
        return Balance(account, spec.kind, spec.limit, reserved, committed, subject, spec.currency)

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        moment = now or self._clock()
        return sum(self._expire(key, moment)[1] for key in self._expired(moment, limit))

    def _expired(self, moment: datetime, limit: int) -> list[str]:
        rows = self._db.query(
            (
                "SELECT key FROM ledger_reservations WHERE status = ? AND expires_us <= ?"
                " ORDER BY expires_us LIMIT ?"
            ),
            (_HELD, to_micros(moment), limit),
        )
        return [str(row[0]) for row in rows]

    def _reclaim(self, moment: datetime, batch: int = 100) -> None:
        """Give back every reservation expired at ``moment``."""
        while True:
            keys = self._expired(moment, batch)
            for key in keys:
                self._expire(key, moment)
            if len(keys) < batch:
                return

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
        cutoff = to_micros((now or self._clock()) - older_than)

        def work(tx: Tx) -> int:
            rows = tx.all(
                "SELECT key, grants, status, expires_us FROM ledger_reservations"
                " WHERE status <> 'held' AND closed_us < ? ORDER BY closed_us LIMIT ?",
                (cutoff, batch),
            )
            if archive is not None and rows:
                archive([_reservation_of(row) for row in rows])
            tx.many("DELETE FROM ledger_reservations WHERE key = ?", [(row[0],) for row in rows])
            return len(rows)

        total = 0
        while True:
            count = in_transaction(self._db, work)
            total += count
            if count < batch:
                return total

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def _reservation_of(row: Row) -> Reservation:
    """Build a reservation from a (key, grants, status, expires_us) row."""
    key, grants, status, expires = row
    return Reservation(
        str(key), decode_grants(str(grants)), from_micros(int(expires)), ReservationStatus(status)
    )
