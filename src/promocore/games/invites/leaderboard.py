"""Ranking inviters by the friends who qualified within a period (邀请排行榜)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import attrs

from promocore.games.invites.model import InviteBoard


@attrs.frozen
class Standing:
    """One place on the leaderboard.

    Attributes:
        rank: 1 for the first place; every inviter has their own rank.
        inviter: The inviter.
        friends: Friends who qualified within the period.
        reached_at: When the last of them qualified: of two inviters with as
            many friends, the one who got there first ranks higher.
    """

    rank: int
    inviter: str
    friends: int
    reached_at: datetime


def leaderboard(
    board: InviteBoard,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    top: int | None = 10,
) -> tuple[Standing, ...]:
    """Rank inviters by friends who qualified from ``start`` (inclusive) to ``end`` (exclusive).

    Ties go to whoever reached the count first, then to the smaller inviter id.

    Args:
        board: The program's board.
        start: Start of the period; ``None`` from the beginning.
        end: End of the period; ``None`` up to now.
        top: How many places to return; ``None`` for all.
    """
    if top is not None and top < 1:
        raise ValueError("top must be >= 1")
    times: dict[str, list[datetime]] = defaultdict(list)
    for invitation in board.invitations.values():
        at = invitation.qualified_at
        if at is None or (start is not None and at < start) or (end is not None and at >= end):
            continue
        times[invitation.inviter].append(at)
    order = sorted(times.items(), key=lambda item: (-len(item[1]), max(item[1]), item[0]))
    places = order if top is None else order[:top]
    return tuple(
        Standing(rank, inviter, len(ats), max(ats))
        for rank, (inviter, ats) in enumerate(places, start=1)
    )
