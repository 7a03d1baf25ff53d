"""Projected reach of a referral campaign after N generations.

Starting from ``seeds`` users, generation ``g + 1`` is expected to have
``K_g × new_g`` users. With one K-factor for every generation the reach after
N generations is ``seeds × (1 + K + K² + … + K^N)``, which tends to
``seeds / (1 − K)`` when K < 1 and grows without bound when K >= 1. A finite
``audience`` slows growth as it saturates: each generation converts only the
share of the audience not reached yet.

Examples:
    >>> r = projected_reach(100, 0.5, 3)
    >>> r.new_users, r.total, r.limit
    ((100.0, 50.0, 25.0, 12.5), 187.5, 200.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import attrs

from promocore.validation import Checks

__all__ = ["ReachProjection", "projected_reach"]


@attrs.frozen
class ReachProjection:
    """Expected users per generation of a referral campaign.

    Attributes:
        seeds: Users at generation 0.
        k_schedule: The K-factors as given: ``k_schedule[g]`` turns generation g
            into g + 1, and the last value carries on.
        new_users: Expected new users per generation, seeds first.
        cumulative: Expected users reached after each generation.
        audience: The audience size that caps reach, or None.
    """

    seeds: int
    k_schedule: tuple[float, ...]
    new_users: tuple[float, ...]
    cumulative: tuple[float, ...]
    audience: int | None = None

    @property
    def generations(self) -> int:
        """Return the number of generations projected after the seeds."""
        return len(self.new_users) - 1

    @property
    def total(self) -> float:
        """Return the expected users reached after the last generation."""
        return self.cumulative[-1]

    @property
    def k_factors(self) -> tuple[float, ...]:
        """Return the K-factor applied to each projected generation."""
        last = len(self.k_schedule) - 1
        return tuple(self.k_schedule[min(g, last)] for g in range(self.generations))

    @property
    def limit(self) -> float | None:
        """Return the reach as generations go to infinity, if finite.

        Without an audience this is the projection continued with the schedule
        and then a geometric tail, finite when the last K-factor is below 1
        (``seeds / (1 − K)`` for one K-factor). None when it grows without bound,
        and None with an audience (the saturating model has no closed form; the
        reach stays below the audience).
        """
        if self.audience is not None:
            return None
        new, reached = self.new_users[-1], self.cumulative[-1]
        for k in self.k_schedule[self.generations : -1]:
            new *= k
            reached += new
        tail = self.k_schedule[-1]
        if new == 0:
            return reached
        return reached + new * tail / (1 - tail) if tail < 1 else None

    def to_dict(self) -> dict[str, Any]:
        """Return the projection as plain values."""
        return {
            "seeds": self.seeds,
            "k_schedule": list(self.k_schedule),
            "k_factors": list(self.k_factors),
            "new_users": list(self.new_users),
            "cumulative": list(self.cumulative),
            "audience": self.audience,
            "total": self.total,
            "limit": self.limit,
        }


def _number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and float(value) >= 0


def projected_reach(
    seeds: int,
    k_factor: float | Sequence[float],
    generations: int,
    *,
    audience: int | None = None,
) -> ReachProjection:
    """Project how many users a referral campaign reaches after N generations.

    Args:
        seeds: Users the campaign starts from (generation 0), >= 0.
        k_factor: One K-factor for every generation, or one per generation
            (``k_factor[g]`` turns generation g into g + 1); when the sequence is
            shorter than ``generations`` its last value carries on.
        generations: How many generations to project after the seeds, >= 0.
        audience: Size of the population that can be reached, if finite; at
            least ``seeds``.

    Returns:
        Expected new and cumulative users per generation (floats: expectations).

    Raises:
        ValidationError: a negative or non-numeric argument.
    """
    checks = Checks()
    ok_seeds = isinstance(seeds, int) and not isinstance(seeds, bool) and seeds >= 0
    checks.check(ok_seeds, "seeds", f"must be a whole number >= 0 (got {seeds!r})")
    ok_gen = isinstance(generations, int) and not isinstance(generations, bool)
    checks.check(
        ok_gen and 0 <= generations <= 10_000,
        "generations",
        f"must be a whole number from 0 to 10000 (got {generations!r})",
    )
    if isinstance(k_factor, Sequence) and not isinstance(k_factor, str):
        ks = list(k_factor)
        checks.check(bool(ks), "k_factor", "needs at least one K-factor")
        for i, k in enumerate(ks):
            checks.check(_number(k), f"k_factor[{i}]", f"must be a number >= 0 (got {k!r})")
    else:
        ks = [k_factor]
        checks.check(_number(k_factor), "k_factor", f"must be a number >= 0 (got {k_factor!r})")
    if audience is not None:
        ok = isinstance(audience, int) and not isinstance(audience, bool)
        checks.check(
            ok and ok_seeds and audience >= max(seeds, 1),
            "audience",
            f"must be a whole number >= seeds and >= 1 (got {audience!r})",
        )
    checks.raise_if_any()
    schedule = tuple(float(k) for k in ks)
    applied = tuple(schedule[min(g, len(ks) - 1)] for g in range(generations))
    new = [float(seeds)]
    reached = [float(seeds)]
    for k in applied:
        expected = k * new[-1]
        if audience is not None:
            expected = min(expected * (1 - reached[-1] / audience), audience - reached[-1])
            expected = max(expected, 0.0)
        new.append(expected)
        reached.append(reached[-1] + expected)
    return ReachProjection(seeds, schedule, tuple(new), tuple(reached), audience)
