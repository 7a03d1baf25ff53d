"""A store in a SQLite file: embedded, and safe for the processes of one machine."""

from __future__ import annotations

import os

from promocore.backends.sqlite import SqliteDatabase
from promocore.state.sql import SqlStore


class SqliteStore(SqlStore):
    """A [`Store`][promocore.state.Store] in a SQLite database file.

    Any number of processes on one machine may open the same file (also the
    file of a [`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger]: the tables differ).

    Args:
        path: The database file; ``":memory:"`` for a private, throw-away one.
        timeout: Seconds a write waits for the file lock before failing.
        durable: Sync every commit to disk (see
            [`SqliteDatabase`][promocore.backends.sqlite.SqliteDatabase]).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, durable: bool = True
    ) -> None:
        super().__init__(SqliteDatabase(path, timeout=timeout, durable=durable))
