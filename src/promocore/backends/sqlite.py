"""SQLite connections: one file shared safely by the processes of one machine.

The ledger's and the store's tables live in the same versioned schema
([`promocore.backends.migrations`][promocore.backends.migrations]); opening a file applies the
migrations it lacks, so a file made by an older promocore is upgraded on first use.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from promocore.backends.database import SQLITE, Row
from promocore.backends.migrations import LATEST, MIGRATIONS, sqlite_statements


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


def migrate(connection: sqlite3.Connection) -> list[int]:
    """Apply the migrations ``connection``'s file lacks, in one transaction; return them."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS promocore_migrations"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        done = {row[0] for row in connection.execute("SELECT version FROM promocore_migrations")}
        applied = []
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            for statement in sqlite_statements(migration.sqlite):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO promocore_migrations (version, name) VALUES (?, ?)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return applied


def schema_version(connection: sqlite3.Connection) -> int:
    """Return the latest migration applied to ``connection``'s file (0 for none)."""
    try:
        row = connection.execute("SELECT max(version) FROM promocore_migrations").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0)


class SqliteDatabase:
    """A SQLite database file opened for safe use by many processes.

    Write transactions start with ``BEGIN IMMEDIATE``, so writers queue on the
    file lock instead of failing halfway; the journal is in WAL mode so readers
    do not block writers.

    Args:
        path: The database file (created when missing), or ``":memory:"``.
        timeout: Seconds to wait for the file lock before giving up.
        durable: ``True`` (the default) syncs every commit to disk
            (``synchronous=FULL``): a commit that returned survives a crash of the
            process and of the machine. ``False`` syncs at checkpoints only
            (``synchronous=NORMAL``): faster, and still safe when a process
            crashes, but the last commits can be lost if the machine loses power.
    """

    dialect = SQLITE

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, durable: bool = True
    ) -> None:
        self.path = str(path) if str(path) == ":memory:" else str(Path(path))
        self.timeout = timeout
        self.durable = durable
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
        if schema_version(connection) < LATEST:
            migrate(connection)
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

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement outside any explicit transaction (SQLite makes it atomic)."""
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
