"""What happened to a team; transitions return these beside the new state."""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore import Money


@attrs.frozen
class TeamOpened:
    """A leader opened a team."""

    team: str
    activity: str
    leader: str
    expires_at: datetime


@attrs.frozen
class MemberJoined:
    """A customer joined (the leader counts, on opening) and paid ``amount``."""

    team: str
    customer: str
    join_id: str
    quantity: int
    amount: Money
    leader: bool = False


@attrs.frozen
class TeamCompleted:
    """Every seat is taken: the group buy succeeded and the members' orders ship.

    ``fillers`` seats were filled at a virtual completion (``virtual`` is then true).
    """

    team: str
    members: int
    fillers: int = 0
    virtual: bool = False


@attrs.frozen
class TeamExpired:
    """The team timed out short of members; ``owed`` is what its members paid in all."""

    team: str
    members: int
    owed: Money


@attrs.frozen
class MemberRefunded:
    """A member of an expired team was refunded ``amount`` for the join ``join_id``."""

    team: str
    customer: str
    join_id: str
    amount: Money


Event = TeamOpened | MemberJoined | TeamCompleted | TeamExpired | MemberRefunded
