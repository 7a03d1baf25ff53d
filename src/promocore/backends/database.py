"""What the SQL backends need from a database connection.

SQL is written in the driver's own parameter style (``?`` for sqlite3, ``%s`` for psycopg);
statements shared by both are built once per backend from a
[`Dialect`][promocore.backends.database.Dialect], never by rewriting the text of a statement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Protocol, TypeVar

import attrs

T = TypeVar("T")

#: A row as the driver returns it.
Row = tuple[Any, ...]


@attrs.frozen
class Dialect:
    """How one database spells what the shared statements need.

    Attributes:
        param: The parameter marker (``"?"`` or ``"%s"``).
        prefix: Prepended to every table name (``"promocore."`` for a PostgreSQL schema).
        jsonb: How a JSON payload's marker is written, ``{}`` standing for the marker
            (``"CAST({} AS jsonb)"``).
        text_order: Appended to a text column sorted byte-wise (``' COLLATE "C"'``).
    """

    param: str
    prefix: str = ""
    jsonb: str = "{}"
    text_order: str = ""

    def params(self, count: int) -> str:
        """Return ``count`` markers separated by commas."""
        return ", ".join([self.param] * count)


#: SQLite's spelling.
SQLITE = Dialect("?")


class Tx(Protocol):
    """One open transaction; SQL in the driver's parameter style."""

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


class Database(Protocol):
    """A connection (or pool) the SQL backends run statements and transactions on."""

    #: How this database spells the shared statements.
    dialect: Dialect

    def write(self) -> AbstractContextManager[Tx]:
        """Open a write transaction; commit on success, roll back on error."""
        ...

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement on its own (one round trip, its own transaction); return its rows."""
        ...

    def retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a deadlock or serialisation failure worth retrying."""
        ...

    def close(self) -> None:
        """Close the connections this object opened."""
        ...


class AsyncTx(Protocol):
    """One open transaction of an asyncio driver."""

    async def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run a query and return every row."""
        ...


class AsyncDatabase(Protocol):
    """The asyncio twin of [`Database`][promocore.backends.database.Database]."""

    dialect: Dialect

    def write(self) -> AbstractAsyncContextManager[AsyncTx]:
        """Open a write transaction; commit on success, roll back on error."""
        ...

    async def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement on its own; return its rows."""
        ...

    def retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a deadlock or serialisation failure worth retrying."""
        ...

    async def close(self) -> None:
        """Close the connections this object opened."""
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


def query_retrying(
    db: Database, sql: str, params: Sequence[object], attempts: int = 20
) -> list[Row]:
    """Run one statement, retrying deadlocks and serialisation failures."""
    for attempt in range(attempts):
        try:
            return db.query(sql, params)
        except Exception as error:
            if attempt + 1 >= attempts or not db.retryable(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def aquery_retrying(
    db: AsyncDatabase, sql: str, params: Sequence[object], attempts: int = 20
) -> list[Row]:
    """The asyncio twin of [`query_retrying`][promocore.backends.database.query_retrying]."""
    for attempt in range(attempts):
        try:
            return await db.query(sql, params)
        except Exception as error:
            if attempt + 1 >= attempts or not db.retryable(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def ain_transaction(
    db: AsyncDatabase, work: Callable[[AsyncTx], Awaitable[T]], *, attempts: int = 20
) -> T:
    """The asyncio twin of [`in_transaction`][promocore.backends.database.in_transaction]."""
    for attempt in range(attempts):
        try:
            async with db.write() as tx:
                return await work(tx)
        except Exception as error:
            if attempt + 1 >= attempts or not db.retryable(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def chunks(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Split ``rows`` into slices of at most ``size``."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
