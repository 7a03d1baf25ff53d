"""The store over SQL, shared by the SQLite and PostgreSQL backends.

One table, ``state_records`` (in the PostgreSQL schema): (kind, id) primary key, version,
payload and ``due_us`` (microseconds since the Unix epoch, or NULL), indexed by (kind, due_us)
for expiry sweeps. A save is one conditional INSERT or UPDATE, which the database applies
atomically; only a lost race costs a second statement, to report the version found.
[`SqlStore`][promocore.state.sql.SqlStore] runs the statements on a sync database;
[`AsyncPostgresStore`][promocore.state.postgres.AsyncPostgresStore] runs the same ones on
psycopg's asyncio connections.
"""

from __future__ import annotations

from datetime import datetime

from promocore.backends.clock import from_micros, to_micros
from promocore.backends.database import Database, Dialect, Row
from promocore.state.errors import VersionConflictError
from promocore.state.record import (
    JSONObject,
    Record,
    check_address,
    check_delete,
    check_due_query,
    check_save,
    decode_payload,
)


class StoreStatements:
    """The store's statements in one database's spelling."""

    def __init__(self, d: Dialect) -> None:
        t, x = f"{d.prefix}state_records", d.param
        payload = d.jsonb.replace("{}", x)
        columns = "kind, id, version, payload, due_us"
        self.get = f"SELECT {columns} FROM {t} WHERE kind = {x} AND id = {x}"
        self.version = f"SELECT version FROM {t} WHERE kind = {x} AND id = {x}"
        self.insert = (
            f"INSERT INTO {t} ({columns}) VALUES ({x}, {x}, 1, {payload}, {x})"
            " ON CONFLICT (kind, id) DO NOTHING RETURNING version"
        )
        self.update = (
            f"UPDATE {t} SET version = {x}, payload = {payload}, due_us = {x}"
            f" WHERE kind = {x} AND id = {x} AND version = {x} RETURNING version"
        )
        self.delete = (
            f"DELETE FROM {t} WHERE kind = {x} AND id = {x} AND version = {x} RETURNING version"
        )
        self.due = (
            f"SELECT {columns} FROM {t}"
            f" WHERE kind = {x} AND due_us IS NOT NULL AND due_us <= {x}"
            f" ORDER BY due_us, id{d.text_order} LIMIT {x}"
        )

    def save(
        self, kind: str, id: str, text: str, expected: int, due_us: int | None
    ) -> tuple[str, tuple[object, ...]]:
        """Return the statement and parameters of a save."""
        if expected == 0:
            return self.insert, (kind, id, text, due_us)
        return self.update, (expected + 1, text, due_us, kind, id, expected)


def saved(
    kind: str, id: str, text: str, expected: int, due_us: int | None, rows: list[Row]
) -> Record | None:
    """Return the record a save wrote, or ``None`` when it lost the race."""
    if not rows:
        return None
    due = None if due_us is None else from_micros(due_us)
    return Record(kind, id, expected + 1, decode_payload(text), due)


def record_of(row: Row) -> Record:
    """Build a record from a (kind, id, version, payload, due_us) row."""
    kind, id, version, payload, due_us = row
    due = None if due_us is None else from_micros(int(due_us))
    return Record(str(kind), str(id), int(version), decode_payload(payload), due)


def actual_version(rows: list[Row]) -> int:
    """Return the version a version query found (0 for no record)."""
    return int(rows[0][0]) if rows else 0


class SqlStore:
    """A [`Store`][promocore.state.Store] over a SQL database.

    Use [`SqliteStore`][promocore.state.sqlite.SqliteStore] or
    [`PostgresStore`][promocore.state.postgres.PostgresStore].
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = StoreStatements(db.dialect)

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        rows = self._db.query(self._sql.get, (kind, id))
        return record_of(rows[0]) if rows else None

    def save(
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
        record = saved(kind, id, text, expected_version, due_us, self._db.query(sql, params))
        if record is None:
            actual = actual_version(self._db.query(self._sql.version, (kind, id)))
            raise VersionConflictError(kind, id, expected_version, actual)
        return record

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        if not self._db.query(self._sql.delete, (kind, id, expected_version)):
            actual = actual_version(self._db.query(self._sql.version, (kind, id)))
            raise VersionConflictError(kind, id, expected_version, actual)

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        rows = self._db.query(self._sql.due, (kind, to_micros(before), limit))
        return [record_of(row) for row in rows]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
