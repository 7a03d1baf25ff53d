"""Properties of invite boards under any sequence of invitations and registrations."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.games.invites import (
    Bind,
    FriendQualified,
    InviteBoard,
    InviteProgram,
    InviteRefusedError,
    Register,
    Rung,
    RungReached,
    leaderboard,
    transition,
)
from promocore.games.invites.model import Command

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PROGRAM = InviteProgram("p", "p", (Rung(1, points=10), Rung(2, points=20), Rung(4, points=40)))
PEOPLE = [f"p{i}" for i in range(7)]

person = st.sampled_from(PEOPLE)
command: st.SearchStrategy[Command] = st.one_of(
    st.builds(Bind, person, person), st.builds(Register, person)
)


@given(st.lists(command, max_size=40))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_invite_graph_stays_a_forest_and_counts_add_up(commands: list[Command]) -> None:
    board = InviteBoard(PROGRAM)
    rewards: dict[str, list[int]] = {}
    qualified: list[str] = []
    for i, cmd in enumerate(commands):
        try:
            board, events = transition(board, cmd, NOW + timedelta(minutes=i))
        except InviteRefusedError:
            continue
        for event in events:
            if isinstance(event, FriendQualified):
                qualified.append(event.friend)
            if isinstance(event, RungReached):
                rewards.setdefault(event.inviter, []).append(event.rung)
    for friend, invitation in board.invitations.items():
        assert invitation.inviter != friend
        seen = {friend}
        up = board.inviter_of(friend)
        while up is not None:
            assert up not in seen, "no cycles"
            seen.add(up)
            up = board.inviter_of(up)
    assert len(qualified) == len(set(qualified)), "a friend counts once"
    for inviter, progress in board.progress.items():
        assert len(progress.friends) == len(set(progress.friends))
        reached = [
            i for i, rung in enumerate(PROGRAM.rungs) if rung.friends <= len(progress.friends)
        ]
        assert rewards.get(inviter, []) == reached, "each rung rewarded once, in order"
    standings = leaderboard(board, top=None)
    assert sum(s.friends for s in standings) == len(qualified)
    assert [s.rank for s in standings] == list(range(1, len(standings) + 1))
