"""A store in PostgreSQL (the ``promocore[postgres]`` extra).

The table is created, or upgraded from an older promocore, on first use (see
[`create_schema`][promocore.backends.postgres.create_schema], which creates the ledger's tables
too). Payloads are stored as ``jsonb``. [`PostgresStore`][promocore.state.postgres.PostgresStore]
and [`AsyncPostgresStore`][promocore.state.postgres.AsyncPostgresStore] run the same statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from promocore.backends.clock import to_micros
from promocore.backends.postgres import (
    AsyncPostgresDatabase,
    PostgresDatabase,
    create_schema,
    schema_sql,
)
from promocore.state.errors import VersionConflictError
from promocore.state.record import (
    JSONObject,
    Record,
    check_address,
    check_delete,
    check_due_query,
    check_save,
)
from promocore.state.sql import SqlStore, StoreStatements, actual_version, record_of, saved

__all__ = ["AsyncPostgresStore", "PostgresStore", "create_schema", "schema_sql"]


class PostgresStore(SqlStore):
    """A [`Store`][promocore.state.Store] in PostgreSQL.

    Every save is one conditional statement (``UPDATE ... WHERE version = %s`` or
    ``INSERT ... ON CONFLICT DO NOTHING``), atomic under any isolation level, on a pooled
    connection with the statement prepared on the server.

    Args:
        source: A libpq connection string or URL (the store keeps a pool per process), the
            application's ``psycopg_pool.ConnectionPool``, or its ``psycopg.Connection``.
        schema: The schema holding the table (created or upgraded on first use).
        min_size: Connections the store's own pool keeps open per process.
        max_size: Most connections the store's own pool opens per process.
        prepare: Prepare statements on the server.
        migrate: Create or upgrade the schema on first use.
    """

    def __init__(
        self,
        source: Any,
        *,
        schema: str = "promocore",
        min_size: int = 1,
        max_size: int = 4,
        prepare: bool = True,
        migrate: bool = True,
    ) -> None:
        super().__init__(
            PostgresDatabase(
                source,
                schema,
                min_size=min_size,
                max_size=max_size,
                prepare=prepare,
                migrate=migrate,
            )
        )


class AsyncPostgresStore:
    """An [`AsyncStore`][promocore.state.protocol.AsyncStore] in PostgreSQL (psycopg async).

    The same table and statements as [`PostgresStore`][promocore.state.postgres.PostgresStore].

    Args:
        source: A connection string (the store opens an ``AsyncConnectionPool`` on first use),
            the application's ``psycopg_pool.AsyncConnectionPool``, or its
            ``psycopg.AsyncConnection``.
        schema: The schema holding the table (created or upgraded on first use).
        min_size: Connections the store's own pool keeps open.
        max_size: Most connections the store's own pool opens.
        prepare: Prepare statements on the server.
        migrate: Create or upgrade the schema on first use.
    """

    def __init__(
        self,
        source: Any,
        *,
        schema: str = "promocore",
        min_size: int = 1,
        max_size: int = 4,
        prepare: bool = True,
        migrate: bool = True,
    ) -> None:
        self._db = AsyncPostgresDatabase(
            source,
            schema,
            min_size=min_size,
            max_size=max_size,
            prepare=prepare,
            migrate=migrate,
            retry_for=timedelta(0),
        )
        self._sql = StoreStatements(self._db.dialect)

    async def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        rows = await self._db.query(self._sql.get, (kind, id))
        return record_of(rows[0]) if rows else None

    async def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        """Write a record if it is still at ``expected_version`` (see `Store.save`)."""
        text = check_save(kind, id, payload, expected_version, due)
        due_us = None if due is None else to_micros(due)
        sql, params = self._sql.save(kind, id, text, expected_version, due_us)
        rows = await self._db.query(sql, params)
        record = saved(kind, id, text, expected_version, due_us, rows)
        if record is None:
            actual = actual_version(await self._db.query(self._sql.version, (kind, id)))
            raise VersionConflictError(kind, id, expected_version, actual)
        return record

    async def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        if not await self._db.query(self._sql.delete, (kind, id, expected_version)):
            actual = actual_version(await self._db.query(self._sql.version, (kind, id)))
            raise VersionConflictError(kind, id, expected_version, actual)

    async def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        rows = await self._db.query(self._sql.due, (kind, to_micros(before), limit))
        return [record_of(row) for row in rows]

    async def close(self) -> None:
        """Close the store's own pool (an application's pool or connection stays open)."""
        await self._db.close()
