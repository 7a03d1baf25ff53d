"""The pricing engine: runs the stages over a cart and explains every decision.

Build an [`Engine`][promocore.engine.Engine] once with the campaigns (it validates and indexes
them), then call [`Engine.price`][promocore.engine.Engine.price] per cart.
[`price`][promocore.engine.price] does both in one call. Pricing is pure: no clock, no I/O; budgets
and usage come in as arguments and the budget draws the quote would make come out in
``Quote.budget_draws``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from promocore.campaign import STAGES, Campaign, Stage
from promocore.cart import Cart
from promocore.errors import PluginError, Problem, UnknownMechanicError, ValidationError
from promocore.mechanic import Context, Decline, LineView, Mechanic, Proposal, Upsell
from promocore.money import Money
from promocore.plugins import PluginHost, make_host
from promocore.pricing_state import Evaluation, PricingState, cap_to_budget
from promocore.quote import Applied, BudgetDraw, Effect, Hint, NotApplied, Quote, QuoteLine, Reason
from promocore.selection import Choice, Selection, Standalone, choose_best, choose_by_priority


@attrs.frozen
class _Entry:
    """A validated campaign with its mechanic and stage resolved."""

    campaign: Campaign
    mechanic: Mechanic
    stage: Stage
    plain: bool = False  # no schedule, audience, per-customer limit or budget to check


@attrs.define
class _Run:
    """Bookkeeping of one [`Engine.price`][promocore.engine.Engine.price] call."""

    cart: Cart
    at: datetime
    budgets: Mapping[str, Money]
    usage: Mapping[str, int]
    state: PricingState
    not_applied: list[NotApplied] = attrs.field(factory=list)
    hints: list[Hint] = attrs.field(factory=list)
    #: Where each stage's entries start in ``not_applied``, with the stage.
    sections: list[tuple[int, Stage]] = attrs.field(factory=list)


class Engine:
    """Prices carts against a fixed set of campaigns.

    Args:
        campaigns: The campaigns; their order does not matter.
        host: Where mechanics come from; by default built-ins plus entry points.
        selection: ``BEST`` (the combination best for the customer) or ``PRIORITY``.
        stages: The stage order.

    Raises:
        ValidationError: duplicate ids, unknown mechanics, params of the wrong
            type, or problems a plugin reports; every problem names its campaign.
    """

    def __init__(
        self,
        campaigns: Iterable[Campaign],
        *,
        host: PluginHost | None = None,
        selection: Selection = Selection.BEST,
        stages: Sequence[Stage] = STAGES,
    ) -> None:
        self.host = host if host is not None else make_host()
        self.selection = selection
        self.stages = tuple(stages)
        entries = self._validate(list(campaigns))
        entries.sort(key=lambda e: (-e.campaign.priority, e.campaign.id))
        self._entries: tuple[_Entry, ...] = tuple(entries)
        self._slots = {stage: i for i, stage in enumerate(dict.fromkeys(self.stages))}
        self._slot_of = [self._slots.get(e.stage, -1) for e in entries]
        self._index()

    def _validate(self, campaigns: list[Campaign]) -> list[_Entry]:
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        entries = []
        for i, campaign in enumerate(campaigns):
            path = f"campaigns[{i}]"
            if not isinstance(campaign, Campaign):
                problems.append(Problem(path, "must be a Campaign"))
                continue
            if campaign.id in seen:
                problems.append(
                    Problem(
                        f"{path}.id",
                        f"duplicate id {campaign.id!r} (also campaigns[{seen[campaign.id]}])",
                    )
                )
            seen.setdefault(campaign.id, i)
            try:
                mechanic = self.host.mechanic(campaign.mechanic)
            except UnknownMechanicError as exc:
                problems.append(Problem(f"{path}.mechanic", str(exc)))
                continue
            if not isinstance(campaign.params, mechanic.params_type):
                problems.append(
                    Problem(
                        f"{path}.params",
                        f"must be {mechanic.params_type.__name__}, "
                        f"got {type(campaign.params).__name__}",
                    )
                )
                continue
            problems.extend(p.prefixed(path) for p in self.host.validate_campaign(campaign))
            entries.append(
                _Entry(campaign, mechanic, campaign.stage or mechanic.stage, _is_plain(campaign))
            )
        if problems:
            raise ValidationError(problems)
        return entries

    def _index(self) -> None:
        self._by_sku: dict[str, list[int]] = defaultdict(list)
        self._by_category: dict[str, list[int]] = defaultdict(list)
        self._everywhere: list[int] = []
        self._excluding: set[int] = set()
        for pos, entry in enumerate(self._entries):
            scope = entry.campaign.scope
            if scope.exclude_skus or scope.exclude_categories:
                self._excluding.add(pos)
            if scope.is_everything:
                self._everywhere.append(pos)
            for sku in scope.skus:
                self._by_sku[sku].append(pos)
            for category in scope.categories:
                self._by_category[category].append(pos)

    @property
    def campaigns(self) -> tuple[Campaign, ...]:
        """The campaigns in canonical order (priority high to low, then id)."""
        return tuple(e.campaign for e in self._entries)

    def relevant(self, cart: Cart) -> list[int]:
        """Positions of the campaigns whose scope names something in ``cart``."""
        return sorted(self._hits(cart))

    def _hits(self, cart: Cart) -> dict[int, list[int]]:
        """For each relevant campaign position, the lines its scope names (before exclusions).

        Lines are listed in increasing order, each once.
        """
        hits: dict[int, list[int]] = {pos: list(range(len(cart.lines))) for pos in self._everywhere}
        for i, line in enumerate(cart.lines):
            named = [self._by_sku.get(line.sku, ())]
            named.extend(self._by_category.get(category, ()) for category in line.categories)
            for positions in named:
                for pos in positions:
                    lines = hits.get(pos)
                    if lines is None:
                        hits[pos] = [i]
                    elif lines[-1] != i:
                        lines.append(i)
        return hits

    def _in_scope(self, cart: Cart, hits: dict[int, list[int]]) -> dict[int, tuple[int, ...]]:
        """The lines each relevant campaign covers, exclusions applied."""
        out: dict[int, tuple[int, ...]] = {}
        excluding = self._excluding
        for pos, lines in hits.items():
            if pos in excluding:
                scope = self._entries[pos].campaign.scope
                out[pos] = tuple(i for i in lines if scope.includes(cart.lines[i]))
            else:
                out[pos] = tuple(lines)
        return out

    def price(
        self,
        cart: Cart,
        *,
        at: datetime | None = None,
        budgets: Mapping[str, Money] | None = None,
        usage: Mapping[str, int] | None = None,
        explain_all: bool = False,
    ) -> Quote:
        """Price ``cart``.

        Args:
            cart: The cart.
            at: The moment to price at; defaults to ``cart.at``.
            budgets: Remaining budget per campaign id; a budgeted campaign missing
                here has its whole limit left.
            usage: Orders each campaign was already used in by this customer.
            explain_all: Also explain campaigns whose scope names nothing in the
                cart (``out_of_scope``); by default they are not considered.

        Raises:
            ValidationError: no time to price at, or bad budgets or usage.
        """
        when = self._check_inputs(cart, at, budgets, usage)
        run = _Run(cart, when, dict(budgets or {}), dict(usage or {}), PricingState.start(cart))
        in_scope = self._in_scope(cart, self._hits(cart))
        positions = range(len(self._entries)) if explain_all else sorted(in_scope)
        by_stage: list[list[tuple[_Entry, tuple[int, ...]]]] = [[] for _ in self._slots]
        for pos in positions:
            slot = self._slot_of[pos]
            if slot >= 0:
                by_stage[slot].append((self._entries[pos], in_scope.get(pos, ())))
        for stage in self.stages:
            self._run_stage(run, stage, by_stage[self._slots[stage]])
        quote = self._quote(run)
        self.host.quote_priced(cart, quote)
        return quote

    def _check_inputs(
        self,
        cart: Cart,
        at: datetime | None,
        budgets: Mapping[str, Money] | None,
        usage: Mapping[str, int] | None,
    ) -> datetime:
        problems: list[Problem] = []
        if not isinstance(cart, Cart):
            raise ValidationError.single("cart", "must be a Cart")
        when = at if at is not None else cart.at
        if when is None:
            problems.append(Problem("at", "give a time to price at (argument or cart.at)"))
        elif when.utcoffset() is None:
            problems.append(Problem("at", "must carry a UTC offset"))
        for cid, left in (budgets or {}).items():
            if not isinstance(left, Money):
                problems.append(Problem(f"budgets[{cid!r}]", "must be Money"))
            elif left.amount < 0:
                problems.append(Problem(f"budgets[{cid!r}]", "must be >= 0"))
        for cid, used in (usage or {}).items():
            if isinstance(used, bool) or not isinstance(used, int) or used < 0:
                problems.append(Problem(f"usage[{cid!r}]", "must be a whole number >= 0"))
        if problems:
            raise ValidationError(problems)
        assert when is not None
        return when

    # -- one stage -------------------------------------------------------------------------

    def _run_stage(
        self, run: _Run, stage: Stage, entries: list[tuple[_Entry, tuple[int, ...]]]
    ) -> None:
        if not entries:
            return
        run.state = run.state.open_stage()
        run.sections.append((len(run.not_applied), stage))
        ready: list[tuple[_Entry, tuple[int, ...]]] = []
        for entry, in_scope in entries:
            refusal = self._precheck(run, entry, in_scope)
            if refusal is not None:
                run.not_applied.append(self._not_applied(entry, *refusal))
            else:
                ready.append((entry, in_scope))
        exclusive = [item for item in ready if item[0].campaign.is_exclusive]
        stackable = [item for item in ready if not item[0].campaign.is_exclusive]
        if exclusive:
            self._run_exclusive(run, stage, exclusive)
        for entry, in_scope in stackable:
            outcome = self._evaluate(run, entry, in_scope, run.state)
            if isinstance(outcome, Evaluation) and outcome.useful:
                run.state = run.state.apply(outcome)
                self._hint(run, entry, outcome.proposal.upsell, None)
            else:
                self._decline(run, entry, outcome, None)

    def _run_exclusive(
        self, run: _Run, stage: Stage, items: list[tuple[_Entry, tuple[int, ...]]]
    ) -> None:
        start = run.state
        bounds: list[int] = []
        contexts: list[Context] = []
        candidates: list[tuple[_Entry, tuple[int, ...]]] = []
        known: dict[int, Evaluation] = {}
        declined: list[tuple[_Entry, Evaluation | Decline]] = []
        shared: dict[tuple[tuple[int, ...], bool], tuple[LineView, ...]] = {}
        for entry, in_scope in items:
            context = self._context(run, entry, in_scope, start, shared)
            bound = self._bound(run, entry, context)
            if not bound:
                outcome = self._evaluate_in(run, entry, context)
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
            outcome = self._evaluate_in(run, entry, contexts[pos])
            if not (isinstance(outcome, Evaluation) and outcome.useful):
                raise PluginError(
                    f"mechanic {entry.mechanic.name!r} bounded campaign {entry.campaign.id!r} "
                    "above zero, then did not apply"
                )
            return outcome

        standalone = Standalone(bounds, alone, known)

        def evaluate(pos: int, state: PricingState) -> Evaluation | None:
            entry, in_scope = candidates[pos]
            if all(state.lines[i] is start.lines[i] for i in in_scope):
                return standalone[pos]  # its lines are as they were: the same answer
            outcome = self._evaluate(run, entry, in_scope, state)
            return outcome if isinstance(outcome, Evaluation) else None

        groups = [e.campaign.exclusive_group or "" for e, _ in candidates]
        chooser = choose_best if self.selection is Selection.BEST else choose_by_priority
        choice: Choice = chooser(groups, standalone, start, evaluate)
        run.state = choice.state
        winners: dict[str, Evaluation] = {}
        for evaluation in choice.state.applied[len(start.applied) :]:
            group = evaluation.campaign.exclusive_group or ""
            winners[group] = evaluation
            self._hint(run, None, evaluation.proposal.upsell, evaluation)
        chosen = set(choice.chosen)
        for pos, (entry, _) in enumerate(candidates):
            if pos in chosen:
                continue
            group = entry.campaign.exclusive_group or ""
            winner = winners.get(group)
            if winner is not None:
                saves = winner.amount.with_amount(standalone.bounds[pos]).display()
                if standalone.known(pos) is None and not _exact(entry.mechanic):
                    saves = f"at most {saves}"
                run.not_applied.append(
                    self._not_applied(
                        entry,
                        Reason.LOST_IN_EXCLUSIVE_GROUP,
                        f"{winner.campaign.id} in group {group!r} saves more "
                        f"({winner.amount.display()} vs {saves})",
                    )
                )
            else:
                taken = ", ".join(sorted(w.campaign.id for w in winners.values()))
                run.not_applied.append(
                    self._not_applied(
                        entry,
                        Reason.UNITS_TAKEN,
                        f"its items are taken by exclusive campaign(s) {taken}",
                    )
                )
        for entry, outcome in declined:
            winner = winners.get(entry.campaign.exclusive_group or "")
            self._decline(run, entry, outcome, winner)

    # -- one campaign ----------------------------------------------------------------------

    def _precheck(
        self, run: _Run, entry: _Entry, in_scope: tuple[int, ...]
    ) -> tuple[str, str] | None:
        campaign = entry.campaign
        schedule = campaign.schedule
        if campaign.currency != run.cart.currency:
            return (
                Reason.CURRENCY_MISMATCH,
                f"priced in {campaign.currency}, the cart is in {run.cart.currency}",
            )
        if entry.plain and in_scope:
            return None
        if schedule.not_started(run.at):
            assert schedule.starts_at is not None
            return Reason.NOT_STARTED, f"starts at {schedule.starts_at.isoformat()}"
        if schedule.ended(run.at):
            assert schedule.ends_at is not None
            return Reason.ENDED, f"ended at {schedule.ends_at.isoformat()}"
        mismatch = campaign.audience.mismatch(run.cart.customer)
        if mismatch is not None:
            return Reason.AUDIENCE_MISMATCH, mismatch
        if not in_scope:
            return Reason.OUT_OF_SCOPE, "no line in the cart is covered by its scope"
        limit = campaign.limits.per_customer
        if limit is not None:
            if run.cart.customer is None:
                return Reason.LIMIT_REACHED, "limited per customer; the cart has no customer"
            used = run.usage.get(campaign.id, 0)
            if used >= limit:
                return Reason.LIMIT_REACHED, f"already used {used} of {limit} time(s)"
        left = self._budget_left(run, campaign)
        if left is not None and left.amount <= 0:
            return Reason.BUDGET_EXHAUSTED, "the campaign's budget is spent"
        return None

    def _budget_left(self, run: _Run, campaign: Campaign) -> Money | None:
        if campaign.budget is None:
            return None
        return run.budgets.get(campaign.id, campaign.budget.limit)

    def _context(
        self,
        run: _Run,
        entry: _Entry,
        in_scope: tuple[int, ...],
        state: PricingState,
        shared: dict[tuple[tuple[int, ...], bool], tuple[LineView, ...]] | None = None,
    ) -> Context:
        campaign = entry.campaign
        limit = campaign.limits.per_order
        return state.context(campaign, entry.stage, in_scope, run.at, limit, shared)

    def _bound(self, run: _Run, entry: _Entry, context: Context) -> int:
        """An upper bound of what the campaign grants in ``context``; 0 to evaluate it."""
        bound = getattr(entry.mechanic, "bound", None)
        if bound is None or not context.lines:
            return 0
        amount: int = bound(context).amount
        left = self._budget_left(run, entry.campaign)
        return amount if left is None else min(amount, left.amount)

    def _evaluate(
        self, run: _Run, entry: _Entry, in_scope: tuple[int, ...], state: PricingState
    ) -> Evaluation | Decline:
        return self._evaluate_in(run, entry, self._context(run, entry, in_scope, state))

    def _evaluate_in(self, run: _Run, entry: _Entry, context: Context) -> Evaluation | Decline:
        campaign = entry.campaign
        if not context.lines:
            return Decline(
                Reason.UNITS_TAKEN,
                "its items are taken by an exclusive campaign or closed to this stage",
            )
        result = entry.mechanic.evaluate(context)
        if isinstance(result, Decline):
            return result
        if not isinstance(result, Proposal):
            raise PluginError(f"mechanic {entry.mechanic.name!r} returned {type(result).__name__}")
        result = self._checked(entry, result, context.lines)
        evaluation = Evaluation(campaign, entry.stage, result, result.amount(run.cart.currency))
        left = self._budget_left(run, campaign)
        if left is not None:
            evaluation = cap_to_budget(evaluation, left)
        return evaluation

    @staticmethod
    def _checked(entry: _Entry, proposal: Proposal, views: Sequence[LineView]) -> Proposal:
        """Refuse out-of-bounds discounts and fill in the base each discount covers."""
        allowed = {view.index: view for view in views}
        name = entry.mechanic.name
        discounts = []
        changed = False
        for d in proposal.discounts:
            view = allowed.get(d.index)
            if view is None:
                raise PluginError(
                    f"mechanic {name!r} discounted line {d.index}, which it was not given"
                )
            if not 0 <= d.units <= view.units:
                raise PluginError(f"mechanic {name!r} covered {d.units} unit(s) of line {d.index}")
            base = d.base if d.base is not None else view.take(d.units).base
            if d.amount.amount < 0 or d.amount > base or base > view.base:
                raise PluginError(
                    f"mechanic {name!r} proposed {d.amount} on line {d.index}, whose "
                    f"{d.units} unit(s) have {base} left to pay: out of bounds"
                )
            if d.base is None:
                changed = True
                d = attrs.evolve(d, base=base)
            discounts.append(d)
        return attrs.evolve(proposal, discounts=tuple(discounts)) if changed else proposal

    def _decline(
        self, run: _Run, entry: _Entry, outcome: Evaluation | Decline, winner: Evaluation | None
    ) -> None:
        if isinstance(outcome, Decline):
            run.not_applied.append(self._not_applied(entry, outcome.reason, outcome.message))
            if outcome.reason == Reason.BELOW_THRESHOLD:
                self._hint(run, entry, outcome.upsell, None, winner)
        else:
            run.not_applied.append(
                self._not_applied(entry, Reason.NO_DISCOUNT, "nothing to discount")
            )

    def _hint(
        self,
        run: _Run,
        entry: _Entry | None,
        upsell: Upsell | None,
        applied: Evaluation | None,
        winner: Evaluation | None = None,
    ) -> None:
        if upsell is None:
            return
        campaign = applied.campaign if applied is not None else entry.campaign if entry else None
        assert campaign is not None
        extra = upsell.extra_saving
        if winner is not None:
            extra = extra - winner.amount
            if extra.amount <= 0:
                return
        run.hints.append(
            Hint(
                campaign=campaign.id,
                extra_saving=extra,
                add_amount=upsell.add_amount,
                add_quantity=upsell.add_quantity,
                message=f"{campaign.name}: {upsell.message or _gap_words(upsell, extra)}",
            )
        )

    @staticmethod
    def _not_applied(entry: _Entry, reason: str, message: str) -> NotApplied:
        return NotApplied(entry.campaign.id, entry.campaign.name, entry.stage, str(reason), message)

    # -- the result ------------------------------------------------------------------------

    def _quote(self, run: _Run) -> Quote:
        cart, state = run.cart, run.state
        lines = [
            QuoteLine(i, line.sku, line.quantity, line.unit_price, state.lines[i].adjustments)
            for i, line in enumerate(cart.lines)
        ]
        zero = Money.zero(cart.currency)
        for campaign_id, gift in state.gifts():
            lines.append(QuoteLine(len(lines), gift.sku, gift.quantity, zero, gift_of=campaign_id))
        applied = []
        draws = []
        effects: list[Effect] = []
        for evaluation in state.applied:
            campaign = evaluation.campaign
            applied.append(
                Applied(
                    campaign=campaign.id,
                    name=campaign.name,
                    stage=evaluation.stage,
                    amount=evaluation.amount,
                    message=evaluation.proposal.message
                    + (" (capped by the remaining budget)" if evaluation.budget_capped else ""),
                    budget_capped=evaluation.budget_capped,
                    gifts=tuple((g.sku, g.quantity) for g in evaluation.proposal.gifts),
                )
            )
            if campaign.budget is not None and evaluation.amount.amount:
                draws.append(BudgetDraw(campaign.id, evaluation.amount))
            effects.extend(evaluation.proposal.effects)
        return Quote(
            currency=cart.currency,
            at=run.at,
            lines=tuple(lines),
            applied=tuple(applied),
            not_applied=self._in_stage_order(run),
            hints=tuple(run.hints),
            budget_draws=tuple(draws),
            effects=tuple(effects),
        )

    def _in_stage_order(self, run: _Run) -> tuple[NotApplied, ...]:
        """The campaigns that did not apply, by stage order (stable within a stage)."""
        rank = {stage: i for i, stage in enumerate(self.stages)}
        ends = [start for start, _ in run.sections[1:]] + [len(run.not_applied)]
        parts = [
            (rank[stage], run.not_applied[start:end])
            for (start, stage), end in zip(run.sections, ends, strict=False)  # none if no stage ran
        ]
        parts.sort(key=lambda part: part[0])
        return tuple(item for _, items in parts for item in items)


def _is_plain(campaign: Campaign) -> bool:
    """True if only the currency and the scope can keep the campaign from being evaluated."""
    schedule = campaign.schedule
    return (
        schedule.starts_at is None
        and schedule.ends_at is None
        and campaign.audience.is_everyone
        and campaign.limits.per_customer is None
        and campaign.budget is None
    )


def _exact(mechanic: Mechanic) -> bool:
    """True if the mechanic's bound is exactly what it grants."""
    return bool(getattr(mechanic, "bound_is_exact", False))


def _gap_words(upsell: Upsell, extra: Money) -> str:
    if upsell.add_amount is not None:
        return f"add {upsell.add_amount.display()} more to save {extra.display()} more"
    return f"add {upsell.add_quantity} more unit(s) to save {extra.display()} more"


def price(
    cart: Cart,
    campaigns: Iterable[Campaign],
    *,
    at: datetime | None = None,
    budgets: Mapping[str, Money] | None = None,
    usage: Mapping[str, int] | None = None,
    host: PluginHost | None = None,
    selection: Selection = Selection.BEST,
) -> Quote:
    """Price ``cart`` against ``campaigns`` in one call, explaining every campaign.

    See [`Engine`][promocore.engine.Engine] and [`Engine.price`][promocore.engine.Engine.price] for
    the arguments.
    """
    engine = Engine(campaigns, host=host, selection=selection)
    return engine.price(cart, at=at, budgets=budgets, usage=usage, explain_all=True)
