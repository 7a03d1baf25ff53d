"""A ledger in PostgreSQL: for many processes on many machines.

Needs the ``promocore[postgres]`` extra (psycopg 3 and psycopg_pool). Every call is one
statement, most of them one call of a server-side function, so one round trip and one
transaction: ``ledger_draw`` reserves (and with ``reserve_and_commit`` spends at once),
``ledger_settle`` commits, releases and expires, ``ledger_define`` and ``ledger_top_up`` manage
accounts. The tables and functions are created, or upgraded from an older promocore, on first
use (see [`create_schema`][promocore.backends.postgres.create_schema]).
[`PostgresLedger`][promocore.ledger.postgres.PostgresLedger] and
[`AsyncPostgresLedger`][promocore.ledger.postgres.AsyncPostgresLedger] share the statements and
the decoding below, and may share one schema.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from promocore.backends.clock import Clock, from_micros, system_clock, to_micros
from promocore.backends.database import Row
from promocore.backends.postgres import (
    AsyncPostgresDatabase,
    PostgresDatabase,
    create_schema,
    schema_sql,
)
from promocore.ledger.errors import (
    CapacityError,
    IdempotencyKeyReusedError,
    LedgerError,
    UnknownAccountError,
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
    batch_accounts,
    check_balance,
    check_balance_subject,
    check_batch,
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
    decode_grants,
    fingerprint,
    refused,
    settled,
)
from promocore.ledger.protocol import Archive, Request
from promocore.ledger.sql import account_from_row

__all__ = ["AsyncPostgresLedger", "PostgresLedger", "create_schema", "schema_sql"]

_COMMITTED = ReservationStatus.COMMITTED
_RACES = 100


class _Statements:
    """The ledger's statements for one schema."""

    def __init__(self, prefix: str) -> None:
        p = prefix
        self.draw = f"SELECT * FROM {p}ledger_draw(%s, %s, %s, %s, %s, %s)"
        self.settle = f"SELECT * FROM {p}ledger_settle(%s, %s, %s)"
        self.define = f"SELECT * FROM {p}ledger_define(%s, %s, %s, %s)"
        self.top_up = f"SELECT * FROM {p}ledger_top_up(%s, %s, %s, %s)"
        self.accounts = (
            f"SELECT name, kind, currency, limit_amount FROM {p}ledger_accounts"
            " WHERE name = ANY(%s::text[])"
        )
        self.balance = (
            "SELECT a.kind, a.currency, a.limit_amount, c.reserved, c.committed,"
            f" EXISTS (SELECT 1 FROM {p}ledger_reservations"
            "          WHERE status = 'held' AND expires_us <= %s)"
            f" FROM {p}ledger_accounts a LEFT JOIN {p}ledger_counters c"
            " ON c.account = a.name AND c.subject = %s WHERE a.name = %s"
        )
        self.expired = (
            f"SELECT key FROM {p}ledger_reservations WHERE status = 'held' AND expires_us <= %s"
            " ORDER BY expires_us LIMIT %s"
        )
        self.purge = (
            f"DELETE FROM {p}ledger_reservations r USING ("
            f" SELECT key FROM {p}ledger_reservations"
            "  WHERE status <> 'held' AND closed_us < %s ORDER BY closed_us LIMIT %s"
            "  FOR UPDATE SKIP LOCKED) d"
            " WHERE r.key = d.key RETURNING r.key, r.grants, r.status, r.expires_us"
        )


class _Raced(Exception):
    """Expired holds had to be given back first: the draw must run again."""


class _PostgresLedgerCodec:
    """What the sync and asyncio PostgreSQL ledgers share: statements, arguments, replies."""

    def __init__(self, prefix: str, clock: Clock) -> None:
        self._sql = _Statements(prefix)
        self._clock = clock
        self._cache: dict[str, AccountSpec] = {}
        self._cache_lock = threading.Lock()

    def _now(self, now: datetime | None) -> datetime:
        return now or self._clock()

    def _cached(self, names: Sequence[str]) -> tuple[dict[str, AccountSpec], list[str]]:
        with self._cache_lock:
            known = {n: self._cache[n] for n in names if n in self._cache}
        return known, [n for n in names if n not in known]

    def _remember(self, rows: Sequence[Row]) -> dict[str, AccountSpec]:
        found = {spec.name: spec for spec in map(account_from_row, rows)}
        with self._cache_lock:
            self._cache.update(found)
        return found

    def _define_args(self, spec: AccountSpec) -> tuple[object, ...]:
        check_spec(spec)
        return (spec.name, spec.kind.value, spec.currency, spec.limit)

    def _defined(self, spec: AccountSpec, rows: Sequence[Row]) -> AccountSpec:
        kind, currency, limit = rows[0]
        stored = account_from_row((spec.name, kind, currency, limit))
        self._remember([(spec.name, kind, currency, limit)])
        return check_defined(spec, stored)

    def _topped_up(self, key: str, account: str, amount: int, rows: Sequence[Row]) -> AccountSpec:
        outcome, found_account, found_amount, after = rows[0]
        if outcome == "unknown":
            raise UnknownAccountError(account, "account")
        if outcome == "capacity":
            raise CapacityError(f"account {account!r}: limit would exceed {MAX_AMOUNT}")
        if (found_account, int(found_amount)) != (account, amount):
            raise IdempotencyKeyReusedError(key, "top-up")
        spec = self._cache.get(account)
        if spec is None:  # pragma: no cover - _known ran before
            raise UnknownAccountError(account, "account")
        return AccountSpec(account, spec.kind, int(after), spec.currency)

    def _draw_args(
        self, key: str, draws: Sequence[Draw], moment: datetime, ttl: timedelta | None
    ) -> tuple[object, ...]:
        now_us = to_micros(moment)
        return (
            key,
            fingerprint(draws),
            now_us,
            now_us if ttl is None else to_micros(moment + ttl),
            ttl is None,
            "\x1e".join(
                f"{d.account}\x1f{d.subject or ''}\x1f{d.amount}\x1f{'1' if d.partial else '0'}"
                for d in draws
            ),
        )

    def _drawn(
        self, key: str, draws: Sequence[Draw], digest: str, commit: bool, rows: Sequence[Row]
    ) -> Reservation:
        outcome, found_digest, grants, status, expires = rows[0]
        if outcome == "expired":
            raise _Raced
        if outcome == "refused":
            pairs = []
            for part in str(found_digest).rstrip(",").split(","):
                index, available = (int(x) for x in part.split(":"))
                pairs.append((index, available))
            raise refused(key, draws, pairs)
        view = Reservation(
            key, decode_grants(grants), from_micros(expires), ReservationStatus(status)
        )
        if outcome == "found":
            if found_digest != digest:
                raise IdempotencyKeyReusedError(key)
            if commit:
                return committed_now(key, view)
        return view

    def _settled(self, key: str, rows: Sequence[Row]) -> Reservation | None:
        if not rows:
            return None
        _, grants, status, expires, _changed = rows[0]
        return Reservation(
            key, decode_grants(grants), from_micros(expires), ReservationStatus(status)
        )

    def _balance_of(self, account: str, subject: str | None, row: Row) -> Balance:
        kind, currency, limit, reserved, committed, _ = row
        return Balance(
            account,
            AccountKind(kind),
            int(limit),
            int(reserved or 0),
            int(committed or 0),
            subject,
            currency or None,
        )


def _purged(rows: Sequence[Row]) -> list[Reservation]:
    return [
        Reservation(str(k), decode_grants(g), from_micros(int(e)), ReservationStatus(s))
        for k, g, s, e in rows
    ]


class PostgresLedger(_PostgresLedgerCodec):
    """A [`Ledger`][promocore.ledger.Ledger] in PostgreSQL.

    Every call is one statement on a pooled connection: one round trip, one transaction
    (one durable commit), with the statement prepared on the server. Reserving locks the
    counter rows in (account, subject) order; settling locks the reservation row first and
    its counters after it in the same order, so concurrent calls never deadlock. A call that
    met a broken connection (a server restart) runs again on a fresh one, which is safe since
    every call is idempotent.

    Args:
        source: A libpq connection string or URL (the ledger keeps a pool per process), the
            application's ``psycopg_pool.ConnectionPool``, or its ``psycopg.Connection`` (see
            [`promocore.backends.postgres`][promocore.backends.postgres]).
        schema: The schema holding the tables (created or upgraded on first use).
        clock: Where the time comes from when a call gives no ``now``.
        min_size: Connections the ledger's own pool keeps open per process.
        max_size: Most connections the ledger's own pool opens per process.
        prepare: Prepare statements on the server.
        migrate: Create or upgrade the schema on first use (the role needs the rights);
            with ``False``, run [`create_schema`][promocore.backends.postgres.create_schema]
            at deployment instead.
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        source: Any,
        *,
        schema: str = "promocore",
        clock: Clock = system_clock,
        min_size: int = 1,
        max_size: int = 4,
        prepare: bool = True,
        migrate: bool = True,
        retry_for: timedelta = timedelta(seconds=30),
    ) -> None:
        self._db = PostgresDatabase(
            source,
            schema,
            min_size=min_size,
            max_size=max_size,
            prepare=prepare,
            migrate=migrate,
            retry_for=retry_for,
        )
        super().__init__(self._db.dialect.prefix, clock)

    def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        """Return the accounts among ``names`` (kind and currency never change)."""
        known, missing = self._cached(names)
        if missing:
            known.update(self._remember(self._db.query_idempotent(self._sql.accounts, (missing,))))
        return known

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        rows = self._db.query_idempotent(self._sql.define, self._define_args(spec))
        return self._defined(spec, rows)

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        check_top_up(key, account, amount)
        self._known([account])
        rows = self._db.query_idempotent(self._sql.top_up, (key, account, amount, MAX_AMOUNT))
        return self._topped_up(key, account, amount, rows)

    def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see `Ledger.reserve`)."""
        return self._draw(key, check_reserve(key, items, ttl, now), ttl, now)

    def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        return self._draw(key, check_commit_now(key, items, now), None, now)

    def _draw(
        self, key: str, draws: Sequence[Draw], ttl: timedelta | None, now: datetime | None
    ) -> Reservation:
        moment = self._now(now)
        check_fit(draws, self._known(sorted({d.account for d in draws})))
        args = self._draw_args(key, draws, moment, ttl)
        for _ in range(_RACES):
            rows = self._db.query_idempotent(self._sql.draw, args)
            try:
                return self._drawn(key, draws, str(args[1]), ttl is None, rows)
            except _Raced:
                self._reclaim(moment)
        raise RuntimeError(f"still racing expired holds after {_RACES} attempts")

    def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make many reservations in one round trip (see `Ledger.reserve_many`)."""
        checked = check_batch(requests, ttl, now, commit=commit)
        moment = self._now(now)
        known = self._known(batch_accounts(requests))
        out: list[Reservation | LedgerError | None] = []
        pending: list[tuple[int, str, tuple[Draw, ...], tuple[object, ...]]] = []
        for key, draws in checked:
            try:
                check_fit(draws, known)
            except LedgerError as error:
                out.append(error)
                continue
            args = self._draw_args(key, draws, moment, None if commit else ttl)
            pending.append((len(out), key, draws, args))
            out.append(None)
        results = self._db.pipeline([(self._sql.draw, p[3]) for p in pending]) if pending else []
        for (index, key, draws, args), rows in zip(pending, results, strict=True):
            try:
                out[index] = self._drawn(key, draws, str(args[1]), commit, rows)
            except _Raced:
                out[index] = self._one(key, draws, None if commit else ttl, moment)
            except LedgerError as error:
                out[index] = error
        return [r for r in out if r is not None]

    def _one(
        self, key: str, draws: Sequence[Draw], ttl: timedelta | None, moment: datetime
    ) -> Reservation | LedgerError:
        try:
            return self._draw(key, draws, ttl, moment)
        except LedgerError as error:
            return error

    def _settle(self, key: str, now: datetime | None, action: str) -> Reservation | None:
        check_key(key, now)
        rows = self._db.query_idempotent(self._sql.settle, (key, to_micros(self._now(now)), action))
        return self._settled(key, rows)

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return settled(key, self._settle(key, now, "committed"), _COMMITTED)

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        return settled(key, self._settle(key, now, "released"), ReservationStatus.RELEASED)

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        return self._settle(key, now, "")

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = self._now(now)
        specs = self._known([account])
        if account not in specs:
            raise UnknownAccountError(account, "account")
        check_balance_subject(specs[account], subject)
        params = (to_micros(moment), subject or "", account)
        row = self._db.query_idempotent(self._sql.balance, params)[0]
        if row[5]:
            self._reclaim(moment)
            row = self._db.query_idempotent(self._sql.balance, params)[0]
        return self._balance_of(account, subject, row)

    def _expire_batch(self, moment: datetime, limit: int) -> int:
        """Give back up to ``limit`` expired holds, each in its own transaction; count them."""
        now_us = to_micros(moment)
        keys = [r[0] for r in self._db.query_idempotent(self._sql.expired, (now_us, limit))]
        if not keys:
            return 0
        results = self._db.pipeline([(self._sql.settle, (k, now_us, "")) for k in keys])
        return sum(1 for rows in results if rows and rows[0][4])

    def _reclaim(self, moment: datetime, batch: int = 100) -> None:
        while self._expire_batch(moment, batch) >= batch:
            pass

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        return self._expire_batch(self._now(now), limit)

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
        cutoff = to_micros(self._now(now) - older_than)
        total = 0
        while True:
            with self._db.write() as tx:
                rows = tx.all(self._sql.purge, (cutoff, batch))
                if archive is not None and rows:
                    archive(_purged(rows))
            total += len(rows)
            if len(rows) < batch:
                return total

    def close(self) -> None:
        """Close the ledger's own pool (an application's pool or connection stays open)."""
        self._db.close()


class AsyncPostgresLedger(_PostgresLedgerCodec):
    """An [`AsyncLedger`][promocore.ledger.protocol.AsyncLedger] in PostgreSQL (psycopg async).

    The same statements, tables and guarantees as
    [`PostgresLedger`][promocore.ledger.postgres.PostgresLedger].

    Args:
        source: A connection string (the ledger opens an ``AsyncConnectionPool`` on first use),
            the application's ``psycopg_pool.AsyncConnectionPool``, or its
            ``psycopg.AsyncConnection``.
        schema: The schema holding the tables (created or upgraded on first use).
        clock: Where the time comes from when a call gives no ``now``.
        min_size: Connections the ledger's own pool keeps open.
        max_size: Most connections the ledger's own pool opens.
        prepare: Prepare statements on the server.
        migrate: Create or upgrade the schema on first use.
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        source: Any,
        *,
        schema: str = "promocore",
        clock: Clock = system_clock,
        min_size: int = 1,
        max_size: int = 4,
        prepare: bool = True,
        migrate: bool = True,
        retry_for: timedelta = timedelta(seconds=30),
    ) -> None:
        self._db = AsyncPostgresDatabase(
            source,
            schema,
            min_size=min_size,
            max_size=max_size,
            prepare=prepare,
            migrate=migrate,
            retry_for=retry_for,
        )
        super().__init__(self._db.dialect.prefix, clock)

    async def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        known, missing = self._cached(names)
        if missing:
            rows = await self._db.query_idempotent(self._sql.accounts, (missing,))
            known.update(self._remember(rows))
        return known

    async def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        rows = await self._db.query_idempotent(self._sql.define, self._define_args(spec))
        return self._defined(spec, rows)

    async def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        check_top_up(key, account, amount)
        await self._known([account])
        rows = await self._db.query_idempotent(self._sql.top_up, (key, account, amount, MAX_AMOUNT))
        return self._topped_up(key, account, amount, rows)

    async def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see `Ledger.reserve`)."""
        return await self._draw(key, check_reserve(key, items, ttl, now), ttl, now)

    async def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        return await self._draw(key, check_commit_now(key, items, now), None, now)

    async def _draw(
        self, key: str, draws: Sequence[Draw], ttl: timedelta | None, now: datetime | None
    ) -> Reservation:
        moment = self._now(now)
        check_fit(draws, await self._known(sorted({d.account for d in draws})))
        args = self._draw_args(key, draws, moment, ttl)
        for _ in range(_RACES):
            rows = await self._db.query_idempotent(self._sql.draw, args)
            try:
                return self._drawn(key, draws, str(args[1]), ttl is None, rows)
            except _Raced:
                await self._reclaim(moment)
        raise RuntimeError(f"still racing expired holds after {_RACES} attempts")

    async def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make many reservations in one round trip (see `Ledger.reserve_many`)."""
        checked = check_batch(requests, ttl, now, commit=commit)
        moment = self._now(now)
        known = await self._known(batch_accounts(requests))
        out: list[Reservation | LedgerError | None] = []
        pending: list[tuple[int, str, tuple[Draw, ...], tuple[object, ...]]] = []
        for key, draws in checked:
            try:
                check_fit(draws, known)
            except LedgerError as error:
                out.append(error)
                continue
            args = self._draw_args(key, draws, moment, None if commit else ttl)
            pending.append((len(out), key, draws, args))
            out.append(None)
        results = (
            await self._db.pipeline([(self._sql.draw, p[3]) for p in pending]) if pending else []
        )
        for (index, key, draws, args), rows in zip(pending, results, strict=True):
            try:
                out[index] = self._drawn(key, draws, str(args[1]), commit, rows)
            except _Raced:
                try:
                    out[index] = await self._draw(key, draws, None if commit else ttl, moment)
                except LedgerError as error:
                    out[index] = error
            except LedgerError as error:
                out[index] = error
        return [r for r in out if r is not None]

    async def _settle(self, key: str, now: datetime | None, action: str) -> Reservation | None:
        check_key(key, now)
        rows = await self._db.query_idempotent(
            self._sql.settle, (key, to_micros(self._now(now)), action)
        )
        return self._settled(key, rows)

    async def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return settled(key, await self._settle(key, now, "committed"), _COMMITTED)

    async def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        view = await self._settle(key, now, "released")
        return settled(key, view, ReservationStatus.RELEASED)

    async def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        return await self._settle(key, now, "")

    async def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = self._now(now)
        specs = await self._known([account])
        if account not in specs:
            raise UnknownAccountError(account, "account")
        check_balance_subject(specs[account], subject)
        params = (to_micros(moment), subject or "", account)
        row = (await self._db.query_idempotent(self._sql.balance, params))[0]
        if row[5]:
            await self._reclaim(moment)
            row = (await self._db.query_idempotent(self._sql.balance, params))[0]
        return self._balance_of(account, subject, row)

    async def _expire_batch(self, moment: datetime, limit: int) -> int:
        now_us = to_micros(moment)
        rows = await self._db.query_idempotent(self._sql.expired, (now_us, limit))
        keys = [r[0] for r in rows]
        if not keys:
            return 0
        results = await self._db.pipeline([(self._sql.settle, (k, now_us, "")) for k in keys])
        return sum(1 for found in results if found and found[0][4])

    async def _reclaim(self, moment: datetime, batch: int = 100) -> None:
        while await self._expire_batch(moment, batch) >= batch:
            pass

    async def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        return await self._expire_batch(self._now(now), limit)

    async def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Archive | None = None,
    ) -> int:
        """Delete reservations settled more than ``older_than`` ago (see `Ledger.purge`)."""
        check_purge(older_than, now, batch)
        cutoff = to_micros(self._now(now) - older_than)
        total = 0
        while True:
            async with self._db.write() as tx:
                rows = await tx.all(self._sql.purge, (cutoff, batch))
                if archive is not None and rows:
                    archive(_purged(rows))
            total += len(rows)
            if len(rows) < batch:
                return total

    async def close(self) -> None:
        """Close the ledger's own pool (an application's pool or connection stays open)."""
        await self._db.close()
