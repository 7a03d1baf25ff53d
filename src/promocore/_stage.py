"""Running one stage: which campaigns are looked at, the exclusive choice, the stackables.

The campaigns of the stage whose scope touches the cart come from the index; within a scope,
those whose floor is out of reach of what the scope has left are skipped, and only noted for
the explanations. The others go through the common checks; the exclusive ones compete (see
[`promocore.selection`][promocore.selection]), then the stackable ones apply one after another
in canonical order.
"""

from __future__ import annotations

from fractions import Fraction

from promocore._explain import Declined, Lost, Refused, Stacked, StageLog, Won
from promocore._index import Entry, Touching
from promocore._run import Run, SharedViews
from promocore.campaign import Stage
from promocore.errors import PluginError
from promocore.mechanic import Decline
from promocore.money import Money
from promocore.pricing_state import Evaluation, PricingState
from promocore.selection import (
    Candidate,
    Choice,
    Selection,
    Standalone,
    choose_best,
    choose_by_priority,
)

#: A campaign looked at, with the lines of the cart in its scope.
Item = tuple[Entry, tuple[int, ...]]


def within_reach(run: Run, stage: Stage, touching: Touching, log: StageLog) -> list[Item]:
    """The campaigns of ``stage`` touching the cart whose floor the cart reaches.

    Each scope is measured once on the state at the start of the stage; campaigns out of
    reach are noted in ``log`` for their explanation.
    """
    state = run.state
    items: list[Item] = []
    measures: dict[tuple[int, ...], tuple[int, int]] = {}
    for slot, lines in touching:
        bucket = slot.buckets.get(stage)
        if bucket is None:
            continue
        if bucket.floored:
            measure = measures.get(lines)
            if measure is None:
                measure = measures[lines] = state.measure(stage, lines)
            live, skipped = bucket.split(*measure)
            log.skipped.extend((part, lines) for part in skipped)
        else:
            live = list(bucket.always)
        items.extend((entry, lines) for entry in live)
    items.sort(key=lambda item: item[0].order)
    return items


def run_stage(
    run: Run, stage: Stage, touching: Touching, selection: Selection, log: StageLog
) -> None:
    """Price ``stage``: update ``run.state`` and note every decision in ``log``."""
    items = within_reach(run, stage, touching, log)
    if not items:
        return
    run.state = run.state.open_stage()
    log.start = run.state
    exclusive: list[Item] = []
    stackable: list[Item] = []
    for entry, in_scope in items:
        if run.precheck(entry, in_scope) is not None:
            log.records.append(Refused(entry, in_scope))
        elif entry.campaign.is_exclusive:
            exclusive.append((entry, in_scope))
        else:
            stackable.append((entry, in_scope))
    if exclusive:
        _run_exclusive(run, stage, exclusive, selection, log)
    log.stacked_from = run.state
    for entry, in_scope in stackable:
        outcome = run.evaluate(entry, in_scope, run.state)
        if isinstance(outcome, Evaluation) and outcome.useful:
            run.state = run.state.apply(outcome)
            log.stacked.append((entry.order, run.state))
            log.records.append(Stacked(outcome, entry.order))
        else:
            log.records.append(Declined(entry, outcome, None))


def _run_exclusive(
    run: Run, stage: Stage, items: list[Item], selection: Selection, log: StageLog
) -> None:
    start = run.state
    bounds: list[int] = []
    contexts = []
    candidates: list[Item] = []
    known: dict[int, Evaluation] = {}
    declined: list[tuple[Entry, Evaluation | Decline]] = []
    shared: SharedViews = {}
    for entry, in_scope in items:
        context = run.context(entry, in_scope, start, shared)
        bound = run.bound(entry, context)
        if not bound:
            outcome = run.evaluate_in(entry, context)
            if not (isinstance(outcome, Evaluation) and outcome.useful):
                declined.append((entry, outcome))
                continue
            known[len(candidates)] = outcome
            bound = outcome.amount.amount
        bounds.append(bound)
        contexts.append(context)
        candidates.append((entry, in_scope))

    def alone(pos: int) -> Evaluation:
        entry = candidates[pos][0]
        outcome = run.evaluate_in(entry, contexts[pos])
        if not (isinstance(outcome, Evaluation) and outcome.useful):
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} bounded campaign {entry.campaign.id!r} "
                "above zero, then did not apply"
            )
        return outcome

    def evaluate(pos: int, state: PricingState) -> Evaluation | None:
        entry, in_scope = candidates[pos]
        outcome = run.evaluate(entry, in_scope, state)
        return outcome if isinstance(outcome, Evaluation) else None

    def rate(pos: int, unit_price: Money) -> Fraction | None:
        entry = candidates[pos][0]
        rate_of = entry.traits.rate
        return None if rate_of is None else rate_of(entry.campaign, unit_price)

    standalone = Standalone(bounds, alone, known)
    competing = [Candidate(e.campaign.exclusive_group or "", lines) for e, lines in candidates]
    choice: Choice
    if selection is Selection.BEST:
        budget = max(run.search_left, 0)
        choice = choose_best(
            competing, standalone, start, evaluate, stage, budget=budget, rate=rate
        )
        run.search_left -= choice.steps
        run.proven = run.proven and choice.proven
    else:
        choice = choose_by_priority(competing, standalone, start, evaluate)
    run.state = choice.state
    chosen = set(choice.chosen)
    winners = log.winners
    for k, pos in enumerate(choice.chosen):  # applied in the order chosen
        evaluation = choice.state.applied[len(start.applied) + k]
        winners[evaluation.campaign.exclusive_group or ""] = evaluation
        log.records.append(Won(evaluation, candidates[pos][0].order))
        if not choice.proven:
            run.unproven.add(evaluation.campaign.id)
    taken_by = tuple(sorted(w.campaign.id for w in winners.values()))
    for pos, (entry, _) in enumerate(candidates):
        if pos not in chosen:
            exact = standalone.known(pos) is not None or entry.traits.exact
            winner = winners.get(entry.campaign.exclusive_group or "")
            log.records.append(
                Lost(entry, winner, standalone.bounds[pos], exact, taken_by, choice.proven)
            )
    for entry, outcome in declined:
        winner = winners.get(entry.campaign.exclusive_group or "")
        log.records.append(Declined(entry, outcome, winner))
