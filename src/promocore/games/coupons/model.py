"""What coupons keep and exchange: coupons as they live, their commands and events.

A [`Coupon`][promocore.games.coupons.model.Coupon] moves through its life
([`CouponStatus`][promocore.games.coupons.model.CouponStatus]) by the commands
[`Claim`][promocore.games.coupons.model.Claim], [`Lock`][promocore.games.coupons.model.Lock],
[`Release`][promocore.games.coupons.model.Release],
[`Redeem`][promocore.games.coupons.model.Redeem], [`Restore`][promocore.games.coupons.model.Restore]
and [`Expire`][promocore.games.coupons.model.Expire], applied by
[`transition`][promocore.games.coupons.rules.transition].
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from promocore._typed import typed_fields
from promocore.games.coupons.params import Validity
from promocore.validation import Checks


class CouponStatus(enum.Enum):
    """Where a coupon is in its life.

    ``issued`` (a code nobody holds yet) → ``claimed`` (held by a customer) →
    ``locked`` (in an unpaid order) → ``redeemed`` (paid), or back to ``claimed``
    when the order releases it; ``expired`` once its window has passed.
    """

    ISSUED = "issued"
    CLAIMED = "claimed"
    LOCKED = "locked"
    REDEEMED = "redeemed"
    EXPIRED = "expired"


@attrs.frozen
@typed_fields
class Coupon:
    """One coupon, identified by its code.

    Attributes:
        code: The unique code.
        template_id: The template it was issued from.
        status: Where it is in its life.
        validity: The template's validity, to open the window at the claim.
        issued_at: When it was issued.
        origin: The idempotency key of the request that issued it.
        max_uses: How many orders it may be used in.
        claim_until: An issued code can no longer be claimed from this moment.
        owner: The customer who claimed it.
        claimed_at: When it was claimed.
        valid_from: Start of the window in which it may be used.
        valid_until: End (exclusive) of that window.
        locked_by: The unpaid order holding it, while locked.
        locked_until: When that order's lock lapses unless it is paid, if ever.
        locked_subject: The ledger subject that order's use was reserved under (see
            [`uses_subject`][promocore.games.coupons.model.Coupon.uses_subject]).
        orders: The orders it was redeemed in and still counts for, oldest first.
        restored: The orders it was redeemed in that were refunded in full while it was
            still valid, so it was given back (their uses no longer count).
    """

    code: str
    template_id: str
    status: CouponStatus
    validity: Validity
    issued_at: datetime
    origin: str
    max_uses: int = 1
    claim_until: datetime | None = None
    owner: str | None = None
    claimed_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    locked_by: str | None = None
    locked_until: datetime | None = None
    locked_subject: str | None = None
    orders: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.code.strip()), "code", "must not be empty")
        checks.check(self.max_uses >= 1, "max_uses", "must be >= 1")
        held = self.status is not CouponStatus.ISSUED
        checks.check(
            (self.owner is not None) == held or self.status is CouponStatus.EXPIRED,
            "owner",
            "a coupon has an owner exactly when it was claimed",
        )
        checks.check(
            (self.locked_by is not None) == (self.status is CouponStatus.LOCKED),
            "locked_by",
            "set exactly when the coupon is locked",
        )
        if self.locked_until is not None:
            checks.check(self.locked_by is not None, "locked_until", "set only while locked")
        if self.locked_subject is not None:
            checks.check(self.locked_by is not None, "locked_subject", "set only while locked")
        checks.check(len(self.orders) <= self.max_uses, "orders", "more uses than allowed")
        checks.raise_if_any()

    @property
    def uses_subject(self) -> str:
        """Whose uses the ledger counts for the coupon: its code, renewed by every restore.

        The ledger never gives a committed use back, so a coupon given back counts its uses
        under a new subject (``code~1`` after one restore); the coupon's own ``orders``
        keep the count of uses left exact.
        """
        return self.code if not self.restored else f"{self.code}~{len(self.restored)}"

    def lock_subject(self, order_id: str) -> str:
        """The ledger subject of ``order_id``'s lock: the one it was reserved under if held."""
        if self.locked_by == order_id and self.locked_subject is not None:
            return self.locked_subject
        return self.uses_subject

    @property
    def uses_left(self) -> int:
        """How many more orders it may be used in."""
        return self.max_uses - len(self.orders)

    def usable_at(self, at: datetime) -> bool:
        """True if ``at`` lies in the coupon's validity window (claimed coupons only)."""
        if self.valid_from is None or self.valid_until is None:
            return False
        return self.valid_from <= at < self.valid_until

    def due(self) -> datetime | None:
        """When the coupon must be looked at next: its lock lapses, or it expires."""
        if self.status is CouponStatus.ISSUED:
            return self.claim_until
        if self.status is CouponStatus.CLAIMED:
            return self.valid_until
        if self.status is CouponStatus.LOCKED:
            return self.locked_until
        return None

    def held_by(self, customer_id: str) -> bool:
        """True if the coupon belongs to ``customer_id`` and may still be used some day."""
        return self.owner == customer_id and self.status in (
            CouponStatus.CLAIMED,
            CouponStatus.LOCKED,
        )


@attrs.frozen
class CouponIssued:
    """A code was issued from a template."""

    code: str
    template_id: str
    at: datetime


@attrs.frozen
class CouponClaimed:
    """A customer claimed the coupon; it may be used from ``valid_from`` until ``valid_until``."""

    code: str
    customer_id: str
    valid_from: datetime
    valid_until: datetime
    at: datetime


@attrs.frozen
class CouponLocked:
    """An unpaid order holds the coupon."""

    code: str
    order_id: str
    at: datetime


@attrs.frozen
class CouponReleased:
    """The order gave the coupon back (cancelled, or not paid in time)."""

    code: str
    order_id: str
    at: datetime


@attrs.frozen
class CouponRedeemed:
    """The order was paid; the coupon has ``uses_left`` uses left."""

    code: str
    order_id: str
    uses_left: int
    at: datetime


@attrs.frozen
class CouponRestored:
    """Order ``order_id`` was refunded in full: the coupon it used is given back."""

    code: str
    order_id: str
    uses_left: int
    at: datetime


@attrs.frozen
class CouponExpired:
    """The coupon's window passed before it was used up."""

    code: str
    at: datetime


#: Any coupon event.
CouponEvent = (
    CouponIssued
    | CouponClaimed
    | CouponLocked
    | CouponReleased
    | CouponRedeemed
    | CouponRestored
    | CouponExpired
)


Events = tuple[CouponEvent, ...]


@attrs.frozen
class Claim:
    """Give an issued code to ``customer_id`` (兑换码)."""

    customer_id: str


@attrs.frozen
class Lock:
    """Hold the coupon in the unpaid order ``order_id`` of ``customer_id``.

    ``until`` is when the lock lapses unless the order is paid (``None``: never); ``subject``
    is the ledger subject the use was reserved under (the coupon's ``uses_subject``).
    """

    order_id: str
    customer_id: str
    until: datetime | None = None
    subject: str | None = None


@attrs.frozen
class Release:
    """Give the coupon back from ``order_id`` (order cancelled, or not paid in time)."""

    order_id: str


@attrs.frozen
class Redeem:
    """Use the coupon for good: ``order_id`` was paid."""

    order_id: str


@attrs.frozen
class Restore:
    """Give the coupon back: ``order_id``, which used it, was refunded in full.

    A coupon past its validity window is not given back (nothing changes).
    """

    order_id: str


@attrs.frozen
class Expire:
    """Mark a coupon whose window has passed as expired."""


@attrs.frozen
class CatchUp:
    """Bring the coupon up to date with the clock and the ledger.

    Redeem the lock of ``paid`` (an order the ledger shows paid), release a lapsed lock and
    expire a coupon past its window.
    """

    paid: str | None = None


#: Any command a coupon accepts.
Command = Claim | Lock | Release | Redeem | Restore | Expire | CatchUp


@attrs.frozen
class Wallet:
    """The codes given to one customer, oldest first."""

    customer_id: str
    codes: tuple[str, ...] = ()


@attrs.frozen
class Remember:
    """Add ``code`` to the wallet (nothing if it holds it already)."""

    code: str
