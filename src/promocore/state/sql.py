"""The store over SQL, shared by the SQLite and PostgreSQL backends.

One table, ``{p}state_records``: (kind, id) primary key, version, payload and
``due_us`` (microseconds since the Unix epoch, or NULL), indexed by
(kind, due_us) for expiry sweeps. A save is one conditional INSERT or UPDATE,
which the database applies atomically.
"""

from __future__ import annotations

from datetime import datetime

from promocore.backends.database import Database, Row, Tx, in_transaction
from promocore.ledger.clock import from_micros, to_micros
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


class SqlStore:
    """A [`Store`][promocore.state.Store] over a SQL database.

    Use [`SqliteStore`][promocore.state.sqlite.SqliteStore] or
    [`PostgresStore`][promocore.state.postgres.PostgresStore].
    """

    def __init__(
        self, db: Database, *, prefix: str = "", payload_param: str = "?", id_order: str = "id"
    ) -> None:
        self._db = db
        self._p = prefix
        self._payload = payload_param
        self._id_order = id_order

    def _q(self, sql: str) -> str:
        return sql.replace("{p}", self._p).replace("{payload}", self._payload)

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        with self._db.read() as tx:
            row = tx.one(
                self._q(
                    "SELECT kind, id, version, payload, due_us FROM {p}state_records"
                    " WHERE kind = ? AND id = ?"
                ),
                (kind, id),
            )
        return None if row is None else _record(row)

    def _version(self, tx: Tx, kind: str, id: str) -> int:
        row = tx.one(
            self._q("SELECT version FROM {p}state_records WHERE kind = ? AND id = ?"), (kind, id)
        )
        return 0 if row is None else int(row[0])

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
        version = expected_version + 1

        def work(tx: Tx) -> int:
            if expected_version == 0:
                changed = tx.run(
                    self._q(
                        "INSERT INTO {p}state_records (kind, id, version, payload, due_us)"
                        " VALUES (?, ?, 1, {payload}, ?) ON CONFLICT (kind, id) DO NOTHING"
                    ),
                    (kind, id, text, due_us),
                )
            else:
                changed = tx.run(
                    self._q(
                        "UPDATE {p}state_records SET version = ?, payload = {payload}, due_us = ?"
                        " WHERE kind = ? AND id = ? AND version = ?"
                    ),
                    (version, text, due_us, kind, id, expected_version),
                )
            return version if changed == 1 else -self._version(tx, kind, id)

        outcome = in_transaction(self._db, work)
        if outcome <= 0:
            raise VersionConflictError(kind, id, expected_version, -outcome)
        return Record(
            kind, id, version, decode_payload(text), None if due_us is None else from_micros(due_us)
        )

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)

        def work(tx: Tx) -> int:
            changed = tx.run(
                self._q("DELETE FROM {p}state_records WHERE kind = ? AND id = ? AND version = ?"),
                (kind, id, expected_version),
            )
            return -1 if changed == 1 else self._version(tx, kind, id)

        actual = in_transaction(self._db, work)
        if actual >= 0:
            raise VersionConflictError(kind, id, expected_version, actual)

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        with self._db.read() as tx:
            rows = tx.all(
                self._q(
                    "SELECT kind, id, version, payload, due_us FROM {p}state_records"
                    " WHERE kind = ? AND due_us IS NOT NULL AND due_us <= ?"
                    f" ORDER BY due_us, {self._id_order} LIMIT ?"
                ),
                (kind, to_micros(before), limit),
            )
        return [_record(row) for row in rows]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def _record(row: Row) -> Record:
    kind, id, version, payload, due_us = row
    due = None if due_us is None else from_micros(int(due_us))
    return Record(str(kind), str(id), int(version), decode_payload(payload), due)
