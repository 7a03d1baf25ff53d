"""The ledger over SQL, shared by the SQLite and PostgreSQL backends.

Tables (``{p}`` is the schema prefix):

* ``{p}ledger_accounts``: one row per account (name, kind, currency, limit).
* ``{p}ledger_counters``: reserved and committed amounts per account and subject
  (subject ``''`` for budgets and stock).
* ``{p}ledger_reservations``: every reservation ever made, by key, with its grants.
* ``{p}ledger_holds``: one row per item of each reservation still held, indexed by
  account and expiry so that expired holds are found quickly.
* ``{p}ledger_top_ups``: every top-up, by key.

Locking: every transaction that changes counters locks the reservation row
first and then the counter rows in (account, subject) order, so two transactions
never wait on each other in a cycle. On SQLite, ``BEGIN IMMEDIATE`` takes the
whole file instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from promocore.backends.database import Database, Row, Tx, in_transaction, placeholders
from promocore.errors import ValidationError
from promocore.ledger.clock import Clock, from_micros, system_clock, to_micros
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
    AccountKind,
    AccountSpec,
    Balance,
    Draw,
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
    decode_grants,
    encode_grants,
    fingerprint,
    plan,
)

_HELD = ReservationStatus.HELD.value
T = TypeVar("T")


class _Raced(Exception):
    """Another transaction inserted the same key first; try again."""


def _spec(row: Row) -> AccountSpec:
    name, kind, currency, limit = row
    return AccountSpec(str(name), AccountKind(kind), int(limit), currency or None)


def _retry_raced(call: Callable[[], T], attempts: int = 100) -> T:
    """Run ``call`` again while it loses races to transactions inserting the same rows."""
    for _ in range(attempts):
        try:
            return call()
        except _Raced:
            continue
    raise RuntimeError(f"still racing other transactions after {attempts} attempts")


class SqlLedger:
    """A :class:`~promocore.ledger.Ledger` over a SQL database.

    Use :class:`~promocore.ledger.sqlite.SqliteLedger` or
    :class:`~promocore.ledger.postgres.PostgresLedger`; this class holds what
    they share.
    """

    def __init__(self, db: Database, *, prefix: str = "", clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self._p = prefix

    def _q(self, sql: str) -> str:
        return sql.replace("{p}", self._p).replace("{lock}", self._db.lock_rows)

    # -- accounts ---------------------------------------------------------------------------

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see :meth:`Ledger.define`)."""
        if not isinstance(spec, AccountSpec):
            raise ValidationError.single(
                "spec", f"must be an AccountSpec, got {type(spec).__name__}"
            )

        def work(tx: Tx) -> AccountSpec:
            tx.run(
                self._q(
                    "INSERT INTO {p}ledger_accounts (name, kind, currency, limit_amount)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
                ),
                (spec.name, spec.kind.value, spec.currency, spec.limit),
            )
            if spec.kind is not AccountKind.USAGE:
                tx.run(
                    self._q(
                        "INSERT INTO {p}ledger_counters (account, subject, reserved, committed)"
                        " VALUES (?, '', 0, 0) ON CONFLICT (account, subject) DO NOTHING"
                    ),
                    (spec.name,),
                )
            row = tx.one(
                self._q(
                    "SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts"
                    " WHERE name = ?"
                ),
                (spec.name,),
            )
            assert row is not None
            return _spec(row)

        stored = in_transaction(self._db, work)
        if (stored.kind, stored.currency) != (spec.kind, spec.currency):
            raise AccountConflictError(
                f"account {spec.name!r} exists as {stored.kind.value}"
                f"{' in ' + stored.currency if stored.currency else ''}"
            )
        return stored

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see :meth:`Ledger.top_up`)."""
        check_top_up(key, account, amount)

        def work(tx: Tx) -> AccountSpec:
            done = tx.one(
                self._q("SELECT account, amount, limit_after FROM {p}ledger_top_ups WHERE key = ?"),
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
                self._q(
                    "INSERT INTO {p}ledger_top_ups (key, account, amount, limit_after)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
                ),
                (key, account, amount, spec.limit + amount),
            )
            if inserted != 1:
                raise _Raced
            tx.run(
                self._q(
                    "UPDATE {p}ledger_accounts SET limit_amount = limit_amount + ? WHERE name = ?"
                ),
                (amount, account),
            )
            return AccountSpec(spec.name, spec.kind, spec.limit + amount, spec.currency)

        return _retry_raced(lambda: in_transaction(self._db, work))

    def _account(self, tx: Tx, name: str, path: str, *, lock: bool = False) -> AccountSpec:
        row = tx.one(
            self._q(
                "SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts WHERE name = ?"
                + ("{lock}" if lock else "")
            ),
            (name,),
        )
        if row is None:
            raise UnknownAccountError(name, path)
        return _spec(row)

    # -- reservations -----------------------------------------------------------------------

    def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see :meth:`Ledger.reserve`)."""
        draws = check_reserve(key, items, ttl, now)
        moment = now or self._clock()
        digest = fingerprint(draws)
        self._reclaim_accounts(sorted({d.account for d in draws}), moment)
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
        ttl: timedelta,
    ) -> Reservation:
        found = self._find(tx, key, lock=True)
        if found is not None:
            if found[0] != digest:
                raise IdempotencyKeyReusedError(key)
            return self._settle(tx, key, found[1], moment)
        names = sorted({d.account for d in draws})
        rows = tx.all(
            self._q(
                "SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts"
                f" WHERE name IN ({placeholders(len(names))})"
            ),
            names,
        )
        specs = {spec.name: spec for spec in map(_spec, rows)}
        check_fit(draws, specs)
        ids = sorted({counter_id(d) for d in draws})
        tx.many(
            self._q(
                "INSERT INTO {p}ledger_counters (account, subject, reserved, committed)"
                " VALUES (?, ?, 0, 0) ON CONFLICT (account, subject) DO NOTHING"
            ),
            [cid for cid in ids if cid[1]],
        )
        tallies = self._lock_counters(tx, ids)
        counters = [Counter(specs[d.account], *tallies[counter_id(d)]) for d in draws]
        grants = plan(key, draws, counters)
        expires = to_micros(moment + ttl)
        inserted = tx.run(
            self._q(
                "INSERT INTO {p}ledger_reservations"
                " (key, fingerprint, grants, status, expires_us, created_us)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
            ),
            (key, digest, encode_grants(grants), _HELD, expires, to_micros(moment)),
        )
        if inserted != 1:
            raise _Raced
        changes = sorted(
            (counter_id(d), g.amount) for d, g in zip(draws, grants, strict=True) if g.amount
        )
        tx.many(
            self._q(
                "UPDATE {p}ledger_counters SET reserved = reserved + ?"
                " WHERE account = ? AND subject = ?"
            ),
            [(amount, acc, sub) for (acc, sub), amount in changes],
        )
        tx.many(
            self._q(
                "INSERT INTO {p}ledger_holds (reservation, account, subject, amount, expires_us)"
                " VALUES (?, ?, ?, ?, ?)"
            ),
            [(key, acc, sub, amount, expires) for (acc, sub), amount in changes],
        )
        return Reservation(key, grants, from_micros(expires), ReservationStatus.HELD)

    def _lock_counters(self, tx: Tx, ids: Sequence[CounterId]) -> dict[CounterId, tuple[int, int]]:
        where = " OR ".join("(account = ? AND subject = ?)" for _ in ids)
        rows = tx.all(
            self._q(
                "SELECT account, subject, reserved, committed FROM {p}ledger_counters"
                f" WHERE {where} ORDER BY account, subject{{lock}}"
            ),
            [part for cid in ids for part in cid],
        )
        tallies = {(str(r[0]), str(r[1])): (int(r[2]), int(r[3])) for r in rows}
        if len(tallies) != len(ids):  # a counter row was created by a transaction not yet visible
            raise _Raced
        return tallies

    def _find(self, tx: Tx, key: str, *, lock: bool) -> tuple[str, Reservation] | None:
        row = tx.one(
            self._q(
                "SELECT fingerprint, grants, status, expires_us FROM {p}ledger_reservations"
                " WHERE key = ?" + ("{lock}" if lock else "")
            ),
            (key,),
        )
        if row is None:
            return None
        digest, grants, status, expires = row
        view = Reservation(
            key,
            decode_grants(str(grants)),
            from_micros(int(expires)),
            ReservationStatus(status),
        )
        return str(digest), view

    def _settle(self, tx: Tx, key: str, view: Reservation, moment: datetime) -> Reservation:
        """Expire ``view`` if it is held past its time; the row must be locked."""
        if view.status is ReservationStatus.HELD and view.expires_at <= moment:
            return self._close(tx, view, ReservationStatus.EXPIRED, moment)
        return view

    def _close(
        self, tx: Tx, view: Reservation, status: ReservationStatus, moment: datetime
    ) -> Reservation:
        holds = tx.all(
            self._q(
                "SELECT account, subject, amount FROM {p}ledger_holds WHERE reservation = ?"
                " ORDER BY account, subject"
            ),
            (view.key,),
        )
        spent = 1 if status is ReservationStatus.COMMITTED else 0
        tx.many(
            self._q(
                "UPDATE {p}ledger_counters SET reserved = reserved - ?, committed = committed + ?"
                " WHERE account = ? AND subject = ?"
            ),
            [(int(amount), int(amount) * spent, acc, sub) for acc, sub, amount in holds],
        )
        tx.run(self._q("DELETE FROM {p}ledger_holds WHERE reservation = ?"), (view.key,))
        tx.run(
            self._q("UPDATE {p}ledger_reservations SET status = ?, closed_us = ? WHERE key = ?"),
            (status.value, to_micros(moment), view.key),
        )
        return Reservation(view.key, view.grants, view.expires_at, status)

    def _finish(
        self, key: str, now: datetime | None, status: ReservationStatus, action: str
    ) -> Reservation:
        check_key(key, now)
        moment = now or self._clock()

        def work(tx: Tx) -> Reservation:
            found = self._find(tx, key, lock=True)
            if found is None:
                raise UnknownReservationError(key)
            view = self._settle(tx, key, found[1], moment)
            if view.status is ReservationStatus.HELD:
                return self._close(tx, view, status, moment)
            return view

        view = in_transaction(self._db, work)
        if view.status is status:
            return view
        if status is ReservationStatus.RELEASED and view.status is ReservationStatus.EXPIRED:
            return view
        raise ReservationClosedError(key, view.status, action)

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see :meth:`Ledger.commit`)."""
        return self._finish(key, now, ReservationStatus.COMMITTED, "commit")

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see :meth:`Ledger.release`)."""
        return self._finish(key, now, ReservationStatus.RELEASED, "release")

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        check_key(key, now)
        moment = now or self._clock()
        with self._db.read() as tx:
            found = self._find(tx, key, lock=False)
        if found is None:
            return None
        view = found[1]
        if view.status is ReservationStatus.HELD and view.expires_at <= moment:
            return self._expire(key, moment)[0] or view
        return view

    def _expire(self, key: str, moment: datetime) -> tuple[Reservation | None, bool]:
        """Expire ``key`` if it is held past its time; say whether this call did it."""

        def work(tx: Tx) -> tuple[Reservation | None, bool]:
            found = self._find(tx, key, lock=True)
            if found is None:
                return None, False
            view = self._settle(tx, key, found[1], moment)
            return view, view.status is not found[1].status

        return in_transaction(self._db, work)

    # -- balances and expiry ----------------------------------------------------------------

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see :meth:`Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = now or self._clock()
        self._reclaim_accounts([account], moment)
        with self._db.read() as tx:
            spec = self._account(tx, account, "account")
            check_balance_subject(spec, subject)
            row = tx.one(
                self._q(
                    "SELECT reserved, committed FROM {p}ledger_counters"
                    " WHERE account = ? AND subject = ?"
                ),
                (account, subject or ""),
            )
        reserved, committed = (int(row[0]), int(row[1])) if row else (0, 0)
        return Balance(account, spec.kind, spec.limit, reserved, committed, subject, spec.currency)

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        moment = now or self._clock()
        with self._db.read() as tx:
            rows = tx.all(
                self._q(
                    "SELECT key FROM {p}ledger_reservations WHERE status = ? AND expires_us <= ?"
                    " ORDER BY expires_us LIMIT ?"
                ),
                (_HELD, to_micros(moment), limit),
            )
        return self._expire_all([str(r[0]) for r in rows], moment)

    def _reclaim_accounts(self, accounts: Sequence[str], moment: datetime) -> int:
        with self._db.read() as tx:
            rows = tx.all(
                self._q(
                    "SELECT DISTINCT reservation FROM {p}ledger_holds"
                    f" WHERE account IN ({placeholders(len(accounts))}) AND expires_us <= ?"
                ),
                [*accounts, to_micros(moment)],
            )
        return self._expire_all(sorted(str(r[0]) for r in rows), moment)

    def _expire_all(self, keys: Sequence[str], moment: datetime) -> int:
        return sum(self._expire(key, moment)[1] for key in keys)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
