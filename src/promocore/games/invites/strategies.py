"""Hypothesis strategies for invites: programs, and the ``invite`` mechanic's params.

The ``invite`` mechanic names this module in its ``testing_profile``; `promocore.testing`
imports it and it registers its profile. Only the tests import it (it needs hypothesis).
"""

from __future__ import annotations

from hypothesis import strategies as st

from promocore.games.invites.params import (
    INVITE_MECHANIC,
    InviteParams,
    InviteProgram,
    QualifyOn,
    Rung,
)
from promocore.testing.profiles import register_profile
from promocore.testing.strategies import money

_PEOPLE = st.sampled_from(["amy", "bo", "cy", "di", "ed"])


@st.composite
def invite_params(draw: st.DrawFn, *, currency: str = "CNY") -> InviteParams:
    """Draw the params of an invited friend's order: an inviter and maybe a minimum."""
    return InviteParams(
        "friends",
        draw(_PEOPLE),
        draw(st.none() | money(currency=currency, max_value=50_000)),
    )


@st.composite
def invite_programs(draw: st.DrawFn, *, currency: str = "CNY") -> InviteProgram:
    """Draw valid programs: a ladder of one to three rungs, qualifying on either event."""
    counts = sorted(draw(st.sets(st.integers(1, 5), min_size=1, max_size=3)))
    rungs = tuple(Rung(n, points=draw(st.integers(1, 500))) for n in counts)
    on = draw(st.sampled_from(QualifyOn))
    minimum = (
        draw(st.none() | money(currency=currency, max_value=20_000))
        if on is QualifyOn.FIRST_PURCHASE
        else None
    )
    return InviteProgram("friends", "邀请有礼", rungs, qualify_on=on, min_purchase=minimum)


def _params(currency: str) -> st.SearchStrategy[InviteParams]:
    return invite_params(currency=currency)


register_profile(INVITE_MECHANIC, params=_params)
