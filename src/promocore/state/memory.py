"""An in-memory store: the default, for one process (thread-safe)."""

from __future__ import annotations

import threading
from datetime import datetime

from promocore.backends.clock import from_micros, to_micros
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


class MemoryStore:
    """A [`Store`][promocore.state.Store] kept in this process's memory.

    Payloads are kept as JSON text, so what a reader gets back is exactly what
    a database backend would return, and never shares objects with the writer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], tuple[int, str, datetime | None]] = {}

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        with self._lock:
            row = self._rows.get((kind, id))
        return None if row is None else _record(kind, id, row)

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
        with self._lock:
            row = self._rows.get((kind, id))
            actual = 0 if row is None else row[0]
            if actual != expected_version:
                raise VersionConflictError(kind, id, expected_version, actual)
            row = (expected_version + 1, text, None if due is None else from_micros(to_micros(due)))
            self._rows[(kind, id)] = row
        return _record(kind, id, row)

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        with self._lock:
            row = self._rows.get((kind, id))
            actual = 0 if row is None else row[0]
            if row is None or actual != expected_version:
                raise VersionConflictError(kind, id, expected_version, actual)
            del self._rows[(kind, id)]

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        with self._lock:
            found = [
                (row[2], id, row)
                for (k, id), row in self._rows.items()
                if k == kind and row[2] is not None and row[2] <= before
            ]
        found.sort(key=lambda item: (item[0], item[1]))
        return [_record(kind, id, row) for _, id, row in found[:limit]]

    def close(self) -> None:
        """Do nothing: there is no connection to free."""


def _record(kind: str, id: str, row: tuple[int, str, datetime | None]) -> Record:
    version, text, due = row
    return Record(kind, id, version, decode_payload(text), due)
