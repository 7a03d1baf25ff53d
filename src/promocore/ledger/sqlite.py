"""A ledger in a SQLite file: embedded, and safe for the processes of one machine."""

from __future__ import annotations

import os

from promocore.backends.sqlite import SqliteDatabase
from promocore.ledger.clock import Clock, system_clock
from promocore.ledger.sql import SqlLedger

#: The tables [`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger] creates when they are missing.
SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    currency TEXT,
    limit_amount INTEGER NOT NULL CHECK (limit_amount >= 0)
);
CREATE TABLE IF NOT EXISTS ledger_counters (
    account TEXT NOT NULL,
    subject TEXT NOT NULL,
    reserved INTEGER NOT NULL CHECK (reserved >= 0),
    committed INTEGER NOT NULL CHECK (committed >= 0),
    PRIMARY KEY (account, subject)
);
CREATE TABLE IF NOT EXISTS ledger_reservations (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    grants TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_us INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    closed_us INTEGER
);
CREATE INDEX IF NOT EXISTS ledger_reservations_held
    ON ledger_reservations (expires_us) WHERE status = 'held';
CREATE TABLE IF NOT EXISTS ledger_top_ups (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    limit_after INTEGER NOT NULL
)
"""


class SqliteLedger(SqlLedger):
    """A [`Ledger`][promocore.ledger.Ledger] in a SQLite database file.

    Any number of processes on one machine may open the same file: each write
    is one ``BEGIN IMMEDIATE`` transaction, so they queue on the file lock and
    never see each other's half-done work. The tables are created on first use.
    Do not put the file on a network filesystem (its locks are not reliable).

    Args:
        path: The database file; ``":memory:"`` for a private, throw-away one.
        clock: Where the time comes from when a call gives no ``now``.
        timeout: Seconds a write waits for the file lock before failing.
        durable: Sync every commit to disk (see
            `SqliteDatabase`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        timeout: float = 30.0,
        durable: bool = True,
    ) -> None:
        db = SqliteDatabase(path, timeout=timeout, durable=durable, schema=SCHEMA)
        super().__init__(db, clock=clock)
