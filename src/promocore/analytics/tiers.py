"""Member tiers from scores, with upgrade and downgrade rules and hysteresis.

A `TierLadder` names the tiers from lowest to highest and the score that
enters each tier above the lowest. A customer is upgraded as soon as the score
reaches a higher tier's threshold. A member keeps a tier while the score stays
within ``hysteresis`` below its threshold, so customers near a boundary do not
flap between tiers from one review to the next; once below that band, the
customer moves down to the highest tier still held under the same band, by at
most ``max_down_steps`` tiers per review.

Tier names come out as plain ``str``, ready for the ``tier`` of a promocore
``Customer``.

Examples:
    >>> ladder = TierLadder(("bronze", "silver", "gold"), (6, 10), hysteresis=1)
    >>> first = assign_tiers([5, 6, 12], ladder)
    >>> first.tiers()
    ['bronze', 'silver', 'gold']
    >>> assign_tiers([5.5, 9.5, 9.5], ladder, current=first).tiers()
    ['bronze', 'silver', 'gold']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import float_array, report, same_length, to_1d
from promocore._typed import tuple_of, typed_fields
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["TierAssignment", "TierLadder", "assign_tiers"]

TierArray = npt.NDArray[np.int8]


def _as_names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple_of(values)


def _as_numbers(values: Iterable[float]) -> tuple[float, ...]:
    return tuple_of(values)


def _finite(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _steps(checks: Checks, name: str, value: object) -> None:
    ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)
    checks.check(ok, name, f"must be None or a whole number >= 1 (got {value!r})")


@attrs.frozen
@typed_fields
class TierLadder:
    """Tiers from lowest to highest and the rules for moving between them.

    Attributes:
        names: Tier names, lowest first (``("bronze", "silver", "gold", "diamond")``).
        thresholds: Score that enters each tier above the lowest, ascending; one
            fewer than ``names``. The lowest tier needs no score.
        hysteresis: How far below its threshold a score may fall before a member
            loses the tier (0 = no hysteresis).
        max_down_steps: Most tiers lost in one review (None = no limit). One
            step at a time is the usual rule of loyalty programmes.
        max_up_steps: Most tiers gained in one review (None = no limit).
    """

    names: tuple[str, ...] = attrs.field(converter=_as_names)
    thresholds: tuple[float, ...] = attrs.field(converter=_as_numbers)
    hysteresis: float = 0.0
    max_down_steps: int | None = 1
    max_up_steps: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(1 <= len(self.names) <= 100, "names", "needs 1 to 100 tiers")
        for i, name in enumerate(self.names):
            ok = isinstance(name, str) and bool(name.strip())
            checks.check(ok, f"names[{i}]", f"must be a non-empty str (got {name!r})")
        checks.check(len(set(self.names)) == len(self.names), "names", "must be unique")
        checks.check(
            len(self.thresholds) == len(self.names) - 1,
            "thresholds",
            f"needs one threshold per tier above the lowest ({max(len(self.names) - 1, 0)})",
        )
        for i, t in enumerate(self.thresholds):
            if not _finite(t):
                checks.add(f"thresholds[{i}]", f"must be a finite number (got {t!r})")
            elif i and _finite(self.thresholds[i - 1]) and t <= self.thresholds[i - 1]:
                checks.add(f"thresholds[{i}]", f"must be greater than thresholds[{i - 1}]")
        ok = _finite(self.hysteresis) and float(self.hysteresis) >= 0
        checks.check(ok, "hysteresis", f"must be a finite number >= 0 (got {self.hysteresis!r})")
        _steps(checks, "max_down_steps", self.max_down_steps)
        _steps(checks, "max_up_steps", self.max_up_steps)
        checks.raise_if_any()

    def tier_for(self, score: float) -> str:
        """Return the tier a score qualifies for, ignoring history and hysteresis."""
        return self.names[int(np.searchsorted(self._cuts(), score, side="right"))]

    def index_of(self, name: str) -> int:
        """Return the position of tier ``name`` (0 = lowest).

        Raises:
            KeyError: no tier has that name.
        """
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(name) from None

    def _cuts(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.thresholds, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Return the ladder as plain values."""
        return {f.name: unstructure(getattr(self, f.name)) for f in attrs.fields(type(self))}


def _frozen(array: TierArray) -> TierArray:
    if isinstance(array, np.ndarray):  # anything else is refused by the type check
        array.setflags(write=False)
    return array


@attrs.frozen(eq=False, repr=False)
@typed_fields
class TierAssignment:
    """The tier of every customer after a review, and where each came from.

    Attributes:
        ladder: The ladder used.
        index: Tier position per customer (0 = lowest), in input order.
        previous: Tier position before the review, −1 for customers who had none.
    """

    ladder: TierLadder
    index: TierArray = attrs.field(converter=_frozen)
    previous: TierArray = attrs.field(converter=_frozen)

    def __len__(self) -> int:
        return len(self.index)

    def tier(self, customer: int) -> str:
        """Return the tier name of the customer at position ``customer``."""
        return self.ladder.names[int(self.index[customer])]

    def tiers(self) -> list[str]:
        """Return every customer's tier as plain ``str``, in input order."""
        names = self.ladder.names
        return [names[i] for i in self.index.tolist()]

    def counts(self) -> dict[str, int]:
        """Return how many customers are in each tier, lowest first."""
        per = np.bincount(self.index, minlength=len(self.ladder.names))
        return {name: int(per[i]) for i, name in enumerate(self.ladder.names)}

    @property
    def upgraded(self) -> int:
        """Return how many members moved to a higher tier."""
        return int(((self.previous >= 0) & (self.index > self.previous)).sum())

    @property
    def downgraded(self) -> int:
        """Return how many members moved to a lower tier."""
        return int(((self.previous >= 0) & (self.index < self.previous)).sum())

    @property
    def kept(self) -> int:
        """Return how many members stayed in their tier."""
        return int((self.index == self.previous).sum())

    @property
    def joined(self) -> int:
        """Return how many customers had no tier before."""
        return int((self.previous < 0).sum())

    def transitions(self) -> dict[tuple[str | None, str], int]:
        """Return how many customers went from each tier (None: no tier) to each tier."""
        size = len(self.ladder.names)
        codes = (self.previous.astype(np.int64) + 1) * size + self.index
        per = np.bincount(codes, minlength=(size + 1) * size)
        names: list[str | None] = [None, *self.ladder.names]
        return {
            (names[c // size], self.ladder.names[c % size]): int(per[c])
            for c in np.flatnonzero(per).tolist()
        }

    def __repr__(self) -> str:
        return (
            f"TierAssignment(customers={len(self)}, counts={self.counts()}, "
            f"upgraded={self.upgraded}, downgraded={self.downgraded}, joined={self.joined})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the tiers, the counts and the movements as plain values."""
        return {
            "tiers": self.tiers(),
            "counts": self.counts(),
            "upgraded": self.upgraded,
            "downgraded": self.downgraded,
            "kept": self.kept,
            "joined": self.joined,
            "transitions": [
                {"from": a, "to": b, "customers": n} for (a, b), n in self.transitions().items()
            ],
            "ladder": self.ladder.to_dict(),
        }


def _previous(current: object, ladder: TierLadder, n: int, checks: Checks) -> TierArray:
    """Return the tier positions before the review (−1 for no tier)."""
    if current is None:
        return np.full(n, -1, dtype=np.int8)
    if isinstance(current, TierAssignment):
        if current.ladder.names != ladder.names:
            checks.add("current", "was assigned on a ladder with other tier names")
        return np.asarray(current.index, dtype=np.int8)
    array = to_1d(current, "current", checks)
    if array is None:
        return np.zeros(0, dtype=np.int8)
    out = np.full(len(array), -1, dtype=np.int8)
    if array.dtype.kind == "U":
        for i, name in enumerate(ladder.names):
            out[array == name] = i
        unknown = (out < 0) & (array != "")
    elif array.dtype.kind == "O" or array.size == 0:
        lookup = {name: i for i, name in enumerate(ladder.names)}
        unknown = np.zeros(len(array), dtype=bool)
        for i, item in enumerate(array.tolist()):
            if item is None or item == "":
                continue
            position = lookup.get(item) if isinstance(item, str) else None
            if position is None:
                unknown[i] = True
            else:
                out[i] = position
    else:
        checks.add("current", f"expected tier names (str or None), got {array.dtype}")
        return out
    report(checks, "current", unknown, f"is not a tier of {list(ladder.names)}", array)
    return out


def assign_tiers(
    scores: object,
    ladder: TierLadder,
    *,
    current: TierAssignment | Sequence[str | None] | npt.NDArray[Any] | None = None,
) -> TierAssignment:
    """Place every customer in a tier from a score, honouring the ladder's rules.

    Without ``current`` every customer gets the tier their score qualifies for.
    With it, upgrades happen as soon as a threshold is reached (at most
    ``max_up_steps`` tiers at once), and downgrades only once the score falls
    more than ``hysteresis`` below the current tier's threshold (at most
    ``max_down_steps`` tiers at once).

    Args:
        scores: One score per customer, such as ``RfmScores.score`` or a yearly
            spend in minor units.
        ladder: The tiers and rules.
        current: The tiers before this review: a previous assignment, or one
            tier name per customer (None or ``""`` for customers with no tier).

    Returns:
        The new tier of every customer, in input order.

    Raises:
        ValidationError: NaN or infinite scores, unknown tier names, or
            ``current`` of another length.
    """
    checks = Checks()
    if not isinstance(ladder, TierLadder):
        checks.add("ladder", f"expected a TierLadder, got {type(ladder).__name__}")
        checks.raise_if_any()
    values = float_array(scores, "scores", checks)
    checks.raise_if_any()
    before = _previous(current, ladder, len(values), checks)
    checks.raise_if_any()
    same_length(checks, [("scores", values), ("current", before)])
    checks.raise_if_any()
    cuts = ladder._cuts()
    qualified = np.searchsorted(cuts, values, side="right").astype(np.int64)
    prev = before.astype(np.int64)
    member = prev >= 0
    upgrade = qualified
    if ladder.max_up_steps is not None:
        upgrade = np.where(member, np.minimum(qualified, prev + ladder.max_up_steps), qualified)
    held = np.searchsorted(cuts - float(ladder.hysteresis), values, side="right")
    down = np.minimum(held, prev)
    if ladder.max_down_steps is not None:
        down = np.maximum(down, prev - ladder.max_down_steps)
    result = np.where(member & (qualified < prev), down, upgrade)
    return TierAssignment(ladder, result.astype(np.int8), before)
