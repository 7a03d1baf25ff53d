"""The ledger over SQL, shared by the SQLite and PostgreSQL backends.

Tables (``{p}`` is the schema prefix):

* ``{p}ledger_accounts``: one row per account (name, kind, currency, limit).
* ``{p}ledger_counters``: reserved and committed amounts per account and subject
  (subject ``''`` for budgets and stock).
* ``{p}ledger_reservations``: every reservation ever made, by key, with its grants
  (JSON), status and expiry; a partial index on the expiry of held ones finds the
  expired quickly.
* ``{p}ledger_top_ups``: every top-up, by key.

Before any call reads or draws counters, every held reservation past its expiry
is given back (each in its own short transaction), so counters never include
expired holds.

Locking: every transaction that changes counters locks the reservation row
first and then the counter rows in (account, subject) order, so two transactions
never wait on each other in a cycle. On SQLite, ``BEGIN IMMEDIATE`` takes the
whole file instead. [`PostgresLedger`][promocore.ledger.postgres.PostgresLedger] runs
reserve and settle as server-side functions that keep the same order, and the
rest (accounts, top-ups, balances, sweeps) through this class.
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
    ReservationRefusedError,
    UnknownAccountError,
    UnknownReservationError,
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
    """A [`Ledger`][promocore.ledger.Ledger] over a SQL database.

    Use [`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger] or
    [`PostgresLedger`][promocore.ledger.postgres.PostgresLedger]; this class holds what
    they share.
    """

    def __init__(self, db: Database, *, prefix: str = "", clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self._p = prefix

    def _q(self, sql: str) -> str:
        lock = self._db.lock_rows
        return (
            sql.replace("{p}", self._p)
            .replace("{lock_c}", f"{lock} OF c" if lock else "")
            .replace("{lock}", lock)
        )

    # -- accounts ---------------------------------------------------------------------------

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
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
            return account_from_row(row)

        stored = in_transaction(self._db, work)
        if (stored.kind, stored.currency) != (spec.kind, spec.currency):
            raise AccountConflictError(
                f"account {spec.name!r} exists as {stored.kind.value}"
                f"{' in ' + stored.currency if stored.currency else ''}"
            )
        return stored

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
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
                raise Raced
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
        moment = now or self._clock()
        digest = fingerprint(draws)
        self._reclaim_before_reserve(moment)
        return _retry_raced(lambda: self._reserve_once(key, draws, digest, moment, ttl))

    def _reclaim_before_reserve(self, moment: datetime) -> None:
        self._reclaim(moment)

    def _reserve_once(
        self, key: str, draws: Sequence[Draw], digest: str, moment: datetime, ttl: timedelta
    ) -> Reservation:
        """Make the reservation in one transaction; raise ``Raced`` to be run again."""
        return in_transaction(
            self._db, lambda tx: self._reserve(tx, key, draws, digest, moment, ttl)
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
        ids = sorted({counter_id(d) for d in draws})
        tx.many(
            self._q(
                "INSERT INTO {p}ledger_counters (account, subject, reserved, committed)"
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
        expires = to_micros(moment + ttl)
        inserted = tx.one(
            self._q(
                "INSERT INTO {p}ledger_reservations"
                " (key, fingerprint, grants, status, expires_us, created_us)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING key"
            ),
            (key, digest, encode_grants(grants), _HELD, expires, to_micros(moment)),
        )
        if inserted is None:
            raise Raced
        tx.many(
            self._q(
                "UPDATE {p}ledger_counters SET reserved = reserved + ?"
                " WHERE account = ? AND subject = ?"
            ),
            [(g.amount, acc, sub) for (acc, sub), g in _by_counter(grants)],
        )
        return Reservation(key, grants, from_micros(expires), ReservationStatus.HELD)

    def _lock_counters(self, tx: Tx, ids: Sequence[CounterId]) -> dict[CounterId, Counter]:
        """Read and lock the counters ``ids``, in (account, subject) order."""
        where = " OR ".join("(c.account = ? AND c.subject = ?)" for _ in ids)
        rows = tx.all(
            self._q(
                "SELECT a.name, a.kind, a.currency, a.limit_amount, c.subject, c.reserved,"
                " c.committed FROM {p}ledger_counters c"
                " JOIN {p}ledger_accounts a ON a.name = c.account"
                f" WHERE {where} ORDER BY c.account, c.subject{{lock_c}}"
            ),
            [part for cid in ids for part in cid],
        )
        return {
            (str(r[0]), str(r[4])): Counter(account_from_row(r[:4]), int(r[5]), int(r[6]))
            for r in rows
        }

    def _specs(self, tx: Tx, names: Sequence[str]) -> dict[str, AccountSpec]:
        rows = tx.all(
            self._q(
                "SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts"
                f" WHERE name IN ({placeholders(len(names))})"
            ),
            names,
        )
        return {spec.name: spec for spec in map(account_from_row, rows)}

    def _find(self, tx: Tx | None, key: str, *, lock: bool) -> tuple[str, Reservation] | None:
        """Read a reservation in ``tx`` (locking its row), or on its own when ``tx`` is None."""
        sql = self._q(
            "SELECT fingerprint, grants, status, expires_us FROM {p}ledger_reservations"
            " WHERE key = ?" + ("{lock}" if lock else "")
        )
        if tx is None:
            rows = self._db.query(sql, (key,))
            row = rows[0] if rows else None
        else:
            row = tx.one(sql, (key,))
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
        """Move a held reservation, whose row ``tx`` has locked, to ``status``."""
        spent = 1 if status is ReservationStatus.COMMITTED else 0
        tx.many(
            self._q(
                "UPDATE {p}ledger_counters SET reserved = reserved - ?, committed = committed + ?"
                " WHERE account = ? AND subject = ?"
            ),
            [(g.amount, g.amount * spent, acc, sub) for (acc, sub), g in _by_counter(view.grants)],
        )
        tx.send(
            self._q("UPDATE {p}ledger_reservations SET status = ?, closed_us = ? WHERE key = ?"),
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
        settled = self._settle_key(key, moment, status)
        if settled is None:
            raise UnknownReservationError(key)
        view = settled[0]
        if view.status is status:
            return view
        if status is ReservationStatus.RELEASED and view.status is ReservationStatus.EXPIRED:
            return view
        raise ReservationClosedError(key, view.status, action)

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
            self._q(
                "SELECT a.name, a.kind, a.currency, a.limit_amount, c.reserved, c.committed"
                " FROM {p}ledger_accounts a LEFT JOIN {p}ledger_counters c"
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
            self._q(
                "SELECT key FROM {p}ledger_reservations WHERE status = ? AND expires_us <= ?"
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

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
