"""PostgreSQL connections through psycopg 3 (the ``promocore[postgres]`` extra)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from promocore.backends.database import Row
from promocore.errors import ValidationError

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


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


class _PostgresTx:
    def __init__(self, connection: Any, translate: dict[str, str]) -> None:
        self._conn = connection
        self._translate = translate

    def _sql(self, sql: str) -> str:
        text = self._translate.get(sql)
        if text is None:
            text = self._translate[sql] = sql.replace("?", "%s")
        return text

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        rows: list[Row] = self._conn.execute(self._sql(sql), params or None).fetchall()
        return rows

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row: Row | None = self._conn.execute(self._sql(sql), params or None).fetchone()
        return row

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        count: int = self._conn.execute(self._sql(sql), params or None).rowcount
        return count

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            self._conn.cursor().executemany(self._sql(sql), rows)

    def send(self, sql: str, params: Sequence[object] = ()) -> None:
        self._conn.execute(self._sql(sql), params or None)


class PostgresDatabase:
    """A psycopg 3 connection, opened on first use in each process.

    Args:
        conninfo: A libpq connection string or URL
            (``"postgresql://app@db.internal/shop"``).
        connect_timeout: Seconds to wait when connecting.
    """

    lock_rows = " FOR UPDATE"

    def __init__(self, conninfo: str, *, connect_timeout: int = 10) -> None:
        if not isinstance(conninfo, str) or not conninfo.strip():
            raise ValidationError.single("conninfo", "must be a non-empty connection string")
        self._psycopg = import_psycopg()
        self.conninfo = conninfo
        self.connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._connection: Any = None
        self._pid = 0
        self._translate: dict[str, str] = {}

    def _connect(self) -> Any:
        c = self._connection
        if c is not None and self._pid == os.getpid() and not c.closed and not c.broken:
            return c
        self._connection = self._psycopg.connect(
            self.conninfo, autocommit=True, connect_timeout=self.connect_timeout
        )
        self._pid = os.getpid()
        return self._connection

    @contextmanager
    def _transaction(self) -> Iterator[_PostgresTx]:
        with self._lock:
            connection = self._connect()
            with connection.transaction():
                yield _PostgresTx(connection, self._translate)

    def write(self) -> AbstractContextManager[_PostgresTx]:
        """Open a transaction (READ COMMITTED; writers lock the rows they change)."""
        return self._transaction()

    def read(self) -> AbstractContextManager[_PostgresTx]:
        """Open a transaction for reading."""
        return self._transaction()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one read statement in autocommit mode (one round trip)."""
        with self._lock:
            connection = self._connect()
            text = self._translate.get(sql) or self._translate.setdefault(
                sql, sql.replace("?", "%s")
            )
            rows: list[Row] = connection.execute(text, params or None).fetchall()
            return rows

    def retryable(self, error: BaseException) -> bool:
        """Deadlocks and serialisation failures are retried."""
        errors = self._psycopg.errors
        return isinstance(error, errors.DeadlockDetected | errors.SerializationFailure)

    def execute_script(self, sql: str) -> None:
        """Run DDL statements in one transaction."""
        with self._transaction() as tx:
            tx.run(sql)

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None


def run_script(conninfo: str, script: str) -> None:
    """Run an idempotent DDL ``script`` on a fresh connection, then close it."""
    db = PostgresDatabase(conninfo)
    try:
        db.execute_script(script)
    finally:
        db.close()
