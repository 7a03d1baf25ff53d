"""What the SQL backends need from a database connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

#: A row as the driver returns it.
Row = tuple[Any, ...]


class Tx(Protocol):
    """One open transaction; SQL uses ``?`` placeholders."""

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run a query and return every row."""
        ...

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        ...

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement and return how many rows it changed."""
        ...

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run a statement once per parameter row (the driver may send them together)."""
        ...

    def send(self, sql: str, params: Sequence[object] = ()) -> None:
        """Run a statement whose result is not needed (the driver may defer waiting)."""
        ...


class Database(Protocol):
    """A connection the SQL backends run transactions on."""

    #: Appended to a SELECT that must lock its rows (empty where the database
    #: locks as a whole, as SQLite's ``BEGIN IMMEDIATE`` does).
    lock_rows: str

    def write(self) -> AbstractContextManager[Tx]:
        """Open a write transaction; commit on success, roll back on error."""
        ...

    def read(self) -> AbstractContextManager[Tx]:
        """Open a read-only transaction."""
        ...

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one read statement on its own (one round trip) and return every row."""
        ...

    def retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a deadlock or serialisation failure worth retrying."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...


def in_transaction(db: Database, work: Callable[[Tx], T], *, attempts: int = 20) -> T:
    """Run ``work`` in a write transaction, retrying on deadlocks."""
    for attempt in range(attempts):
        try:
            with db.write() as tx:
                return work(tx)
        except Exception as error:
            if attempt + 1 >= attempts or not db.retryable(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def placeholders(count: int) -> str:
    """Return ``?, ?, ...`` with ``count`` markers."""
    return ", ".join("?" for _ in range(count))


def chunks(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Split ``rows`` into slices of at most ``size``."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
