"""Combining conditions: all, any and not."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs

from promocore._typed import tuple_of, typed_fields
from promocore.conditions._base import MAX_STEPS, Condition, ConditionReason, Facts, Unmet, starting
from promocore.errors import ValidationError
from promocore.quote import Gap
from promocore.validation import Checks


def _conditions(values: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple_of(values)


def _check_children(children: Iterable[object]) -> None:
    checks = Checks()
    for i, child in enumerate(children):
        if not isinstance(child, Condition):
            checks.add(f"[{i}]", f"must be a Condition, got {type(child).__name__}")
    checks.raise_if_any()


@attrs.frozen(cache_hash=True)
@typed_fields
class AllOf:
    """Holds when every one of ``conditions`` holds; explains the first that does not.

    Attributes:
        conditions: The conditions, at least one; checked in order.
    """

    kind: ClassVar[str] = "all"
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.conditions), "all", "must list at least one condition")
        try:
            _check_children(self.conditions)
        except ValidationError as exc:
            checks.absorb(exc, "all")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if every condition holds."""
        return all(facts.holds(c) for c in self.conditions)

    def unmet(self, facts: Facts) -> Unmet | None:
        """The explanation of the first condition that does not hold.

        When it is a time window, its gap is the next moment every time window of the
        combination holds (会员日 Wednesday *and* 19:00–21:00: "starts Wednesday 19:00").
        """
        for condition in self.conditions:
            if not facts.holds(condition):
                unmet = condition.unmet(facts)
                if unmet is not None and unmet.gap is not None and unmet.gap.starts_at:
                    return attrs.evolve(unmet, gap=self._opening(facts, unmet.gap))
                return unmet
        return None

    def _opening(self, facts: Facts, gap: Gap) -> Gap:
        timed = [c for c in self.conditions if getattr(c, "timed", False)]
        start = gap.starts_at
        for _ in range(MAX_STEPS):
            assert start is not None
            later = facts.moved(start)
            blocking = next((c for c in timed if not c.holds(later)), None)
            if blocking is None:
                return starting(start, facts)
            unmet = blocking.unmet(later)
            if unmet is None or unmet.gap is None or unmet.gap.starts_at is None:
                break
            start = unmet.gap.starts_at
        return gap

    def describe(self) -> str:
        """Every condition's description, joined by "and"."""
        return " and ".join(c.describe() for c in self.conditions)


@attrs.frozen(cache_hash=True)
@typed_fields
class AnyOf:
    """Holds when at least one of ``conditions`` holds.

    Unmet, it names every alternative; its reason is theirs when they share one
    (``none_met`` otherwise), and its gap the soonest start, or else the first gap, of any
    alternative.

    Attributes:
        conditions: The alternatives, at least one.
    """

    kind: ClassVar[str] = "any"
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.conditions), "any", "must list at least one condition")
        try:
            _check_children(self.conditions)
        except ValidationError as exc:
            checks.absorb(exc, "any")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if some condition holds."""
        return any(facts.holds(c) for c in self.conditions)

    def unmet(self, facts: Facts) -> Unmet | None:
        """Every alternative's explanation, when none holds."""
        if self.holds(facts):
            return None
        found = [u for u in (c.unmet(facts) for c in self.conditions) if u is not None]
        reasons = {u.reason for u in found}
        reason = found[0].reason if len(reasons) == 1 else ConditionReason.NONE_MET
        gaps = [u.gap for u in found if u.gap is not None]
        timed = [g for g in gaps if g.starts_at is not None]
        gap = min(timed, key=lambda g: g.starts_at or facts.at) if timed else None
        if gap is None and gaps:
            gap = gaps[0]
        message = "needs one of: " + "; or ".join(u.message for u in found)
        return Unmet(str(reason), message, gap)

    def describe(self) -> str:
        """Every alternative's description, joined by "or"."""
        return "(" + " or ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen(cache_hash=True)
class Not:
    """Holds when ``condition`` does not.

    Attributes:
        condition: The condition negated.
    """

    kind: ClassVar[str] = "not"
    condition: Condition

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if not isinstance(self.condition, Condition):
            checks.add("not", f"must be a Condition, got {type(self.condition).__name__}")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if the negated condition does not hold."""
        return not facts.holds(self.condition)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``excluded``, naming what holds."""
        if self.holds(facts):
            return None
        return Unmet(ConditionReason.EXCLUDED, f"excluded when {self.condition.describe()}")

    def describe(self) -> str:
        """The negated condition's description, negated."""
        return f"not {self.condition.describe()}"
