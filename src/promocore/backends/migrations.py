"""The versioned schema of the SQL backends: the ledger's and the store's tables, in one place.

Each [`Migration`][promocore.backends.migrations.Migration] brings a database from the version
before it to its own; applied migrations are recorded in ``promocore_migrations``. Every
migration is idempotent (``IF NOT EXISTS``, ``CREATE OR REPLACE``), so a database made before
migrations were recorded (promocore 0.1) is brought up to date by running them all. The
backends apply what is missing when they first connect, so upgrading promocore never needs a
manual step; the statements are also available as text for a migration tool
([`promocore.backends.postgres.schema_sql`][promocore.backends.postgres.schema_sql]).
"""

from __future__ import annotations

from importlib import resources

import attrs


@attrs.frozen
class Migration:
    """One step of the schema.

    Attributes:
        version: Its number; migrations apply in this order.
        name: What it does.
        postgres: Its PostgreSQL statements, ``{s}`` standing for the schema.
        sqlite: Its SQLite statements (``;``-separated, none inside a literal).
    """

    version: int
    name: str
    postgres: str
    sqlite: str


def _read(name: str) -> str:
    return resources.files("promocore.backends.schema").joinpath(name).read_text("utf-8")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "ledger and store tables; reserve and settle functions",
        _read("postgres_001.sql"),
        _read("sqlite_001.sql"),
    ),
    Migration(
        2,
        "one-call reservations, account and top-up functions, an index for purges",
        _read("postgres_002.sql"),
        _read("sqlite_002.sql"),
    ),
)

#: The version the code of this release needs.
LATEST = MIGRATIONS[-1].version


def sqlite_statements(script: str) -> list[str]:
    """Split a SQLite migration into its statements, without comment-only parts."""
    out = []
    for part in script.split(";"):
        lines = [line for line in part.splitlines() if not line.strip().startswith("--")]
        statement = "\n".join(lines).strip()
        if statement:
            out.append(statement)
    return out
