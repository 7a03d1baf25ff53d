"""How much each cut takes off: pure, reproducible from a seed, integers only.

The ``k``-th cut of a session depends only on the terms, the price before the
cut, the session's seed, ``k`` and whether the cutter gets the new-helper boost.
There is no global random state: the jitter of step ``k`` comes from a SHA-256
hash of the seed and ``k``.

Every cut is at least ``min_cut``; the price never goes below the floor; without
boosts the floor is reached by exactly the last planned cut, so after
``helpers_needed`` helps the cuts add up to ``start_price − floor_price``. Early
cuts are large and later ones small (the feel of 砍一刀): with ``s`` cuts left the
expected share of what is above the minimums is ``4s / (s + 1)²``, which makes the
expected cut fall like ``s³``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from promocore.games.bargain.params import BargainParams
from promocore.money import Money, Rounding

#: Jitter of a cut's share, in thousandths: uniform over ``[500, 1500]``.
JITTER_LOW = 500
JITTER_HIGH = 1500


def jitter(seed: str, step: int) -> int:
    """Return the jitter of cut ``step`` for ``seed``, in thousandths (500 to 1500)."""
    digest = hashlib.sha256(f"{seed}\x1f{step}".encode()).digest()
    return JITTER_LOW + int.from_bytes(digest[:8], "big") % (JITTER_HIGH - JITTER_LOW + 1)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _plain_cut(remaining: int, steps: int, min_cut: int, seed: str, step: int) -> int:
    """The cut of ``step`` with ``steps`` cuts (at least) left and ``remaining`` above the floor."""
    if steps <= 1:
        return remaining
    slack = remaining - steps * min_cut
    share = _ceil_div(slack * 4 * steps * jitter(seed, step), (steps + 1) ** 2 * 1000)
    return min_cut + min(share, slack)


def next_cut(
    terms: BargainParams, *, price: Money, step: int, seed: str, boosted: bool = False
) -> Money:
    """Return the cut number ``step`` (0-based) of a session now at ``price``.

    Args:
        terms: The activity's params.
        price: The session's price before this cut (above the floor).
        step: How many cuts the session has had so far.
        seed: The session's seed.
        boosted: The cutter is a new helper and the terms boost new helpers.

    Returns:
        The cut: at least ``terms.min_cut``, at most ``price − terms.floor_price``,
        and never leaving less than one ``min_cut`` above the floor unless it
        reaches the floor.

    Raises:
        ValueError: the price is already at the floor, or no cut is left.
    """
    remaining = (price - terms.floor_price).amount
    planned_left = terms.cuts - step
    min_cut = terms.min_cut.amount
    if remaining <= 0 or planned_left <= 0:
        raise ValueError("no cut is left: the session is at its floor")
    steps = min(planned_left, remaining // min_cut)
    cut = _plain_cut(remaining, steps, min_cut, seed, step)
    if boosted and terms.new_helper_boost is not None:
        bigger = Money(cut, price.currency).multiply(terms.new_helper_boost, Rounding.CEILING)
        cut = min(bigger.amount, remaining)
        if remaining - cut < min_cut:
            cut = remaining
    return Money(cut, price.currency)


def plan_cuts(terms: BargainParams, seed: str, boosts: Iterable[bool] = ()) -> tuple[Money, ...]:
    """Return every cut a session with ``seed`` takes from start to floor.

    Args:
        terms: The activity's params.
        seed: The session's seed.
        boosts: For each helper in turn, whether they are boosted (missing means
            not); the initiator's cut, if any, is never boosted.

    Returns:
        The cuts in order; they add up to ``terms.span`` exactly.
    """
    flags = list(boosts)
    offset = 1 if terms.initiator_cuts_first else 0
    price = terms.start_price
    cuts: list[Money] = []
    while price > terms.floor_price:
        helper = len(cuts) - offset
        boosted = 0 <= helper < len(flags) and flags[helper]
        cut = next_cut(terms, price=price, step=len(cuts), seed=seed, boosted=boosted)
        cuts.append(cut)
        price = price - cut
    return tuple(cuts)
