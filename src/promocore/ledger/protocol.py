"""The [`Ledger`][promocore.ledger.protocol.Ledger] protocol every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from promocore.ledger.model import AccountSpec, Balance, Draw, Reservation


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

    def close(self) -> None:
        """Free the connections the ledger holds."""
        ...
