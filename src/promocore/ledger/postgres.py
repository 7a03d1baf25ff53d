"""A ledger in PostgreSQL: for many processes on many machines.

Needs the ``promocore[postgres]`` extra (psycopg 3). Create the tables once,
before the first ledger connects, with :func:`create_schema` (or apply
:func:`schema_sql` through your migration tool).
"""

from __future__ import annotations

from promocore.backends.postgres import PostgresDatabase, check_schema_name
from promocore.ledger.clock import Clock, system_clock
from promocore.ledger.sql import SqlLedger

_DDL = """
SELECT pg_advisory_xact_lock(7316011);
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.ledger_accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('budget', 'stock', 'usage')),
    currency TEXT,
    limit_amount BIGINT NOT NULL CHECK (limit_amount >= 0)
);
CREATE TABLE IF NOT EXISTS {s}.ledger_counters (
    account TEXT NOT NULL,
    subject TEXT NOT NULL,
    reserved BIGINT NOT NULL CHECK (reserved >= 0),
    committed BIGINT NOT NULL CHECK (committed >= 0),
    PRIMARY KEY (account, subject)
);
CREATE TABLE IF NOT EXISTS {s}.ledger_reservations (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    grants TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_us BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    closed_us BIGINT
);
CREATE INDEX IF NOT EXISTS ledger_reservations_held
    ON {s}.ledger_reservations (expires_us) WHERE status = 'held';
CREATE TABLE IF NOT EXISTS {s}.ledger_holds (
    reservation TEXT NOT NULL,
    account TEXT NOT NULL,
    subject TEXT NOT NULL,
    amount BIGINT NOT NULL,
    expires_us BIGINT NOT NULL,
    PRIMARY KEY (reservation, account, subject)
);
CREATE INDEX IF NOT EXISTS ledger_holds_expiry ON {s}.ledger_holds (account, expires_us);
CREATE TABLE IF NOT EXISTS {s}.ledger_top_ups (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    amount BIGINT NOT NULL,
    limit_after BIGINT NOT NULL
);
"""


def schema_sql(schema: str = "promocore") -> str:
    """Return the DDL that creates the ledger's tables in ``schema``.

    The statements are idempotent (``IF NOT EXISTS``) and take an advisory lock,
    so running them from several processes at once is safe.

    Raises:
        ValidationError: ``schema`` is not a plain lower-case identifier.
    """
    return _DDL.replace("{s}", check_schema_name(schema))


def create_schema(conninfo: str, *, schema: str = "promocore") -> None:
    """Create the ledger's tables in ``schema`` unless they exist.

    Args:
        conninfo: A libpq connection string or URL for a role allowed to create
            the schema and its tables.
        schema: The PostgreSQL schema to put the tables in.
    """
    db = PostgresDatabase(conninfo)
    try:
        db.execute_script(schema_sql(schema))
    finally:
        db.close()


class PostgresLedger(SqlLedger):
    """A :class:`~promocore.ledger.Ledger` in PostgreSQL.

    Each call is one short transaction (READ COMMITTED) that locks the
    reservation row and then the counter rows it changes, always in
    (account, subject) order; deadlocks and serialisation failures are retried.
    One instance holds one connection per process, shared by its threads.

    Args:
        conninfo: A libpq connection string or URL.
        schema: The schema holding the tables made by :func:`create_schema`.
        clock: Where the time comes from when a call gives no ``now``.
    """

    def __init__(
        self, conninfo: str, *, schema: str = "promocore", clock: Clock = system_clock
    ) -> None:
        prefix = check_schema_name(schema) + "."
        super().__init__(PostgresDatabase(conninfo), prefix=prefix, clock=clock)
