"""Who invited whom, who qualified, and which rewards each inviter reached.

The [`InviteBoard`][promocore.invites.board.InviteBoard] of a program changes only through the pure
[`transition`][promocore.invites.board.transition]. A customer cannot invite themselves, an
invitation may not close a cycle (A invited B, so B cannot invite A, nor anyone A's chain reaches),
a friend is bound to one inviter for good and qualifies at most once, and only new customers can be
invited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NoReturn

import attrs

from promocore.invites.errors import (
    AlreadyInvitedError,
    ExistingCustomerError,
    InviteClosedError,
    InviteCycleError,
    SelfInviteError,
)
from promocore.invites.program import CouponReward, InviteProgram, QualifyOn
from promocore.money import Money


@attrs.frozen
class Invitation:
    """One friend and who invited them.

    Attributes:
        friend: The invited customer.
        inviter: Who invited them.
        bound_at: When the invitation was recorded.
        qualified_at: When the friend started to count, or ``None``.
    """

    friend: str
    inviter: str
    bound_at: datetime
    qualified_at: datetime | None = None


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


#: Any command an invite board accepts.
Command = Bind | Register | Purchase


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
InviteEvent = FriendBound | FriendQualified | RungReached
Events = tuple[InviteEvent, ...]


def transition(board: InviteBoard, command: Command, now: datetime) -> tuple[InviteBoard, Events]:
    """Apply ``command`` to ``board`` at ``now``.

    Repeating a command changes nothing: binding a friend again to the same
    inviter, or a friend qualifying twice.

    Raises:
        InviteRefusedError: the invitation is refused; a subclass says why.
    """
    match command:
        case Bind():
            return _bind(board, command, now)
        case Register():
            return _qualify(board, command.friend, QualifyOn.REGISTER, now)
        case Purchase():
            minimum = board.program.min_purchase
            if minimum is not None and command.amount < minimum:
                return board, ()
            return _qualify(board, command.friend, QualifyOn.FIRST_PURCHASE, now)
    raise TypeError(f"not an invite command: {command!r}")


def _running(board: InviteBoard, now: datetime) -> bool:
    schedule = board.program.schedule
    return not (schedule.not_started(now) or schedule.ended(now))


def _refuse(kind: type[Exception], message: str) -> NoReturn:
    raise kind(message)


def _bind(board: InviteBoard, command: Bind, now: datetime) -> tuple[InviteBoard, Events]:
    friend, inviter = command.friend, command.inviter
    existing = board.invitations.get(friend)
    if existing is not None:
        if existing.inviter == inviter:
            return board, ()
        _refuse(AlreadyInvitedError, f"{friend} was already invited by {existing.inviter}")
    if friend == inviter:
        _refuse(SelfInviteError, f"{inviter} cannot invite themselves")
    if not command.friend_is_new:
        _refuse(ExistingCustomerError, f"{friend} is not a new customer")
    if not _running(board, now):
        _refuse(InviteClosedError, f"program {board.program.id} is not running")
    ancestor: str | None = inviter
    while ancestor is not None:
        if ancestor == friend:
            _refuse(InviteCycleError, f"{friend} is up {inviter}'s own chain of inviters")
        ancestor = board.inviter_of(ancestor)
    invitation = Invitation(friend, inviter, now)
    updated = attrs.evolve(board, invitations={**board.invitations, friend: invitation})
    return updated, (FriendBound(friend, inviter, now),)


def _qualify(
    board: InviteBoard, friend: str, kind: QualifyOn, now: datetime
) -> tuple[InviteBoard, Events]:
    invitation = board.invitations.get(friend)
    if (
        invitation is None
        or invitation.qualified_at is not None
        or board.program.qualify_on is not kind
        or not _running(board, now)
    ):
        return board, ()
    inviter = invitation.inviter
    progress = board.progress.get(inviter, Progress(inviter))
    progress = attrs.evolve(progress, friends=(*progress.friends, friend))
    count = len(progress.friends)
    events: list[InviteEvent] = [FriendQualified(friend, inviter, count, now)]
    rungs = board.program.rungs
    while progress.rungs < len(rungs) and rungs[progress.rungs].friends <= count:
        rung = rungs[progress.rungs]
        events.append(
            RungReached(
                board.program.id, inviter, progress.rungs, count, rung.coupons, rung.points, now
            )
        )
        progress = attrs.evolve(progress, rungs=progress.rungs + 1)
    updated = attrs.evolve(
        board,
        invitations={**board.invitations, friend: attrs.evolve(invitation, qualified_at=now)},
        progress={**board.progress, inviter: progress},
    )
    return updated, tuple(events)
