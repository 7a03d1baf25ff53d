"""Showing an invited friend, in their quote, whether their order makes them count.

Pricing stays pure: the backend loads the program's board, asks
[`invite_campaign`][promocore.games.invites.pricing.invite_campaign] for the friend's campaign and
prices it with the others; the quote then says whether the order counts (an
``invite_qualifies`` effect) or how much more it needs.
"""

from __future__ import annotations

from promocore.campaign import Campaign, Stage
from promocore.games.invites.model import InviteBoard
from promocore.games.invites.params import INVITE_MECHANIC, InviteParams, QualifyOn


def campaign_id(program_id: str) -> str:
    """The id of the campaign that shows a program's invitations in quotes."""
    return f"invite:{program_id}"


def invite_campaign(board: InviteBoard, friend: str, *, currency: str) -> Campaign | None:
    """The ``invite`` campaign of ``friend``, or ``None`` when no order of theirs can count.

    A friend counts on their first purchase only in programs that qualify on one, and only
    while they are invited and do not count yet.

    Args:
        board: The program's board.
        friend: The customer whose cart is priced.
        currency: The cart's currency.
    """
    program = board.program
    invitation = board.invitations.get(friend)
    if (
        program.qualify_on is not QualifyOn.FIRST_PURCHASE
        or invitation is None
        or invitation.qualified_at is not None
    ):
        return None
    return Campaign(
        id=campaign_id(program.id),
        name=program.name,
        mechanic=INVITE_MECHANIC,
        params=InviteParams(program.id, invitation.inviter, program.min_purchase),
        currency=currency,
        stage=Stage.POST,
        schedule=program.schedule,
    )
