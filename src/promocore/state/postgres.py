"""A store in PostgreSQL (the ``promocore[postgres]`` extra).

Create the table once with [`create_schema`][promocore.state.postgres.create_schema], or apply
[`schema_sql`][promocore.state.postgres.schema_sql] through your migration tool. Payloads are stored
as ``jsonb``.
"""

from __future__ import annotations

from promocore.backends.postgres import PostgresDatabase, check_schema_name, run_script
from promocore.state.sql import SqlStore

_DDL = """
SELECT pg_advisory_xact_lock(7316012);
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.state_records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version > 0),
    payload JSONB NOT NULL,
    due_us BIGINT,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS state_records_due ON {s}.state_records (kind, due_us)
    WHERE due_us IS NOT NULL;
"""


def schema_sql(schema: str = "promocore") -> str:
    """Return the DDL that creates the store's table in ``schema`` (idempotent).

    Raises:
        ValidationError: ``schema`` is not a plain lower-case identifier.
    """
    return _DDL.replace("{s}", check_schema_name(schema))


def create_schema(conninfo: str, *, schema: str = "promocore") -> None:
    """Create the store's table in ``schema`` unless it exists.

    Args:
        conninfo: A libpq connection string or URL for a role allowed to create
            the schema and its tables.
        schema: The PostgreSQL schema to put the table in.
    """
    run_script(conninfo, schema_sql(schema))


class PostgresStore(SqlStore):
    """A [`Store`][promocore.state.Store] in PostgreSQL.

    Every save is one conditional statement (``UPDATE ... WHERE version = ?`` or
    ``INSERT ... ON CONFLICT DO NOTHING``), atomic under any isolation level.

    Args:
        conninfo: A libpq connection string or URL.
        schema: The schema holding the table made by
            [`create_schema`][promocore.state.postgres.create_schema].
    """

    def __init__(self, conninfo: str, *, schema: str = "promocore") -> None:
        super().__init__(
            PostgresDatabase(conninfo),
            prefix=check_schema_name(schema) + ".",
            payload_param="CAST(? AS jsonb)",
            id_order='id COLLATE "C"',
        )
