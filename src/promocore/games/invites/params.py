"""The terms of invite programs (邀请有礼): who counts as a qualified friend, the reward ladder.

[`InviteParams`][promocore.games.invites.params.InviteParams] are what the ``invite`` mechanic
prices: whether a friend's order makes them count for their inviter.
"""

from __future__ import annotations

import enum

import attrs

from promocore._typed import typed_fields
from promocore.campaign import Schedule
from promocore.money import Money
from promocore.validation import Checks


class QualifyOn(enum.Enum):
    """What makes an invited friend count."""

    #: The friend registers.
    REGISTER = "register"
    #: The friend pays a first order (of at least the program's minimum).
    FIRST_PURCHASE = "first_purchase"


@attrs.frozen
@typed_fields
class CouponReward:
    """``quantity`` coupons of template ``template_id``."""

    template_id: str
    quantity: int = 1

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.template_id.strip()), "template_id", "must not be empty")
        checks.check(1 <= self.quantity <= 100, "quantity", "must be between 1 and 100")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class Rung:
    """A step of the ladder: reaching ``friends`` qualified friends grants the rewards.

    Attributes:
        friends: Qualified friends needed.
        coupons: Coupons granted.
        points: Points granted.
    """

    friends: int
    coupons: tuple[CouponReward, ...] = ()
    points: int = 0

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.friends >= 1, "friends", "must be >= 1")
        checks.check(self.points >= 0, "points", "must be >= 0")
        checks.check(bool(self.coupons) or self.points > 0, "", "a rung needs coupons or points")
        checks.raise_if_any()


@attrs.frozen
@typed_fields
class InviteProgram:
    """The rules of an invite program.

    Attributes:
        id: Unique id.
        name: Human name.
        rungs: The reward ladder, ``friends`` strictly increasing; each rung is
            granted once, when the inviter's count reaches it.
        qualify_on: What makes a friend count.
        schedule: When invitations are accepted and friends qualify.
        min_purchase: With ``first_purchase``, the smallest order that counts.
    """

    id: str
    name: str
    rungs: tuple[Rung, ...]
    qualify_on: QualifyOn = QualifyOn.REGISTER
    schedule: Schedule = attrs.field(factory=Schedule)
    min_purchase: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id.strip()), "id", "must not be empty")
        checks.check(bool(self.name.strip()), "name", "must not be empty")
        checks.check(bool(self.rungs), "rungs", "needs at least one rung")
        counts = [rung.friends for rung in self.rungs]
        checks.check(counts == sorted(set(counts)), "rungs", "friends must increase strictly")
        if self.min_purchase is not None:
            checks.check(
                self.qualify_on is QualifyOn.FIRST_PURCHASE,
                "min_purchase",
                "only used when friends qualify on their first purchase",
            )
            checks.check(self.min_purchase.amount >= 0, "min_purchase", "must be >= 0")
        checks.raise_if_any()


#: Name of the mechanic that shows whether an order makes a friend count (post stage).
INVITE_MECHANIC = "invite"
#: Effect kind of an order that makes a friend count; ``detail`` names the inviter.
QUALIFIES = "invite_qualifies"


@attrs.frozen
@typed_fields
class InviteParams:
    """Params of the ``invite`` mechanic: one invited friend's first order.

    Attributes:
        program_id: The invite program.
        inviter: Who invited the customer whose cart is priced.
        min_purchase: The smallest order that counts, or ``None`` for any.
    """

    program_id: str
    inviter: str
    min_purchase: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.program_id.strip()), "program_id", "must not be empty")
        checks.check(bool(self.inviter.strip()), "inviter", "must not be empty")
        if self.min_purchase is not None:
            checks.check(self.min_purchase.amount >= 0, "min_purchase", "must be >= 0")
        checks.raise_if_any()
