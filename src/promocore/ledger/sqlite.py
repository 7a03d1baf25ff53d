"""A ledger in a SQLite file: embedded, and safe for the processes of one machine."""

from __future__ import annotations

import os

from promocore.backends.clock import Clock, system_clock
from promocore.backends.sqlite import SqliteDatabase
from promocore.ledger.sql import SqlLedger


class SqliteLedger(SqlLedger):
    """A [`Ledger`][promocore.ledger.Ledger] in a SQLite database file.

    Any number of processes on one machine may open the same file: each write
    is one ``BEGIN IMMEDIATE`` transaction, so they queue on the file lock and
    never see each other's half-done work. The tables are created, or upgraded from an older
    promocore, on first use.
    Do not put the file on a network filesystem (its locks are not reliable).

    Args:
        path: The database file; ``":memory:"`` for a private, throw-away one.
        clock: Where the time comes from when a call gives no ``now``.
        timeout: Seconds a write waits for the file lock before failing.
        durable: Sync every commit to disk, so that a reservation whose call returned
            survives a crash of the process or the machine (see
            [`SqliteDatabase`][promocore.backends.sqlite.SqliteDatabase]).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        timeout: float = 30.0,
        durable: bool = True,
    ) -> None:
        db = SqliteDatabase(path, timeout=timeout, durable=durable)
        super().__init__(db, clock=clock)
