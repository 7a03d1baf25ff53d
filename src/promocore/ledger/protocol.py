"""The [`Ledger`][promocore.ledger.protocol.Ledger] protocol every backend implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from promocore.ledger.errors import LedgerError
from promocore.ledger.model import AccountSpec, Balance, Draw, Reservation

#: One request of [`reserve_many`][promocore.ledger.protocol.Ledger.reserve_many]: a key and its
#: draws.
Request = tuple[str, Sequence[Draw]]

#: Receives each batch of settled reservations before a purge deletes them.
Archive = Callable[[Sequence[Reservation]], None]


@runtime_checkable
class Ledger(Protocol):
    """Budgets, stock and per-subject usage counters that never overdraw.

    Every method is atomic. Every method that changes something takes an
    idempotency key: calling it again with the same key returns the first result
    and changes nothing more. Reservations not committed within their time to
    live are given back: lazily, whenever an account they drew from is used, and
    by [`sweep`][promocore.ledger.protocol.Ledger.sweep]. Times come from ``now`` when given,
    otherwise from the ledger's clock.
    """

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists.

        An existing account keeps its limit (change it with
        [`top_up`][promocore.ledger.protocol.Ledger.top_up]).

        Returns:
            The account as stored.

        Raises:
            ValidationError: ``spec`` is not an [`AccountSpec`][promocore.ledger.model.AccountSpec].
            AccountConflictError: it exists with another kind or currency.
        """
        ...

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit by ``amount`` (per subject for usage accounts).

        Returns:
            The account as it was right after this top-up (also on a retry).

        Raises:
            ValidationError: a bad key, name or amount.
            UnknownAccountError: no such account.
            IdempotencyKeyReusedError: ``key`` named another top-up.
            CapacityError: the limit would exceed ``MAX_AMOUNT``.
        """
        ...

    def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none of them.

        Returns:
            The reservation; on a retry, the one the key first made, with its
            current status.

        Raises:
            ValidationError: a bad argument, or an item that does not fit its
                account (a subject for a budget, a wrong currency).
            UnknownAccountError: an item names an account never defined.
            ReservationRefusedError: some items cannot be granted; nothing was drawn.
            IdempotencyKeyReusedError: ``key`` named a reservation of other items.
        """
        ...

    def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item or none, and spend what was drawn at once: one call, not two.

        For grants settled at once (a flash-sale unit paid on the spot, points spent). The
        reservation is made committed; it cannot be released.

        Returns:
            The committed reservation; on a retry, the one the key first made. A retry on
            a key that [`reserve`][promocore.ledger.protocol.Ledger.reserve] made and that is
            still held commits it.

        Raises:
            ValidationError: as for ``reserve``.
            UnknownAccountError: an item names an account never defined.
            ReservationRefusedError: some items cannot be granted; nothing was drawn.
            IdempotencyKeyReusedError: ``key`` named a reservation of other items.
            ReservationClosedError: the key's reservation was released or has expired.
        """
        ...

    def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make many reservations at once (Redis and PostgreSQL: in one round trip).

        Each request is all or nothing on its own, as with ``reserve`` (or
        ``reserve_and_commit`` when ``commit`` is true); the batch is not: some may be granted
        while others are refused.

        Args:
            requests: ``(key, items)`` pairs, at most 1,000, with distinct keys.
            ttl: How long the reservations hold; not used when ``commit`` is true.
            commit: Spend what is drawn at once.
            now: The time of the call.

        Returns:
            Per request, in order, its reservation, or the ledger error it met
            (``ReservationRefusedError``, ``UnknownAccountError``, ...).

        Raises:
            ValidationError: a bad argument anywhere in the batch (nothing was drawn).
        """
        ...

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation for good.

        Raises:
            UnknownReservationError: no reservation has this key.
            ReservationClosedError: it was released or has expired.
        """
        ...

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back; releasing it again changes nothing.

        Raises:
            UnknownReservationError: no reservation has this key.
            ReservationClosedError: it was committed.
        """
        ...

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        ...

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (a subject's, for usage accounts).

        Raises:
            ValidationError: a subject is missing for a usage account, or given
                for another kind.
            UnknownAccountError: no such account.
        """
        ...

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        ...

    def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Archive | None = None,
    ) -> int:
        """Delete reservations settled more than ``older_than`` ago; return how many.

        Committed, released and expired reservations are deleted in batches of ``batch``, each
        its own short transaction or script, so live traffic never waits for long. Held ones are
        never touched (an expired hold is settled by the next sweep or access, and its age
        counts from then). Once a key is purged, a retry with it is a new request: keep
        ``older_than`` well beyond the longest time a client may retry.

        Args:
            older_than: The retention window.
            now: The time of the call.
            batch: How many reservations each step deletes.
            archive: Called with each batch before it is deleted (to copy it elsewhere); if it
                raises, that batch is kept. A batch may be passed again after a crash.
        """
        ...

    def close(self) -> None:
        """Free the connections the ledger holds."""
        ...


@runtime_checkable
class AsyncLedger(Protocol):
    """The [`Ledger`][promocore.ledger.protocol.Ledger] protocol for asyncio code.

    Every method is the coroutine twin of the ``Ledger`` method of the same name, with the same
    arguments, results, errors and guarantees; the two kinds of backend share the pure planning
    and checks, and may share one database.
    """

    async def define(self, spec: AccountSpec) -> AccountSpec:
        """See [`Ledger.define`][promocore.ledger.protocol.Ledger.define]."""
        ...

    async def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """See [`Ledger.top_up`][promocore.ledger.protocol.Ledger.top_up]."""
        ...

    async def reserve(
        self, key: str, items: Sequence[Draw], ttl: timedelta, *, now: datetime | None = None
    ) -> Reservation:
        """See [`Ledger.reserve`][promocore.ledger.protocol.Ledger.reserve]."""
        ...

    async def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """See [`Ledger.reserve_and_commit`][promocore.ledger.protocol.Ledger.reserve_and_commit].

        The same arguments, result and errors.
        """
        ...

    async def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """See [`Ledger.reserve_many`][promocore.ledger.protocol.Ledger.reserve_many]."""
        ...

    async def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """See [`Ledger.commit`][promocore.ledger.protocol.Ledger.commit]."""
        ...

    async def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """See [`Ledger.release`][promocore.ledger.protocol.Ledger.release]."""
        ...

    async def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """See [`Ledger.reservation`][promocore.ledger.protocol.Ledger.reservation]."""
        ...

    async def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """See [`Ledger.balance`][promocore.ledger.protocol.Ledger.balance]."""
        ...

    async def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """See [`Ledger.sweep`][promocore.ledger.protocol.Ledger.sweep]."""
        ...

    async def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Archive | None = None,
    ) -> int:
        """See [`Ledger.purge`][promocore.ledger.protocol.Ledger.purge]."""
        ...

    async def close(self) -> None:
        """Free the connections the ledger holds."""
        ...
