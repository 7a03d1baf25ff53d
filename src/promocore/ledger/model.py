"""The ledger's value objects: accounts, draws, grants, reservations and balances."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from promocore.ledger.inputs import MAX_AMOUNT, check_amount, check_name
from promocore.money import MINOR_UNITS, Money
from promocore.validation import Checks

__all__ = [
    "MAX_AMOUNT",
    "AccountKind",
    "AccountSpec",
    "Balance",
    "Draw",
    "Grant",
    "Reservation",
    "ReservationStatus",
    "Shortfall",
]


class AccountKind(enum.Enum):
    """What an account counts."""

    #: Money, in integer minor units of the account's currency (a campaign's spend budget).
    BUDGET = "budget"
    #: Units of goods (a flash sale's stock).
    STOCK = "stock"
    #: Uses per subject (usually a customer): the limit applies to each subject separately.
    USAGE = "usage"


class ReservationStatus(enum.Enum):
    """Where a reservation is in its life."""

    #: Drawn and waiting for [`commit`][promocore.ledger.protocol.Ledger.commit] or release.
    HELD = "held"
    #: Spent for good.
    COMMITTED = "committed"
    #: Given back by [`release`][promocore.ledger.protocol.Ledger.release].
    RELEASED = "released"
    #: Given back because it was not committed within its time to live.
    EXPIRED = "expired"


@attrs.frozen
class AccountSpec:
    """The definition of an account.

    Attributes:
        name: The account's unique name, such as ``"budget:double11"``.
        kind: What the account counts.
        limit: How much may be drawn in all (for
            [`AccountKind.USAGE`][promocore.ledger.model.AccountKind.USAGE], by each
            subject). Integer minor units for budgets, units for stock, uses for usage.
        currency: The ISO 4217 currency of a budget; ``None`` for stock and usage.
    """

    name: str
    kind: AccountKind
    limit: int
    currency: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_name(checks, self.name, "name")
        if not isinstance(self.kind, AccountKind):
            checks.add("kind", "must be an AccountKind")
        check_amount(checks, self.limit, "limit", minimum=0)
        if self.kind is AccountKind.BUDGET:
            if self.currency is None:
                checks.add("currency", "is required for a budget")
            elif self.currency not in MINOR_UNITS:
                checks.add("currency", f"unknown currency {self.currency!r}")
        elif self.currency is not None:
            checks.add("currency", "must be None unless the account is a budget")
        checks.raise_if_any()

    @classmethod
    def budget(cls, name: str, limit: Money) -> AccountSpec:
        """Define a spend budget of ``limit``."""
        return cls(name, AccountKind.BUDGET, limit.amount, limit.currency)

    @classmethod
    def stock(cls, name: str, units: int) -> AccountSpec:
        """Define a stock of ``units``."""
        return cls(name, AccountKind.STOCK, units)

    @classmethod
    def usage(cls, name: str, per_subject: int) -> AccountSpec:
        """Define a usage counter allowing ``per_subject`` uses to each subject."""
        return cls(name, AccountKind.USAGE, per_subject)


@attrs.frozen
class Draw:
    """One item of a reservation: take ``amount`` from ``account``.

    Attributes:
        account: The account to draw from.
        amount: How much to take: minor units, units or uses; always > 0.
        subject: Whose counter to draw from; required for usage accounts, refused
            for the others.
        partial: When less than ``amount`` is available, take all that is left
            instead of refusing (at least 1 must be left). The last order of a
            budget gets exactly the rest.
        currency: For budgets, the currency the amount is in; checked against the
            account's when given.
    """

    account: str
    amount: int
    subject: str | None = None
    partial: bool = False
    currency: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Checks()
        draw_problems(problems, self)
        problems.raise_if_any()

    @classmethod
    def budget(cls, account: str, amount: Money, *, partial: bool = False) -> Draw:
        """Draw ``amount`` of money from a budget."""
        return cls(account, amount.amount, partial=partial, currency=amount.currency)

    @classmethod
    def stock(cls, account: str, units: int, *, partial: bool = False) -> Draw:
        """Draw ``units`` from a stock."""
        return cls(account, units, partial=partial)

    @classmethod
    def use(cls, account: str, subject: str, times: int = 1) -> Draw:
        """Count ``times`` uses by ``subject`` against a usage limit."""
        return cls(account, times, subject=subject)


def draw_problems(checks: Checks, draw: Draw, path: str = "") -> None:
    """Record every problem of ``draw`` under ``path``."""
    prefix = f"{path}." if path else ""
    check_name(checks, draw.account, f"{prefix}account")
    check_amount(checks, draw.amount, f"{prefix}amount")
    if draw.subject is not None:
        check_name(checks, draw.subject, f"{prefix}subject")
    if not isinstance(draw.partial, bool):
        checks.add(f"{prefix}partial", "must be a bool")
    if draw.currency is not None and draw.currency not in MINOR_UNITS:
        checks.add(f"{prefix}currency", f"unknown currency {draw.currency!r}")


@attrs.frozen
class Grant:
    """What one item of a reservation got.

    Attributes:
        account: The account drawn from.
        amount: How much was granted; less than ``asked`` only for partial draws.
        asked: How much the item asked for.
        subject: The subject drawn for, for usage accounts.
    """

    account: str
    amount: int
    asked: int
    subject: str | None = None

    @property
    def short(self) -> bool:
        """Whether less than asked was granted."""
        return self.amount < self.asked


@attrs.frozen
class Reservation:
    """A reservation as the ledger holds it.

    Attributes:
        key: The idempotency key it was made with.
        grants: One grant per item, in item order.
        expires_at: When it is given back unless committed.
        status: Where it is in its life, as of the call that returned it.
    """

    key: str
    grants: tuple[Grant, ...]
    expires_at: datetime
    status: ReservationStatus

    def granted(self, account: str, subject: str | None = None) -> int:
        """Return the amount granted from ``account`` (0 when not drawn from)."""
        return sum(g.amount for g in self.grants if g.account == account and g.subject == subject)


@attrs.frozen
class Balance:
    """The state of one account (or one subject's counter of a usage account).

    Attributes:
        account: The account's name.
        kind: What it counts.
        limit: How much may be drawn in all (per subject for usage).
        reserved: Held by reservations not yet committed, released or expired.
        committed: Spent for good.
        subject: The subject, for usage accounts.
        currency: The currency of a budget.
    """

    account: str
    kind: AccountKind
    limit: int
    reserved: int
    committed: int
    subject: str | None = None
    currency: str | None = None

    @property
    def available(self) -> int:
        """What can still be reserved: ``limit - reserved - committed``."""
        return self.limit - self.reserved - self.committed

    def money(self) -> Money:
        """Return [`available`][promocore.ledger.model.Balance.available] as money (budgets only).

        Raises:
            TypeError: the account is not a budget.
        """
        if self.currency is None:
            raise TypeError(f"account {self.account!r} is not a budget")
        return Money(self.available, self.currency)


@attrs.frozen
class Shortfall:
    """Why one item of a refused reservation could not be granted.

    Attributes:
        index: The item's position in the reservation.
        account: The account it drew from.
        asked: How much it asked for.
        available: How much was available.
        subject: The subject, for usage accounts.
    """

    index: int
    account: str
    asked: int
    available: int
    subject: str | None = None

    def __str__(self) -> str:
        who = f" for {self.subject!r}" if self.subject is not None else ""
        return (
            f"items[{self.index}]: account {self.account!r}{who} has {self.available} "
            f"available, asked {self.asked}"
        )
