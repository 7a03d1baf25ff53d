"""The best-for-customer search over one independent part of a stage's exclusive candidates.

See [`promocore.selection`][promocore.selection] for what is searched and the rules it keeps;
this module is how. Positions here are local to the part (0 is its first candidate in
canonical order).

Bounds. What a branch can still add is at most, for the groups with a candidate ahead that
it has not used, the sum of each group's best standalone amount ahead, each capped by what
the group's lines have left to pay; and at most what all the lines ahead have left to pay,
counting only lines with free units (a line without free units is offered to no exclusive
campaign again, and every discount lowers the payable of its line by exactly its amount).

Memos. An evaluation is remembered by the state of the candidate's own lines. A branch is
remembered by its position and the state of the lines still ahead: a later branch reaching
them again with no fewer groups used and no more saved cannot do better, so it stops. A line
no exclusive campaign is offered any more counts as gone, whatever its history.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Sequence
from fractions import Fraction

from promocore.campaign import Stage
from promocore.money import Money
from promocore.pricing_state import Evaluation, LineState, PricingState

#: Steps an evaluation counts besides one per line it sees: building the context, asking the
#: mechanic and checking its answer cost about as much as ten branches.
EVALUATION = 10
#: Evaluates candidate ``i`` (a position in the stage) against a state; ``None`` if it fails.
Evaluate = Callable[[int, PricingState], Evaluation | None]
#: Evaluates candidate ``i`` alone on the start state (remembered); it applies there.
Alone = Callable[[int], Evaluation]
#: The most candidate ``i`` takes off a line of the given unit price, per list price.
Rate = Callable[[int, Money], Fraction | None]
#: A complete choice: amount saved, (local position, evaluation) pairs in order, final state.
Found = tuple[int, list[tuple[int, Evaluation]], PricingState]
#: A branch of the search: position, state, groups used (a bit mask), the used groups' best
#: bounds ahead, amount saved, what the lines ahead have left to pay, lines changed, choices.
_Branch = tuple[
    int,
    PricingState,
    int,
    int,
    int,
    int,
    frozenset[int],
    tuple[tuple[int, Evaluation], ...],
]


def open_payable(line: LineState, stage: Stage) -> int:
    """The most exclusive campaigns of ``stage`` may still take off ``line``, in all."""
    if line.free_units <= 0 or not line.open_to(stage):
        return 0
    return line.payable.amount


def offered(line: LineState, stage: Stage) -> LineState | None:
    """What exclusive campaigns of ``stage`` see of ``line``: nothing once it is not offered.

    A line without free units, closed to the stage or fully paid gets no view, so states
    that differ only on such lines give every exclusive campaign the same context.
    """
    if line.free_units <= 0 or not line.open_to(stage):
        return None
    return line


class PartSearch:
    """Greedy start, greedy-by-value improvement, then branch and bound, within a budget.

    Attributes:
        steps: Steps taken so far: one per branch visited, per choice tried, per group
            bound capped, and per line looked at while bounding, evaluating or applying.
    """

    def __init__(
        self,
        members: Sequence[int],
        groups: Sequence[str],
        lines: Sequence[tuple[int, ...]],
        bounds: list[int],
        known: Callable[[int], Evaluation | None],
        alone: Alone,
        evaluate: Evaluate,
        start: PricingState,
        stage: Stage,
        rate: Rate | None = None,
    ) -> None:
        self.members = list(members)
        self.rate = rate
        ids: dict[str, int] = {}
        self.group = [ids.setdefault(groups[p], len(ids)) for p in self.members]
        self.groups = len(ids)
        self.lines = [lines[p] for p in self.members]
        self.all_bounds = bounds
        self.known = known
        self.alone = alone
        self.evaluate_at = evaluate
        self.start = start
        self.stage = stage
        self.steps = 0
        self.memo: dict[tuple[int, tuple[LineState | None, ...]], Evaluation | None] = {}

    def run(self, budget: int) -> tuple[Found, bool]:
        """The best choice found within ``budget`` steps, and whether it is proven best."""
        found = self._greedy()
        if self.groups == 1:  # its best candidate alone is the answer
            return found, True
        self._tables()
        self._rates(budget)
        ahead = self.total_ahead[0]
        if self.by_rate:
            ahead = min(ahead, self._by_line(0, 0, self.start))
        if ahead <= found[0]:
            return found, True  # nothing can do better than the greedy start
        found = self._improve(self.leaders, found, budget)
        return self._branch_and_bound(found, budget)

    # -- evaluations ------------------------------------------------------------------------

    def _bound(self, i: int) -> int:
        return self.all_bounds[self.members[i]]

    def _evaluate(self, i: int, state: PricingState) -> Evaluation | None:
        lines, pos = self.lines[i], self.members[i]
        current, start = state.lines, self.start.lines
        if all(current[line] is start[line] for line in lines):
            if self.known(pos) is None:
                self.steps += EVALUATION + len(lines)
            return self.alone(pos)
        stage = self.stage
        key = (i, tuple(offered(current[line], stage) for line in lines))
        try:
            return self.memo[key]
        except KeyError:
            pass
        self.steps += EVALUATION + len(lines)
        evaluation = self.evaluate_at(pos, state)
        self.memo[key] = evaluation
        return evaluation

    def _apply(self, state: PricingState, evaluation: Evaluation) -> PricingState:
        self.steps += len(evaluation.proposal.discounts)
        return state.apply(evaluation)

    def _total(
        self, intended: Sequence[int], prefix: Sequence[tuple[int, Evaluation | None, PricingState]]
    ) -> tuple[Found, list[tuple[int, Evaluation | None, PricingState]]]:
        """``intended`` (increasing) applied in order from the start, skipping any that fail.

        ``prefix`` holds a previous trial's steps (candidate, evaluation or ``None``, state
        after): the steps ``intended`` shares with it at the start are not worked out again.
        Returns the choice and its steps.
        """
        steps: list[tuple[int, Evaluation | None, PricingState]] = []
        for step, i in zip(prefix, intended, strict=False):
            if step[0] != i:
                break
            steps.append(step)
        state = steps[-1][2] if steps else self.start
        for i in intended[len(steps) :]:
            evaluation = self._evaluate(i, state)
            if evaluation is not None and evaluation.useful:
                state = self._apply(state, evaluation)
            else:
                evaluation = None
            steps.append((i, evaluation, state))
        chosen = [(i, e) for i, e, _ in steps if e is not None]
        return (sum(e.amount.amount for _, e in chosen), chosen, state), steps

    # -- heuristics -------------------------------------------------------------------------

    def _greedy(self) -> Found:
        """Each group's best candidate alone (the first on a tie), applied in canonical order.

        Candidates whose bound is not exact are evaluated best bound first, only until
        their group's best is certain.
        """
        heaps: dict[int, list[tuple[int, int]]] = {}
        for i, g in enumerate(self.group):
            heaps.setdefault(g, []).append((-self._bound(i), i))
        leaders = []
        for heap in heaps.values():
            heapq.heapify(heap)
            while self.known(self.members[i := heap[0][1]]) is None:
                self.steps += EVALUATION + len(self.lines[i])
                amount = self.alone(self.members[i]).amount.amount
                heapq.heapreplace(heap, (-amount, i))
            leaders.append(i)
        self.leaders = sorted(leaders)
        found, _ = self._total(self.leaders, ())
        return found

    def _improve(self, leaders: list[int], found: Found, budget: int) -> Found:
        """Greedy by value: leave a group out, or give it another candidate.

        Starting from each group's best candidate (``leaders``, which gave ``found``), each
        pass tries leaving out each group and then giving each other candidate, best bound
        first, its group's place; a change that saves more is kept and the pass starts over.
        Candidates that no longer apply where they come are skipped.
        """
        intended = {self.group[i]: i for i in leaders}
        _, steps = self._total(sorted(intended.values()), ())
        by_bound = sorted(range(len(self.members)), key=lambda i: (-self._bound(i), i))
        improved = True
        while improved:
            improved = False
            taken = set(intended.values())
            moves: list[tuple[int, int | None]] = [(g, None) for g in intended]
            moves += [(self.group[i], i) for i in by_bound if i not in taken]
            for g, i in moves:
                if self.steps > budget:
                    return found
                trial = dict(intended)
                if i is None:
                    del trial[g]
                else:
                    trial[g] = i
                members = sorted(trial.values())
                self.steps += 1 + len(members)
                if sum(self._bound(j) for j in members) <= found[0]:
                    continue  # even if every member gave its most
                result, trial_steps = self._total(members, steps)
                if result[0] > found[0]:
                    found, steps, intended = result, trial_steps, trial
                    improved = True
                    break  # the trials were built for the previous choice
        return found

    # -- branch and bound -------------------------------------------------------------------

    def _tables(self) -> None:
        """Group maxima ahead of each position, and where each line stops mattering."""
        m = len(self.members)
        best_ahead: dict[int, int] = {}
        self.total_ahead = [0] * (m + 1)  # sum over groups of their best bound at >= i
        self.best_here = [0] * m  # best bound of candidate i's group at >= i
        self.best_after = [0] * m  # ... at > i
        self.groups_ahead = [0] * (m + 1)  # bit mask of the groups with a candidate at >= i
        for i in range(m - 1, -1, -1):
            g = self.group[i]
            after = best_ahead.get(g, 0)
            here = max(after, self._bound(i))
            best_ahead[g] = here
            self.best_here[i], self.best_after[i] = here, after
            self.total_ahead[i] = self.total_ahead[i + 1] + here - after
            self.groups_ahead[i] = self.groups_ahead[i + 1] | (1 << g)
        # Per group: its positions, the best bound from each on, and all its lines.
        self.positions: list[list[int]] = [[] for _ in range(self.groups)]
        group_lines: list[set[int]] = [set() for _ in range(self.groups)]
        for i, g in enumerate(self.group):
            self.positions[g].append(i)
            group_lines[g].update(self.lines[i])
        self.suffix: list[list[int]] = []
        for g in range(self.groups):
            bounds = [self._bound(i) for i in self.positions[g]]
            for k in range(len(bounds) - 2, -1, -1):
                bounds[k] = max(bounds[k], bounds[k + 1])
            self.suffix.append([*bounds, 0])
        self.group_lines = [tuple(sorted(lines)) for lines in group_lines]
        last: dict[int, int] = {}
        self.covering: dict[int, list[int]] = {}
        for i, lines in enumerate(self.lines):
            for line in lines:
                last[line] = i
                self.covering.setdefault(line, []).append(i)
        self.last = last
        self.drop: list[list[int]] = [[] for _ in range(m)]
        for line, i in last.items():
            self.drop[i].append(line)

    def _rates(self, budget: int) -> None:
        """Per line, the candidates covering it, best rate first (no rate counts as 1).

        Left empty (no rate bound) when one pass over the lines would cost more than a
        twentieth of ``budget``: for carts of hundreds of lines the other bounds must do.
        """
        self.by_rate: dict[int, list[tuple[int, int, int]]] = {}
        if self.rate is None or len(self.covering) * 20 > budget:
            return
        rate, cart = self.rate, self.start.cart
        rates: dict[tuple[int, int], Fraction] = {}
        shared: dict[tuple[tuple[int, ...], int], list[tuple[int, int, int]]] = {}
        for line, covering in self.covering.items():
            price = cart.lines[line].unit_price
            key = (tuple(covering), price.amount)
            rated = shared.get(key)
            if rated is None:
                ranked = []
                for j in covering:
                    value = rates.get((j, price.amount))
                    if value is None:
                        found = rate(self.members[j], price)
                        value = Fraction(1) if found is None or found > 1 else found
                        rates[j, price.amount] = value
                    ranked.append((value, j))
                ranked.sort(key=lambda item: (-item[0], item[1]))
                rated = shared[key] = [
                    (value.numerator * price.amount, value.denominator, j) for value, j in ranked
                ]
            self.by_rate[line] = rated

    def _capped(self, i: int, used: int, state: PricingState, changed: frozenset[int]) -> int:
        """The unused groups ahead, each at most its best candidate ahead, capped.

        A candidate whose lines the branch changed counts at its value on the branch's
        state (which later states can only lower), the others at their standalone bound;
        each group is capped by what its lines have left to pay. Tighter than the plain
        sum of the groups' best bounds, and dearer: asked only when that sum does not cut
        the branch.
        """
        stage, lines = self.stage, state.lines
        affected: dict[int, set[int]] = {}
        for line in changed:
            for j in self.covering[line]:
                if j >= i:
                    affected.setdefault(self.group[j], set()).add(j)
        left: dict[int, int] = {}
        total = 0
        open_groups = self.groups_ahead[i] & ~used
        g = 0
        while open_groups:
            if open_groups & 1:
                self.steps += 1
                positions = self.positions[g]
                at = bisect.bisect_left(positions, i)
                mine = affected.get(g)
                if mine is None:
                    best = self.suffix[g][at]
                else:
                    best = max(
                        self._now(j, state) if j in mine else self._bound(j) for j in positions[at:]
                    )
                cap = 0
                for line in self.group_lines[g]:
                    value = left.get(line)
                    if value is None:
                        self.steps += 1
                        value = left[line] = open_payable(lines[line], stage)
                    cap += value
                    if cap >= best:
                        break
                total += min(best, cap)
            open_groups >>= 1
            g += 1
        return total

    def _by_line(self, i: int, used: int, state: PricingState) -> int:
        """What the lines ahead can still give, each at the best rate still possible.

        Only a bound when the rates were worked out (``by_rate`` is not empty).

        A line's free units can go only to candidates ahead of unused groups, so it gives at
        most the best of their rates times the list price of its free units (plus two minor
        units per unit for rounding), and at most what it has left to pay.
        """
        stage, lines, group, last = self.stage, state.lines, self.group, self.last
        total = 0
        for line, rated in self.by_rate.items():
            if last[line] < i:
                continue
            st = lines[line]
            units = st.free_units
            self.steps += 1
            if units <= 0 or not st.open_to(stage):
                continue
            got = 0
            for numerator, denominator, j in rated:
                if j < i or used & (1 << group[j]):
                    continue
                self.steps += 1
                got = -(-numerator * units // denominator) + 2 * units
                break
            total += min(got, st.payable.amount)
        return total

    def _now(self, j: int, state: PricingState) -> int:
        """What candidate ``j`` would grant on ``state``."""
        evaluation = self._evaluate(j, state)
        return evaluation.amount.amount if evaluation is not None and evaluation.useful else 0

    def _live(self, groups: int, lines: Sequence[LineState]) -> int:
        """The ``groups`` (a bit mask) with a line still offered; the others can add nothing."""
        stage = self.stage
        live = 0
        g = 0
        while groups:
            if groups & 1:
                self.steps += 1
                if any(offered(lines[line], stage) is not None for line in self.group_lines[g]):
                    live |= 1 << g
            groups >>= 1
            g += 1
        return live

    def _branch_and_bound(self, found: Found, budget: int) -> tuple[Found, bool]:
        """Depth first over take-or-leave, taking first; stops past ``budget`` steps."""
        m = len(self.members)
        stage, last, start = self.stage, self.last, self.start
        group, lines, drop = self.group, self.lines, self.drop
        total_ahead, groups_ahead = self.total_ahead, self.groups_ahead
        best_here, best_after = self.best_here, self.best_after
        best = found[0]
        seen: dict[tuple[int, tuple[tuple[int, LineState | None], ...]], list[tuple[int, int]]]
        seen = {}
        ahead = sum(open_payable(start.lines[line], stage) for line in last)
        stack: list[_Branch] = [(0, start, 0, 0, 0, ahead, frozenset(), ())]
        while stack:
            self.steps += 1
            i, state, used, used_best, amount, left, changed, chosen = stack.pop()
            if amount + min(total_ahead[i] - used_best, left) <= best:
                continue
            if self.steps > budget:
                return found, False
            if i == m:  # nothing is left ahead: the bound above was the amount itself
                best, found = amount, (amount, list(chosen), state)
                continue
            if amount + min(self._capped(i, used, state, changed), left) <= best:
                continue
            if self.by_rate and amount + self._by_line(i, used, state) <= best:
                continue
            current = state.lines
            self.steps += len(changed)
            key = (
                i,
                tuple(
                    (line, offered(current[line], stage))
                    for line in sorted(changed)
                    if last[line] >= i
                ),
            )
            mask = self._live(used & groups_ahead[i], current)
            reached = seen.setdefault(key, [])
            if any(a >= amount and not was & ~mask for was, a in reached):
                continue  # reached before with no more groups used and as much saved
            reached[:] = [(was, a) for was, a in reached if not (a <= amount and not mask & ~was)]
            reached.append((mask, amount))
            g = 1 << group[i]
            here, after = best_here[i], best_after[i]
            # Leave candidate i: the lines whose last candidate it was stop mattering.
            gone = sum(open_payable(current[line], stage) for line in drop[i])
            skip_used_best = used_best - (here - after if used & g else 0)
            stack.append((i + 1, state, used, skip_used_best, amount, left - gone, changed, chosen))
            if used & g:
                continue
            # Take candidate i, if it may still lead to something better.
            rest = total_ahead[i + 1] - used_best - after
            own = min(self._bound(i), sum(open_payable(current[line], stage) for line in lines[i]))
            if amount + min(own + rest, left) <= best:
                continue
            evaluation = self._evaluate(i, state)
            if evaluation is None or not evaluation.useful:
                continue
            taken_state = self._apply(state, evaluation)
            touched = {d.index for d in evaluation.proposal.discounts}
            new = taken_state.lines
            taken = sum(
                open_payable(current[line], stage) - open_payable(new[line], stage)
                for line in touched
            )
            gone = sum(open_payable(new[line], stage) for line in drop[i])
            stack.append(
                (
                    i + 1,
                    taken_state,
                    used | g,
                    used_best + after,
                    amount + evaluation.amount.amount,
                    left - taken - gone,
                    changed | touched,
                    (*chosen, (i, evaluation)),
                )
            )
        return found, True
