"""What an invite program keeps and exchanges: its board, its commands and events.

The [`InviteBoard`][promocore.games.invites.model.InviteBoard] of a program holds every
[`Invitation`][promocore.games.invites.model.Invitation] (who invited whom, when the friend
qualified) and every inviter's [`Progress`][promocore.games.invites.model.Progress]. It changes by
[`Bind`][promocore.games.invites.model.Bind], [`Register`][promocore.games.invites.model.Register],
[`Purchase`][promocore.games.invites.model.Purchase] and
[`Refund`][promocore.games.invites.model.Refund], applied by
[`transition`][promocore.games.invites.rules.transition].
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from promocore.games.invites.params import CouponReward, InviteProgram
from promocore.money import Money


@attrs.frozen
class Invitation:
    """One friend and who invited them.

    Attributes:
        friend: The invited customer.
        inviter: Who invited them.
        bound_at: When the invitation was recorded.
        qualified_at: When the friend started to count, or ``None``.
        order_id: The purchase the friend qualified with (programs that qualify on a first
            purchase).
        paid: What that purchase paid.
        refunded: What refunds of that purchase gave back so far.
        refunds: The ids of those refunds, so a retried refund counts once.
    """

    friend: str
    inviter: str
    bound_at: datetime
    qualified_at: datetime | None = None
    order_id: str | None = None
    paid: Money | None = None
    refunded: Money | None = None
    refunds: tuple[str, ...] = ()


@attrs.frozen
class Progress:
    """An inviter's standing: friends who count, and rungs reached."""

    inviter: str
    friends: tuple[str, ...] = ()
    rungs: int = 0


@attrs.frozen
class InviteBoard:
    """The state of one invite program.

    Attributes:
        program: The rules.
        invitations: Every invitation by friend.
        progress: Every inviter's standing by inviter.
    """

    program: InviteProgram
    invitations: Mapping[str, Invitation] = attrs.field(factory=dict)
    progress: Mapping[str, Progress] = attrs.field(factory=dict)

    def inviter_of(self, customer: str) -> str | None:
        """Who invited ``customer``, or ``None``."""
        invitation = self.invitations.get(customer)
        return invitation.inviter if invitation is not None else None

    def count(self, inviter: str) -> int:
        """How many of ``inviter``'s friends count."""
        progress = self.progress.get(inviter)
        return len(progress.friends) if progress is not None else 0


@attrs.frozen
class Bind:
    """``inviter`` invited ``friend``; ``friend_is_new`` is False for an existing customer."""

    friend: str
    inviter: str
    friend_is_new: bool = True


@attrs.frozen
class Register:
    """``friend`` registered."""

    friend: str


@attrs.frozen
class Purchase:
    """``friend`` paid ``order_id`` for ``amount``."""

    friend: str
    order_id: str
    amount: Money


@attrs.frozen
class Refund:
    """``amount`` of ``friend``'s order ``order_id`` was refunded (``refund_id`` names it).

    When the order is the purchase the friend qualified with and what it kept paid falls
    below the program's minimum (or to nothing), the friend no longer counts.
    """

    friend: str
    order_id: str
    refund_id: str
    amount: Money


#: Any command an invite board accepts.
Command = Bind | Register | Purchase | Refund


@attrs.frozen
class FriendBound:
    """``inviter`` invited ``friend``."""

    friend: str
    inviter: str
    at: datetime


@attrs.frozen
class FriendQualified:
    """``friend`` now counts for ``inviter``, who has ``count`` friends who count."""

    friend: str
    inviter: str
    count: int
    at: datetime


@attrs.frozen
class FriendUnqualified:
    """A refund of the purchase ``friend`` qualified with: they no longer count for ``inviter``.

    ``count`` is how many of ``inviter``'s friends count now. Rungs already reached stay
    reached: their rewards are not granted again when the count climbs back.
    """

    friend: str
    inviter: str
    order_id: str
    count: int
    at: datetime


@attrs.frozen
class RungReached:
    """``inviter`` reached rung ``rung`` (0-based) with ``friends`` friends: grant its rewards."""

    program_id: str
    inviter: str
    rung: int
    friends: int
    coupons: tuple[CouponReward, ...]
    points: int
    at: datetime

    @property
    def key(self) -> str:
        """An idempotency key naming this reward, for granting it exactly once."""
        return f"invite:{self.program_id}:{self.inviter}:{self.rung}"


#: Any invite event.
InviteEvent = FriendBound | FriendQualified | FriendUnqualified | RungReached


Events = tuple[InviteEvent, ...]
