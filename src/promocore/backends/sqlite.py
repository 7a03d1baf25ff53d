"""SQLite connections: one file shared safely by the processes of one machine."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from promocore.backends.database import Row


class _SqliteTx:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._c = connection

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._c.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row: Row | None = self._c.execute(sql, params).fetchone()
        return row

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._c.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._c.executemany(sql, rows)

    def send(self, sql: str, params: Sequence[object] = ()) -> None:
        self._c.execute(sql, params)


class SqliteDatabase:
    """A SQLite database file opened for safe use by many processes.

    Write transactions start with ``BEGIN IMMEDIATE``, so writers queue on the
    file lock instead of failing halfway; the journal is in WAL mode so readers
    do not block writers.

    Args:
        path: The database file (created when missing), or ``":memory:"``.
        timeout: Seconds to wait for the file lock before giving up.
        durable: ``True`` (the default) syncs every commit to disk
            (``synchronous=FULL``); ``False`` syncs at checkpoints only
            (``synchronous=NORMAL``): faster, and still safe when a process
            crashes, but the last commits can be lost if the machine loses power.
        schema: SQL run once per connection to create missing tables.
    """

    lock_rows = ""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        durable: bool = True,
        schema: str = "",
    ) -> None:
        self.path = str(path) if str(path) == ":memory:" else str(Path(path))
        self.timeout = timeout
        self.durable = durable
        self._schema = schema
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA synchronous = {'FULL' if self.durable else 'NORMAL'}")
        if self._schema:
            connection.execute("BEGIN IMMEDIATE")
            try:
                for statement in self._schema.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        self._connection = connection
        self._pid = os.getpid()
        return connection

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[_SqliteTx]:
        with self._lock:
            connection = self._connect()
            connection.execute(begin)
            try:
                yield _SqliteTx(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def write(self) -> AbstractContextManager[_SqliteTx]:
        """Open a write transaction (``BEGIN IMMEDIATE``)."""
        return self._transaction("BEGIN IMMEDIATE")

    def read(self) -> AbstractContextManager[_SqliteTx]:
        """Open a read transaction (``BEGIN DEFERRED``)."""
        return self._transaction("BEGIN DEFERRED")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one read statement outside any explicit transaction."""
        with self._lock:
            return self._connect().execute(sql, params).fetchall()

    def retryable(self, error: BaseException) -> bool:
        """SQLite queues writers on its lock; nothing is retried here."""
        return False

    def close(self) -> None:
        """Close this process's connection."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None
