"""The exceptions a ledger raises besides [`ValidationError`][promocore.errors.ValidationError]."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from promocore.errors import PromocoreError

if TYPE_CHECKING:
    from promocore.ledger.model import ReservationStatus, Shortfall


class LedgerError(PromocoreError):
    """Root of the errors raised by a ledger."""


class ReservationRefusedError(LedgerError):
    """A reservation was refused: some items asked for more than is available.

    Nothing was drawn; the whole reservation is all or nothing. A refused key is
    not remembered, so the same key may be tried again later.

    Attributes:
        key: The idempotency key of the refused reservation.
        shortfalls: One entry per refused item, in item order, each naming the
            item index, account, subject, the amount asked and what was available.
    """

    def __init__(self, key: str, shortfalls: Iterable[Shortfall]) -> None:
        self.key = key
        self.shortfalls: tuple[Shortfall, ...] = tuple(shortfalls)
        if not self.shortfalls:
            raise ValueError("ReservationRefusedError needs at least one shortfall")
        super().__init__(f"reservation {key!r} refused: " + "; ".join(map(str, self.shortfalls)))


class UnknownAccountError(LedgerError, LookupError):
    """An item or call names an account that was never defined."""

    def __init__(self, account: str, path: str = "") -> None:
        self.account = account
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}unknown account {account!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownReservationError(LedgerError, LookupError):
    """No reservation was ever made with this key (or it was refused)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no reservation with key {key!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class ReservationClosedError(LedgerError, RuntimeError):
    """The reservation cannot make this move from its current status.

    Committing a released or expired reservation, or releasing a committed one,
    raises this error. ``status`` is the reservation's status.
    """

    def __init__(self, key: str, status: ReservationStatus, action: str) -> None:
        self.key = key
        self.status = status
        self.action = action
        super().__init__(f"cannot {action} reservation {key!r}: it is {status.value}")


class IdempotencyKeyReusedError(LedgerError, ValueError):
    """A key was used again with a different request than the one it first named."""

    def __init__(self, key: str, what: str = "reservation") -> None:
        self.key = key
        super().__init__(f"key {key!r} already names a different {what}")


class AccountConflictError(LedgerError, ValueError):
    """An account exists with a different kind or currency than the one asked."""


class CapacityError(LedgerError, OverflowError):
    """A top-up would raise a limit above `MAX_AMOUNT`."""
