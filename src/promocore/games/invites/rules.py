"""The rules of invites as a pure transition: ``(board, command, now) -> (board', events)``.

A customer cannot invite themselves, an invitation may not close a cycle (A invited B, so B
cannot invite A, nor anyone A's chain reaches), a friend is bound to one inviter for good and
qualifies at most once at a time, and only new customers can be invited. A refund of the purchase
a friend qualified with un-qualifies them when it leaves less than the program's minimum (or
nothing) paid; rungs an inviter reached stay reached, so their rewards are never granted twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn, get_args

import attrs

from promocore.errors import ValidationError
from promocore.games.game import CommandId, Game
from promocore.games.invites.errors import (
    AlreadyInvitedError,
    ExistingCustomerError,
    InviteClosedError,
    InviteCycleError,
    SelfInviteError,
)
from promocore.games.invites.model import (
    Bind,
    Command,
    Events,
    FriendBound,
    FriendQualified,
    FriendUnqualified,
    Invitation,
    InviteBoard,
    InviteEvent,
    Progress,
    Purchase,
    Refund,
    Register,
    RungReached,
)
from promocore.games.invites.params import InviteProgram, QualifyOn
from promocore.money import Money


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
            return _qualify(board, command.friend, QualifyOn.FIRST_PURCHASE, now, command)
        case Refund():
            return _refund(board, command, now)
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
    board: InviteBoard,
    friend: str,
    kind: QualifyOn,
    now: datetime,
    purchase: Purchase | None = None,
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
    qualified = attrs.evolve(
        invitation,
        qualified_at=now,
        order_id=None if purchase is None else purchase.order_id,
        paid=None if purchase is None else purchase.amount,
        refunded=None,
        refunds=(),
    )
    updated = attrs.evolve(
        board,
        invitations={**board.invitations, friend: qualified},
        progress={**board.progress, inviter: progress},
    )
    return updated, tuple(events)


def _refund(board: InviteBoard, command: Refund, now: datetime) -> tuple[InviteBoard, Events]:
    invitation = board.invitations.get(command.friend)
    if (
        invitation is None
        or invitation.qualified_at is None
        or invitation.order_id != command.order_id
        or invitation.paid is None
        or command.refund_id in invitation.refunds
    ):
        return board, ()  # not the purchase that made the friend count, or a repeat
    paid = invitation.paid
    if command.amount.currency != paid.currency or command.amount.amount <= 0:
        raise ValidationError.single("amount", f"must be more than zero {paid.currency}")
    before = invitation.refunded if invitation.refunded is not None else Money.zero(paid.currency)
    refunded = before + command.amount
    kept = paid - refunded
    minimum = board.program.min_purchase
    if kept.amount > 0 and (minimum is None or kept >= minimum):
        still = attrs.evolve(
            invitation, refunded=refunded, refunds=(*invitation.refunds, command.refund_id)
        )
        return attrs.evolve(board, invitations={**board.invitations, command.friend: still}), ()
    inviter = invitation.inviter
    progress = board.progress.get(inviter, Progress(inviter))
    progress = attrs.evolve(
        progress, friends=tuple(f for f in progress.friends if f != command.friend)
    )
    unqualified = attrs.evolve(
        invitation, qualified_at=None, order_id=None, paid=None, refunded=None, refunds=()
    )
    updated = attrs.evolve(
        board,
        invitations={**board.invitations, command.friend: unqualified},
        progress={**board.progress, inviter: progress},
    )
    event = FriendUnqualified(command.friend, inviter, command.order_id, len(progress.friends), now)
    return updated, (event,)


def _identify(command: Command) -> CommandId | None:
    if isinstance(command, Refund):
        return CommandId(f"refund:{command.friend}:{command.refund_id}", command.amount)
    return None


def boards(program: InviteProgram) -> Game[InviteBoard, Command, InviteEvent]:
    """The board of ``program`` (one record, by program id), as the runner runs it."""
    return Game(
        kind=BOARD_KIND,
        state=InviteBoard,
        transition=transition,
        events=get_args(InviteEvent),
        initial=lambda _: InviteBoard(program),
        identify=_identify,
    )


BOARD_KIND = "invite.board"
"""Record kind of invite boards (by program id)."""
