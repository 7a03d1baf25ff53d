"""Referral fission (裂变): K-factor per generation of a referral tree.

The seeds of a campaign (users nobody invited) are generation 0; the users they
invited are generation 1, and so on. For each generation the K-factor is
invitations sent per user times the share of invitations that converted, which
equals the users of the next generation divided by the users of this one. A
K-factor above 1 means each generation is larger than the one before.

Examples:
    >>> tree = referral_generations(
    ...     ["a", "b", "c", "d", "e"], [None, "a", "a", "b", None], invitations=[4, 2, 0, 1, 3]
    ... )
    >>> [(g.users, g.converted, g.k_factor) for g in tree.generations]
    [(2, 2, 1.0), (2, 1, 0.5), (1, 0, 0.0)]
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import IntArray, int_array, label_array, report, same_length, to_1d
from promocore.validation import Checks

__all__ = ["FissionReport", "Generation", "referral_generations"]


def _rate(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


@attrs.frozen
class Generation:
    """One generation of a referral tree.

    Attributes:
        generation: 0 for seeds, 1 for the users they invited, and so on.
        users: Users in this generation.
        converted: Invitees of these users who joined (the next generation's size).
        invitations: Invitations these users sent, or None when not known.
    """

    generation: int
    users: int
    converted: int
    invitations: int | None = None

    @property
    def invitations_per_user(self) -> float | None:
        """Return invitations / users; None when invitations are not known."""
        return None if self.invitations is None else _rate(self.invitations, self.users)

    @property
    def invitation_conversion(self) -> float | None:
        """Return converted / invitations; None when not known or none were sent."""
        return _rate(self.converted, self.invitations)

    @property
    def k_factor(self) -> float | None:
        """Return invitations per user × invitation conversion (= converted / users)."""
        return _rate(self.converted, self.users)

    def to_dict(self) -> dict[str, Any]:
        """Return the generation as plain values."""
        return {
            "generation": self.generation,
            "users": self.users,
            "converted": self.converted,
            "invitations": self.invitations,
            "invitations_per_user": self.invitations_per_user,
            "invitation_conversion": self.invitation_conversion,
            "k_factor": self.k_factor,
        }


@attrs.frozen
class FissionReport:
    """Every generation of a referral tree.

    Attributes:
        generations: Generation 0 (seeds) first.
    """

    generations: tuple[Generation, ...]

    @property
    def seeds(self) -> int:
        """Return the users nobody invited."""
        return self.generations[0].users if self.generations else 0

    @property
    def total_users(self) -> int:
        """Return every user of the tree."""
        return sum(g.users for g in self.generations)

    @property
    def depth(self) -> int:
        """Return the number of the deepest generation (0 when only seeds)."""
        return len(self.generations) - 1

    @property
    def amplification(self) -> float | None:
        """Return total users / seeds: how far the seeds were multiplied."""
        return _rate(self.total_users, self.seeds)

    def k_factor(self, through: int | None = None) -> float | None:
        """Return the K-factor pooled over generations ``0..through`` (all by default).

        The youngest generations have had the least time to invite, so the pooled
        figure over every generation understates a campaign still running; pass
        ``through`` to leave them out.
        """
        chosen = self.generations if through is None else self.generations[: through + 1]
        return _rate(sum(g.converted for g in chosen), sum(g.users for g in chosen))

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain values."""
        return {
            "seeds": self.seeds,
            "total_users": self.total_users,
            "depth": self.depth,
            "k_factor": self.k_factor(),
            "amplification": self.amplification,
            "generations": [generation.to_dict() for generation in self.generations],
        }


def _seed_mask(
    inviters: npt.NDArray[Any], no_inviter: object
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[Any]]:
    """Split inviter entries into seeds and the ids of the others."""
    if inviters.dtype.kind == "O":
        marks = (None, "", no_inviter)
        seeds = np.array([any(v is m or v == m for m in marks) for v in inviters.tolist()])
        seeds = seeds.astype(bool).reshape(-1)
    elif inviters.dtype.kind == "U":
        seeds = inviters == ""
        if isinstance(no_inviter, str):
            seeds |= inviters == no_inviter
    elif no_inviter is None or isinstance(no_inviter, str):
        seeds = np.zeros(len(inviters), dtype=bool)
    else:
        seeds = np.asarray(inviters == no_inviter, dtype=bool)
    return seeds, inviters[~seeds]


def _levels(parent: IntArray) -> IntArray | None:
    """Return each node's depth under the roots (parent −1), or None on a cycle.

    Pointer jumping: every round doubles the distance each node has looked up,
    so a tree of depth D needs about log2(D) vectorised rounds.
    """
    n = len(parent)
    sentinel = n
    up = np.append(np.where(parent < 0, sentinel, parent), sentinel)
    hops = np.append(np.ones(n, dtype=np.int64), 0)
    for _ in range(max(n, 1).bit_length() + 1):
        if (up[:n] == sentinel).all():
            return hops[:n] - 1
        hops = hops + hops[up]
        up = up[up]
    return None if (up[:n] != sentinel).any() else hops[:n] - 1


def referral_generations(
    user_ids: object,
    inviter_ids: object,
    *,
    invitations: object = None,
    no_inviter: object = None,
) -> FissionReport:
    """Group a referral tree into generations and measure each one's K-factor.

    Args:
        user_ids: Every user of the campaign, once each (str or int ids).
        inviter_ids: Who invited each user; None, ``""`` or ``no_inviter`` for
            seeds. Every inviter must be one of ``user_ids``.
        invitations: Invitations each user sent (whole numbers >= 0), or None
            when only joins are known (then only K-factors are reported).
        no_inviter: Another value that marks a seed in ``inviter_ids``, such as
            ``-1`` for integer ids.

    Returns:
        The generations, seeds first.

    Raises:
        ValidationError: duplicate users, unknown inviters, a user inviting
            themselves, a cycle, or arrays of different lengths.
    """
    checks = Checks()
    users = label_array(user_ids, "user_ids", checks)
    raw_inviters = to_1d(inviter_ids, "inviter_ids", checks)
    sent = None if invitations is None else int_array(invitations, "invitations", checks)
    checks.raise_if_any()
    assert raw_inviters is not None
    same_length(checks, [("user_ids", users), ("inviter_ids", raw_inviters), ("invitations", sent)])
    checks.raise_if_any()
    n = len(users)
    order = np.argsort(users, kind="stable")
    sorted_users = users[order]
    report(checks, "user_ids", _duplicates(sorted_users, order, n), "appears twice", users)
    seeds, invited_by = _seed_mask(raw_inviters, no_inviter)
    invited_by = label_array(invited_by, "inviter_ids", checks)
    checks.raise_if_any()
    parent = np.full(n, -1, dtype=np.int64)
    if invited_by.size:
        if (users.dtype.kind == "U") != (invited_by.dtype.kind == "U"):
            checks.add("inviter_ids", "must be labels of the same kind (str or int) as user_ids")
            checks.raise_if_any()
        where = np.searchsorted(sorted_users, invited_by)
        where = np.minimum(where, n - 1)
        found = sorted_users[where] == invited_by
        rows = np.flatnonzero(~seeds)
        unknown = _scatter(~found, rows, n)
        report(checks, "inviter_ids", unknown, "is not one of user_ids", raw_inviters)
        checks.raise_if_any()
        parent[rows] = order[where]
        self_invite = parent == np.arange(n)
        report(checks, "inviter_ids", self_invite & ~seeds, "a user cannot invite themselves")
        checks.raise_if_any()
    level = _levels(parent)
    if level is None:
        checks.add("inviter_ids", "the invitations form a cycle; a referral tree has none")
        checks.raise_if_any()
    assert level is not None
    depth = int(level.max()) + 1 if n else 0
    users_per = np.bincount(level, minlength=depth).astype(np.int64)
    invites_per = None
    if sent is not None:
        invites_per = np.zeros(depth, dtype=np.int64)
        np.add.at(invites_per, level, sent)
    generations = tuple(
        Generation(
            generation=g,
            users=int(users_per[g]),
            converted=int(users_per[g + 1]) if g + 1 < depth else 0,
            invitations=None if invites_per is None else int(invites_per[g]),
        )
        for g in range(depth)
    )
    if invites_per is not None:
        for g in generations:
            if g.invitations is not None and g.invitations < g.converted:
                checks.add(
                    "invitations",
                    f"generation {g.generation} sent {g.invitations} invitations "
                    f"but {g.converted} invitees joined",
                )
        checks.raise_if_any()
    return FissionReport(generations)


def _duplicates(sorted_users: npt.NDArray[Any], order: IntArray, n: int) -> npt.NDArray[np.bool_]:
    repeat = np.zeros(n, dtype=bool)
    if n > 1:
        repeat[order[1:][sorted_users[1:] == sorted_users[:-1]]] = True
    return repeat


def _scatter(values: npt.NDArray[np.bool_], rows: IntArray, n: int) -> npt.NDArray[np.bool_]:
    out = np.zeros(n, dtype=bool)
    out[rows] = values
    return out
