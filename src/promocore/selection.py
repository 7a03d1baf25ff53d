"""Choosing which exclusive campaigns of a stage apply.

Campaigns sharing an ``exclusive_group`` compete: at most one of each group
applies, and units one exclusive campaign discounts are not offered to another.
``BEST`` finds the combination that saves the customer the most, exactly, by a
branch-and-bound search over the campaigns in canonical order (priority, then id);
``PRIORITY`` takes, per group, the first campaign in that order that applies.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Callable, Sequence

import attrs

from promocore.pricing_state import Evaluation, PricingState


class Selection(enum.Enum):
    """How exclusive groups are resolved."""

    BEST = "best"
    """The combination that saves the customer the most (exact within a search budget)."""
    PRIORITY = "priority"
    """Per group, the first campaign by priority, then id, that applies."""


#: Evaluates one campaign against a state; ``None`` when it does not apply there.
Evaluate = Callable[[int, PricingState], Evaluation | None]


@attrs.define
class Standalone:
    """Each candidate evaluated alone on the stage's start state, on first use.

    Until a candidate is evaluated, an upper bound of its amount stands in for it
    (exact once evaluated), so candidates that cannot win need never be evaluated.

    Attributes:
        bounds: Per candidate, its amount if evaluated, else an upper bound of it.
        evaluate: Evaluates candidate ``i`` on the start state; it must apply there.
    """

    bounds: list[int]
    evaluate: Callable[[int], Evaluation]
    _done: dict[int, Evaluation] = attrs.field(factory=dict)

    @classmethod
    def of(cls, evaluations: Sequence[Evaluation]) -> Standalone:
        """Candidates already evaluated."""
        known = dict(enumerate(evaluations))
        return cls([e.amount.amount for e in evaluations], known.__getitem__, known)

    def __len__(self) -> int:
        return len(self.bounds)

    def __getitem__(self, pos: int) -> Evaluation:
        done = self._done.get(pos)
        if done is None:
            done = self._done[pos] = self.evaluate(pos)
            self.bounds[pos] = done.amount.amount
        return done

    def known(self, pos: int) -> Evaluation | None:
        """Candidate ``pos`` alone if it was evaluated, else ``None``."""
        return self._done.get(pos)


@attrs.frozen
class Choice:
    """The chosen combination and the state after applying it."""

    chosen: tuple[int, ...]
    state: PricingState


def _group_bounds(groups: Sequence[str], bounds: Sequence[int]) -> list[dict[str, int]]:
    """For each position, the best standalone amount per group from there on."""
    suffix: list[dict[str, int]] = [{} for _ in range(len(groups) + 1)]
    for pos in range(len(groups) - 1, -1, -1):
        current = dict(suffix[pos + 1])
        current[groups[pos]] = max(current.get(groups[pos], 0), bounds[pos])
        suffix[pos] = current
    return suffix


def _hopeless(amount: int, ahead: dict[str, int], used: frozenset[str], best: int) -> bool:
    """True if ``amount`` plus the most the groups ahead can give cannot beat ``best``."""
    return amount + sum(v for g, v in ahead.items() if g not in used) <= best


def choose_best(
    groups: Sequence[str],
    standalone: Standalone,
    state: PricingState,
    evaluate: Evaluate,
) -> Choice:
    """Return the combination with the largest total amount.

    Args:
        groups: The group of each candidate, candidates in canonical order.
        standalone: Each candidate alone on ``state``, with bounds of the amounts
            (valid for any later state too: mechanics give no more when fewer
            units or less payable remain).
        state: The state at the start of the stage.
        evaluate: Re-evaluates candidate ``i`` against a later state.

    Ties go to the greedy start (see `_greedy`), then to the combination found
    first, which prefers earlier candidates. Looser bounds change only how much is
    searched, never the result.
    """
    best_total, best = _greedy(groups, standalone, state, evaluate)
    suffix = _group_bounds(groups, standalone.bounds)

    def search(
        pos: int, current: PricingState, used: frozenset[str], amount: int, chosen: tuple[int, ...]
    ) -> None:
        nonlocal best_total, best
        if _hopeless(amount, suffix[pos], used, best_total):
            return
        if pos == len(groups):
            best_total, best = amount, (chosen, current)
            return
        group = groups[pos]
        if group not in used and not _hopeless(
            amount + standalone.bounds[pos], suffix[pos + 1], used | {group}, best_total
        ):
            evaluation = standalone[pos] if current is state else evaluate(pos, current)
            if evaluation is not None and evaluation.useful:
                search(
                    pos + 1,
                    current.apply(evaluation),
                    used | {group},
                    amount + evaluation.amount.amount,
                    (*chosen, pos),
                )
        search(pos + 1, current, used, amount, chosen)

    search(0, state, frozenset(), 0, ())
    return Choice(*best)


def _leaders(groups: Sequence[str], standalone: Standalone) -> list[int]:
    """Per group, the first candidate with the largest standalone amount, in order.

    Candidates are evaluated best bound first, only until the leader is certain.
    """
    heaps: dict[str, list[tuple[int, int]]] = {}
    for pos, group in enumerate(groups):
        heaps.setdefault(group, []).append((-standalone.bounds[pos], pos))
    leaders = []
    for heap in heaps.values():
        heapq.heapify(heap)
        while standalone.known(pos := heap[0][1]) is None:
            heapq.heapreplace(heap, (-standalone[pos].amount.amount, pos))
        leaders.append(pos)
    return sorted(leaders)


def _greedy(
    groups: Sequence[str],
    standalone: Standalone,
    state: PricingState,
    evaluate: Evaluate,
) -> tuple[int, tuple[tuple[int, ...], PricingState]]:
    """A first solution: each group's best candidate alone, applied in canonical order.

    It is exact when the groups do not compete for units, and otherwise a lower
    bound that lets the search skip most branches.
    """
    current = state
    chosen: list[int] = []
    amount = 0
    for pos in _leaders(groups, standalone):
        evaluation = standalone[pos] if current is state else evaluate(pos, current)
        if evaluation is not None and evaluation.useful:
            current = current.apply(evaluation)
            chosen.append(pos)
            amount += evaluation.amount.amount
    return amount, (tuple(chosen), current)


def choose_by_priority(
    groups: Sequence[str],
    standalone: Standalone,
    state: PricingState,
    evaluate: Evaluate,
) -> Choice:
    """Per group, take the first candidate (canonical order) that still applies."""
    used: set[str] = set()
    chosen: list[int] = []
    current = state
    for pos, group in enumerate(groups):
        if group in used:
            continue
        evaluation = standalone[pos] if current is state else evaluate(pos, current)
        if evaluation is not None and evaluation.useful:
            current = current.apply(evaluation)
            used.add(group)
            chosen.append(pos)
    return Choice(tuple(chosen), current)
