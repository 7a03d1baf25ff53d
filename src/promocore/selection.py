"""Choosing which exclusive campaigns of a stage apply.

Campaigns sharing an ``exclusive_group`` compete: at most one of each group applies, and
units one exclusive campaign discounts are not offered to another. A combination is applied
in canonical order (priority, then id), so a higher-priority campaign has first pick of the
units.

``PRIORITY`` takes, per group, the first campaign in that order that still applies.

``BEST`` looks for the combination that saves the customer the most. Candidates that share
neither a line nor a group cannot affect each other, so they are split into independent parts,
each searched on its own. Each part starts from the greedy choice (each group's best campaign
alone, applied in canonical order) and runs a depth-first branch and bound over the campaigns
in canonical order: take the campaign or leave it. A branch is cut when what it has plus an
upper bound of what is left cannot beat the best found: the bound is the smaller of the
groups' best standalone amounts and what the lines still offered to exclusive campaigns have
left to pay. Two branches that reach the same candidate with the same groups used and the same
state of every line still ahead are the same problem: only the one with more saved goes on.
Evaluations are remembered by the state of the candidate's own lines.

The search counts its effort in steps (one per branch visited, plus one per line an evaluation
looks at) and stops at a budget: the best combination found so far is kept (at least the greedy
one) and the choice is marked as not proven optimal.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence

import attrs

from promocore._search import Evaluate, PartSearch, Rate
from promocore.campaign import Stage
from promocore.pricing_state import Evaluation, PricingState

#: Steps the exclusive-group search of one quote may take in all (see the module docs).
DEFAULT_SEARCH_BUDGET = 10_000


class Selection(enum.Enum):
    """How exclusive groups are resolved."""

    BEST = "best"
    """The combination that saves the customer the most (exact within a search budget)."""
    PRIORITY = "priority"
    """Per group, the first campaign by priority, then id, that applies."""


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
class Candidate:
    """An exclusive campaign competing in a stage.

    Attributes:
        group: Its exclusive group.
        lines: The cart lines in its scope (increasing); it sees and discounts only these.
    """

    group: str
    lines: tuple[int, ...]


@attrs.frozen
class Choice:
    """The chosen combination and the state after applying it.

    Attributes:
        chosen: Positions of the chosen candidates, in canonical order.
        state: The state after applying them in that order.
        proven: False if the search stopped at its budget (the choice is the best found).
        steps: Steps the search took.
    """

    chosen: tuple[int, ...]
    state: PricingState
    proven: bool = True
    steps: int = 0


def choose_by_priority(
    candidates: Sequence[Candidate],
    standalone: Standalone,
    state: PricingState,
    evaluate: Evaluate,
) -> Choice:
    """Per group, take the first candidate (canonical order) that still applies."""
    used: set[str] = set()
    chosen: list[int] = []
    current = state
    for pos, candidate in enumerate(candidates):
        if candidate.group in used:
            continue
        evaluation = standalone[pos] if current is state else evaluate(pos, current)
        if evaluation is not None and evaluation.useful:
            current = current.apply(evaluation)
            used.add(candidate.group)
            chosen.append(pos)
    return Choice(tuple(chosen), current)


def choose_best(
    candidates: Sequence[Candidate],
    standalone: Standalone,
    state: PricingState,
    evaluate: Evaluate,
    stage: Stage,
    *,
    budget: int = DEFAULT_SEARCH_BUDGET,
    rate: Rate | None = None,
) -> Choice:
    """Return the combination with the largest total amount (see the module docs).

    Args:
        candidates: The candidates, in canonical order.
        standalone: Each candidate alone on ``state``, with upper bounds of the amounts
            (valid for any later state too: mechanics give no more when fewer units or
            less payable remain).
        state: The state at the start of the stage.
        evaluate: Evaluates candidate ``i`` against a later state; it sees only the
            candidate's lines, so equal states of those lines give equal answers.
        stage: The stage, for the lines it may still discount.
        budget: Steps the search may take; past them the best choice found is kept.
        rate: The most candidate ``i`` takes off a line of the given unit price, per list
            price of the units it covers (see [`Rated`][promocore.mechanic.Rated]); ``None``
            for no rate. Only the search's bounds use it.

    Ties go to the greedy start, then to the combination found first, which prefers
    taking earlier candidates; each independent part is decided on its own. Looser bounds
    change only how much is searched, never the result.
    """
    groups = [c.group for c in candidates]
    lines = [c.lines for c in candidates]
    chosen: list[tuple[int, Evaluation]] = []
    parts: list[tuple[list[int], PricingState]] = []
    proven = True
    steps = 0
    for members in _parts(candidates):
        search = PartSearch(
            members,
            groups,
            lines,
            standalone.bounds,
            standalone.known,
            standalone.__getitem__,
            evaluate,
            state,
            stage,
            rate,
        )
        (_, found, end), done = search.run(max(budget - steps, 0))
        chosen.extend((members[i], evaluation) for i, evaluation in found)
        parts.append((members, end))
        proven = proven and done
        steps += search.steps
    chosen.sort(key=lambda item: item[0])
    return Choice(tuple(p for p, _ in chosen), _merged(state, parts, lines, chosen), proven, steps)


def _merged(
    start: PricingState,
    parts: list[tuple[list[int], PricingState]],
    lines: Sequence[tuple[int, ...]],
    chosen: list[tuple[int, Evaluation]],
) -> PricingState:
    """The parts' end states joined: parts touch disjoint lines, so each brings its own."""
    if len(parts) == 1:
        return parts[0][1]
    merged = list(start.lines)
    for members, end in parts:
        for pos in members:
            for line in lines[pos]:
                merged[line] = end.lines[line]
    applied = (*start.applied, *(evaluation for _, evaluation in chosen))
    return PricingState(start.cart, tuple(merged), applied)


def _parts(candidates: Sequence[Candidate]) -> list[list[int]]:
    """Candidates split into parts that share no line and no group, each in order."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        a, b = root(a), root(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_group: dict[str, int] = {}
    by_lines: dict[tuple[int, ...], int] = {}  # candidates of one scope share their lines
    by_line: dict[int, int] = {}
    for pos, candidate in enumerate(candidates):
        first = by_group.setdefault(candidate.group, pos)
        if first != pos:
            join(first, pos)
        first = by_lines.setdefault(candidate.lines, pos)
        if first != pos:
            join(first, pos)
            continue
        for line in candidate.lines:
            first = by_line.setdefault(line, pos)
            if first != pos:
                join(first, pos)
    parts: dict[int, list[int]] = {}
    for pos in range(len(candidates)):
        parts.setdefault(root(pos), []).append(pos)
    return list(parts.values())
