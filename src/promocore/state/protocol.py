"""The [`Store`][promocore.state.protocol.Store] protocol every backend implements."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from promocore.state.record import JSONObject, Record


@runtime_checkable
class Store(Protocol):
    """Versioned records with compare-and-set writes.

    A writer reads a record, computes the next state and saves it with the
    version it read; if anyone saved in between, the save raises
    [`VersionConflictError`][promocore.state.VersionConflictError] and changes nothing.
    """

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` when there is none.

        Raises:
            ValidationError: a bad kind or id.
        """
        ...

    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        """Write a record if it is still at ``expected_version``.

        Args:
            kind: The record's kind.
            id: The record's id.
            payload: The new state, a JSON-able dict.
            expected_version: The version read before computing ``payload``; 0 to
                create a record that must not exist yet.
            due: When an expiry sweep should look at the record, or ``None``.

        Returns:
            The record as saved, at ``expected_version + 1``.

        Raises:
            ValidationError: a bad argument (the payload is not JSON-able, ``due``
                is naive, ...).
            VersionConflictError: the record is at another version.
        """
        ...

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``.

        Raises:
            VersionConflictError: the record is at another version, or missing.
        """
        ...

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return up to ``limit`` records of ``kind`` due at or before ``before``.

        Records come earliest due first (ties by id), for expiry sweeps; a sweep
        saves each with its version, so two sweepers never both act on one.
        """
        ...

    def close(self) -> None:
        """Free the connections the store holds."""
        ...


@runtime_checkable
class AsyncStore(Protocol):
    """The [`Store`][promocore.state.protocol.Store] protocol for asyncio code.

    Every method is the coroutine twin of the ``Store`` method of the same name, with the same
    arguments, results and errors.
    """

    async def get(self, kind: str, id: str) -> Record | None:
        """See [`Store.get`][promocore.state.protocol.Store.get]."""
        ...

    async def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        """See [`Store.save`][promocore.state.protocol.Store.save]."""
        ...

    async def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """See [`Store.delete`][promocore.state.protocol.Store.delete]."""
        ...

    async def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """See [`Store.due`][promocore.state.protocol.Store.due]."""
        ...

    async def close(self) -> None:
        """Free the connections the store holds."""
        ...
