"""PostgreSQL connections through psycopg 3 (the ``promocore[postgres]`` extra).

A backend takes one of:

* a connection string: the backend opens a ``psycopg_pool`` pool of its own in each process, on
  first use (a process forked after that opens a new one);
* the application's ``psycopg_pool.ConnectionPool`` (or ``AsyncConnectionPool``): connections are
  borrowed for each call and given back;
* the application's own ``psycopg.Connection`` (or ``AsyncConnection``): calls are serialised on
  it; if it is not in autocommit mode, the backend's statements join the application's current
  transaction and count only once the application commits.

Statements are prepared on the server the first time a connection runs them (psycopg's
``prepare_threshold=0``), so later calls send only their parameters. Every call of the ledger
is idempotent, so a call that met a broken connection (a server restart) is run again on a fresh
one for up to ``retry_for``.

[`create_schema`][promocore.backends.postgres.create_schema] creates or upgrades the tables of both
the ledger and the store (see [`promocore.backends.migrations`][promocore.backends.migrations]);
backends call it themselves on first use unless told not to.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from datetime import timedelta
from typing import Any

from promocore.backends.database import Dialect, Row
from promocore.backends.errors import BackendUnavailableError
from promocore.backends.migrations import LATEST, MIGRATIONS
from promocore.errors import ValidationError
from promocore.validation import Checks

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

#: The advisory lock taken while a schema is created or upgraded.
_SCHEMA_LOCK = 7316011

#: Connections a forked process inherited: kept referenced, never closed, so that freeing them
#: does not end the parent's sessions.
_INHERITED: list[Any] = []


def _has_rows(cursor: Any) -> bool:
    """Whether the statement a cursor ran returned rows (a ``SELECT``, a ``RETURNING``).

    Asked of the result itself: ``cursor.description`` would build a column object per field
    on every call.
    """
    result = cursor.pgresult
    return result is not None and result.nfields > 0


def check_schema_name(schema: str) -> str:
    """Return ``schema`` if it is a plain lower-case identifier.

    Raises:
        ValidationError: anything else (so it can be put in SQL unquoted).
    """
    if not isinstance(schema, str) or not _SCHEMA_NAME.fullmatch(schema):
        raise ValidationError.single(
            "schema", "must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)"
        )
    return schema


def import_psycopg() -> Any:
    """Import psycopg, explaining which extra to install when it is missing."""
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the PostgreSQL backend needs psycopg 3: pip install 'promocore[postgres]'"
        ) from error
    return psycopg


def import_pool() -> Any:
    """Import psycopg_pool, explaining which extra to install when it is missing."""
    try:
        import psycopg_pool
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the PostgreSQL backend needs psycopg_pool: pip install 'promocore[postgres]'"
        ) from error
    return psycopg_pool


def dialect(schema: str) -> Dialect:
    """Return PostgreSQL's spelling of the shared statements for tables in ``schema``."""
    return Dialect("%s", check_schema_name(schema) + ".", "CAST({} AS jsonb)", ' COLLATE "C"')


def schema_sql(schema: str = "promocore") -> str:
    """Return the DDL of every migration for ``schema``, recording each as applied.

    For migration tools; the statements are idempotent. Most deployments need not run it:
    [`create_schema`][promocore.backends.postgres.create_schema], which the backends call on first
    use, applies exactly the missing migrations.

    Raises:
        ValidationError: ``schema`` is not a plain lower-case identifier.
    """
    s = check_schema_name(schema)
    parts = [f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK});", *_bootstrap(s)]
    for migration in MIGRATIONS:
        parts.append(migration.postgres.replace("{s}", s))
        parts.append(_record(s, migration.version, migration.name))
    return "\n".join(parts)


def _bootstrap(s: str) -> list[str]:
    return [
        f"CREATE SCHEMA IF NOT EXISTS {s};",
        f"CREATE TABLE IF NOT EXISTS {s}.promocore_migrations ("
        " version INT PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now());",
    ]


def _record(s: str, version: int, name: str) -> str:
    quoted = name.replace("'", "''")
    return (
        f"INSERT INTO {s}.promocore_migrations (version, name) VALUES ({version}, '{quoted}')"
        " ON CONFLICT (version) DO NOTHING;"
    )


def _migrate(connection: Any, s: str) -> list[int]:
    """Apply the missing migrations on ``connection`` in one transaction; return them."""
    applied: list[int] = []
    with connection.transaction():
        connection.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})", prepare=False)
        for statement in _bootstrap(s):
            connection.execute(statement, prepare=False)
        rows = connection.execute(f"SELECT version FROM {s}.promocore_migrations", prepare=False)
        done = {row[0] for row in rows}
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            connection.execute(migration.postgres.replace("{s}", s), prepare=False)
            connection.execute(_record(s, migration.version, migration.name), prepare=False)
            applied.append(migration.version)
    return applied


def create_schema(source: Any, *, schema: str = "promocore") -> list[int]:
    """Create or upgrade the ledger's and the store's tables in ``schema``.

    Applies, in one transaction under an advisory lock, every migration not yet recorded in
    ``promocore_migrations``; running it again, or from several machines at once, is safe.

    Args:
        source: A connection string or URL, or a ``psycopg.Connection``, for a role allowed to
            create the schema and its tables.
        schema: The PostgreSQL schema to put the tables in.

    Returns:
        The versions applied by this call (empty when the schema was up to date).
    """
    s = check_schema_name(schema)
    psycopg = import_psycopg()
    if isinstance(source, str):
        with psycopg.connect(source, autocommit=True) as connection:
            return _migrate(connection, s)
    return _migrate(source, s)


def schema_version(source: Any, *, schema: str = "promocore") -> int:
    """Return the latest migration applied to ``schema`` (0 for none)."""
    s = check_schema_name(schema)
    psycopg = import_psycopg()

    def read(connection: Any) -> int:
        try:
            with connection.transaction():
                row = connection.execute(
                    f"SELECT max(version) FROM {s}.promocore_migrations", prepare=False
                ).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
        return int(row[0] or 0)

    if isinstance(source, str):
        with psycopg.connect(source, autocommit=True) as connection:
            return read(connection)
    return read(source)


def check_pool_options(min_size: object, max_size: object, retry_for: object) -> None:
    """Check the pool options of a PostgreSQL backend."""
    checks = Checks()
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            checks.add(name, "must be an int from 0 to 1000")
    if isinstance(max_size, int) and isinstance(min_size, int) and max_size < max(min_size, 1):
        checks.add("max_size", "must be >= min_size and >= 1")
    if not isinstance(retry_for, timedelta) or retry_for < timedelta(0):
        checks.add("retry_for", "must be a timedelta >= 0")
    checks.raise_if_any()


class _PostgresTx:
    def __init__(self, connection: Any, prepare: bool | None) -> None:
        self._conn = connection
        self._prepare = prepare

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        rows: list[Row] = self._conn.execute(sql, params, prepare=self._prepare).fetchall()
        return rows

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row: Row | None = self._conn.execute(sql, params, prepare=self._prepare).fetchone()
        return row

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        count: int = self._conn.execute(sql, params, prepare=self._prepare).rowcount
        return count

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            self._conn.cursor().executemany(sql, rows)


class _Source:
    """What the sync and asyncio databases share: options, kinds of source, errors."""

    def __init__(
        self,
        source: Any,
        schema: str,
        *,
        min_size: int,
        max_size: int,
        connect_timeout: int,
        prepare: bool,
        migrate: bool,
        retry_for: timedelta,
    ) -> None:
        if isinstance(source, str) and not source.strip():
            raise ValidationError.single("conninfo", "must be a non-empty connection string")
        check_pool_options(min_size, max_size, retry_for)
        self.dialect = dialect(schema)
        self.schema = schema
        self._psycopg = import_psycopg()
        self.conninfo = source if isinstance(source, str) else ""
        self.connect_timeout = connect_timeout
        self._min = min_size
        self._max = max_size
        self._prepare: bool | None = True if prepare else None
        self._migrate = migrate
        self._retry_for = retry_for.total_seconds()
        self._pid = 0
        self._ready = False

    def retryable(self, error: BaseException) -> bool:
        """Deadlocks and serialisation failures are retried."""
        errors = self._psycopg.errors
        return isinstance(error, errors.DeadlockDetected | errors.SerializationFailure)

    def _broken(self, error: BaseException) -> bool:
        """Whether ``error`` says the connection or the server went away."""
        psycopg = self._psycopg
        if isinstance(error, psycopg.errors.QueryCanceled):
            return False
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            return True
        pool = import_pool()
        return isinstance(error, pool.PoolTimeout)

    def _pool_kwargs(self) -> dict[str, Any]:
        return {
            "autocommit": True,
            "prepare_threshold": 0 if self._prepare else None,
            "connect_timeout": self.connect_timeout,
        }


class PostgresDatabase(_Source):
    """A psycopg 3 pool or connection the PostgreSQL backends run statements on.

    Args:
        source: A connection string or URL, a ``psycopg_pool.ConnectionPool`` or a
            ``psycopg.Connection`` (see the module's description).
        schema: The schema holding the tables.
        min_size: Connections the backend's own pool keeps open in each process.
        max_size: Most connections the backend's own pool opens in each process.
        connect_timeout: Seconds to wait when connecting.
        prepare: Prepare statements on the server (turn off behind a connection pooler that
            cannot keep them).
        migrate: Create or upgrade the schema on first use.
        retry_for: How long an idempotent call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        source: Any,
        schema: str = "promocore",
        *,
        min_size: int = 1,
        max_size: int = 4,
        connect_timeout: int = 10,
        prepare: bool = True,
        migrate: bool = True,
        retry_for: timedelta = timedelta(seconds=30),
    ) -> None:
        super().__init__(
            source,
            schema,
            min_size=min_size,
            max_size=max_size,
            connect_timeout=connect_timeout,
            prepare=prepare,
            migrate=migrate,
            retry_for=retry_for,
        )
        pool = import_pool()
        self._own = isinstance(source, str)
        self._pool: Any = source if isinstance(source, pool.ConnectionPool) else None
        self._connection: Any = source if isinstance(source, self._psycopg.Connection) else None
        if not self._own and self._pool is None and self._connection is None:
            raise ValidationError.single(
                "source", "must be a connection string, a ConnectionPool or a Connection"
            )
        self._lock = threading.RLock()

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        if self._connection is not None:
            with self._lock:
                self._ensure_schema(self._connection)
                yield self._connection
            return
        pool = self._pool
        if self._own and (pool is None or self._pid != os.getpid()):
            with self._lock:
                if self._pool is None or self._pid != os.getpid():
                    if self._pool is not None:
                        _INHERITED.append(self._pool)
                    self._pool = import_pool().ConnectionPool(
                        self.conninfo,
                        min_size=self._min,
                        max_size=self._max,
                        kwargs=self._pool_kwargs(),
                        open=True,
                        name=f"promocore-{self.schema}",
                    )
                    self._pid = os.getpid()
                    self._ready = False
            pool = self._pool
        with pool.connection() as connection:
            self._ensure_schema(connection)
            yield connection

    def _ensure_schema(self, connection: Any) -> None:
        if self._ready or not self._migrate:
            return
        if schema_version(connection, schema=self.schema) < LATEST:
            create_schema(connection, schema=self.schema)
        self._ready = True

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement on its own (its own transaction in autocommit mode)."""
        with self._connect() as connection:
            cursor = connection.execute(sql, params, prepare=self._prepare)
            rows: list[Row] = cursor.fetchall() if _has_rows(cursor) else []
            return rows

    def query_idempotent(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement that may safely run twice, again on a fresh connection if need be."""
        deadline = time.monotonic() + self._retry_for
        delay = 0.05
        while True:
            try:
                return self.query(sql, params)
            except Exception as error:
                if self.retryable(error):
                    continue
                if not self._broken(error) or time.monotonic() >= deadline:
                    if self._broken(error):
                        raise BackendUnavailableError(str(error)) from error
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def pipeline(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Row]]:
        """Run several statements in one round trip, each its own transaction; return their rows.

        (Without a sync after each, PostgreSQL would run them all in one implicit transaction,
        holding every lock to the end.)
        """
        with self._connect() as connection:
            if not connection.autocommit:
                return [
                    connection.execute(sql, params, prepare=self._prepare).fetchall()
                    for sql, params in statements
                ]
            cursors = []
            with connection.pipeline() as pipeline:
                for sql, params in statements:
                    cursors.append(connection.execute(sql, params, prepare=self._prepare))
                    pipeline.sync()  # each statement its own transaction, as on its own
            return [cursor.fetchall() for cursor in cursors]

    @contextmanager
    def _transaction(self) -> Iterator[_PostgresTx]:
        with self._connect() as connection, connection.transaction():
            yield _PostgresTx(connection, self._prepare)

    def write(self) -> AbstractContextManager[_PostgresTx]:
        """Open a transaction (READ COMMITTED; writers lock the rows they change)."""
        return self._transaction()

    def close(self) -> None:
        """Close the backend's own pool (an application's pool or connection is left open)."""
        with self._lock:
            if self._own and self._pool is not None and self._pid == os.getpid():
                self._pool.close()
            if self._own:
                self._pool = None


class _AsyncPostgresTx:
    def __init__(self, connection: Any, prepare: bool | None) -> None:
        self._conn = connection
        self._prepare = prepare

    async def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        cursor = await self._conn.execute(sql, params, prepare=self._prepare)
        rows: list[Row] = await cursor.fetchall() if _has_rows(cursor) else []
        return rows


class AsyncPostgresDatabase(_Source):
    """The asyncio twin of [`PostgresDatabase`][promocore.backends.postgres.PostgresDatabase].

    Takes a connection string (the backend opens a ``psycopg_pool.AsyncConnectionPool`` on
    first use, in the running event loop), an ``AsyncConnectionPool`` or a
    ``psycopg.AsyncConnection``; the other arguments are those of ``PostgresDatabase``.
    """

    def __init__(
        self,
        source: Any,
        schema: str = "promocore",
        *,
        min_size: int = 1,
        max_size: int = 4,
        connect_timeout: int = 10,
        prepare: bool = True,
        migrate: bool = True,
        retry_for: timedelta = timedelta(seconds=30),
    ) -> None:
        super().__init__(
            source,
            schema,
            min_size=min_size,
            max_size=max_size,
            connect_timeout=connect_timeout,
            prepare=prepare,
            migrate=migrate,
            retry_for=retry_for,
        )
        pool = import_pool()
        self._own = isinstance(source, str)
        self._pool: Any = source if isinstance(source, pool.AsyncConnectionPool) else None
        self._connection: Any = (
            source if isinstance(source, self._psycopg.AsyncConnection) else None
        )
        if not self._own and self._pool is None and self._connection is None:
            raise ValidationError.single(
                "source",
                "must be a connection string, an AsyncConnectionPool or an AsyncConnection",
            )
        self._lock: asyncio.Lock | None = None

    def _guard(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    @asynccontextmanager
    async def _connect(self) -> AsyncIterator[Any]:
        if self._connection is not None:
            async with self._guard():
                await self._ensure_schema()
                yield self._connection
            return
        if self._own and (self._pool is None or self._pid != os.getpid()):
            async with self._guard():
                if self._pool is None or self._pid != os.getpid():
                    if self._pool is not None:
                        _INHERITED.append(self._pool)
                    pool = import_pool().AsyncConnectionPool(
                        self.conninfo,
                        min_size=self._min,
                        max_size=self._max,
                        kwargs=self._pool_kwargs(),
                        open=False,
                        name=f"promocore-{self.schema}",
                    )
                    await pool.open()
                    self._pool = pool
                    self._pid = os.getpid()
                    self._ready = False
        await self._ensure_schema()
        async with self._pool.connection() as connection:
            yield connection

    async def _ensure_schema(self) -> None:
        if self._ready or not self._migrate:
            return
        if self.conninfo:
            await asyncio.to_thread(self._migrate_sync)
        else:
            await self._migrate_async()
        self._ready = True

    def _migrate_sync(self) -> None:
        if schema_version(self.conninfo, schema=self.schema) < LATEST:
            create_schema(self.conninfo, schema=self.schema)

    async def _migrate_async(self) -> None:
        s = self.dialect.prefix[:-1]

        async def run(connection: Any) -> None:
            async with connection.transaction():
                lock = f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})"
                await connection.execute(lock, prepare=False)
                for statement in _bootstrap(s):
                    await connection.execute(statement, prepare=False)
                cursor = await connection.execute(
                    f"SELECT version FROM {s}.promocore_migrations", prepare=False
                )
                done = {row[0] for row in await cursor.fetchall()}
                for migration in MIGRATIONS:
                    if migration.version not in done:
                        script = migration.postgres.replace("{s}", s)
                        await connection.execute(script, prepare=False)
                        record = _record(s, migration.version, migration.name)
                        await connection.execute(record, prepare=False)

        if self._connection is not None:
            await run(self._connection)
        else:
            async with self._pool.connection() as connection:
                await run(connection)

    async def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement on its own; return its rows."""
        async with self._connect() as connection:
            cursor = await connection.execute(sql, params, prepare=self._prepare)
            rows: list[Row] = await cursor.fetchall() if _has_rows(cursor) else []
            return rows

    async def query_idempotent(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement that may safely run twice, again on a fresh connection if need be."""
        deadline = time.monotonic() + self._retry_for
        delay = 0.05
        while True:
            try:
                return await self.query(sql, params)
            except Exception as error:
                if self.retryable(error):
                    continue
                if not self._broken(error) or time.monotonic() >= deadline:
                    if self._broken(error):
                        raise BackendUnavailableError(str(error)) from error
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def pipeline(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Row]]:
        """Run several statements in one round trip, each its own transaction."""
        async with self._connect() as connection:
            if not connection.autocommit:
                out = []
                for sql, params in statements:
                    cursor = await connection.execute(sql, params, prepare=self._prepare)
                    out.append(await cursor.fetchall())
                return out
            cursors = []
            async with connection.pipeline() as pipeline:
                for sql, params in statements:
                    cursors.append(await connection.execute(sql, params, prepare=self._prepare))
                    await pipeline.sync()  # each statement its own transaction
            return [await cursor.fetchall() for cursor in cursors]

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_AsyncPostgresTx]:
        async with self._connect() as connection, connection.transaction():
            yield _AsyncPostgresTx(connection, self._prepare)

    def write(self) -> AbstractAsyncContextManager[_AsyncPostgresTx]:
        """Open a transaction."""
        return self._transaction()

    async def close(self) -> None:
        """Close the backend's own pool (an application's pool or connection is left open)."""
        if self._own and self._pool is not None and self._pid == os.getpid():
            await self._pool.close()
        if self._own:
            self._pool = None
