"""The pricing engine: runs the stages over a cart and explains every decision.

Build an [`Engine`][promocore.engine.Engine] once with the campaigns (it validates and indexes
them), then call [`Engine.price`][promocore.engine.Engine.price] per cart;
[`Engine.with_campaigns`][promocore.engine.Engine.with_campaigns] makes the engine for a changed
campaign set without rebuilding what did not change. [`price`][promocore.engine.price] does both
in one call. Pricing is pure: no clock, no I/O; budgets and usage come in as arguments and the
budget draws the quote would make come out in ``Quote.budget_draws``: the total value of each
budgeted campaign's grants (``Quote.grants``: discounts, gifts, valued effects).

The cost of a quote grows with the campaigns whose scope touches the cart and whose floor the
cart reaches, not with the campaigns in the engine; the exclusive-group search stops at a
budget (see [`promocore.selection`][promocore.selection]).
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from promocore._explain import UNPROVEN, StageLog, explain, withheld_by_budget
from promocore._grants import proposal_grants
from promocore._index import Entry, Index
from promocore._run import Run
from promocore._stage import run_stage
from promocore.campaign import STAGES, Campaign, Stage
from promocore.cart import Cart
from promocore.conditions import ArmLookup, arms_of
from promocore.conditions import problems as condition_problems
from promocore.counted import FATIGUE_REASON, Remaining, over_fatigue
from promocore.errors import Problem, UnknownMechanicError, ValidationError, WrongTypeError
from promocore.mechanic import Mechanic
from promocore.money import Money, total
from promocore.plugins import PluginHost, default_host
from promocore.pricing_state import PricingState
from promocore.quote import (
    Applied,
    BudgetDraw,
    Effect,
    Grant,
    Quote,
    QuoteLine,
    Reason,
    Withheld,
)
from promocore.selection import DEFAULT_SEARCH_BUDGET, Selection


class Engine:
    """Prices carts against a fixed set of campaigns.

    Args:
        campaigns: The campaigns; their order does not matter.
        host: Where mechanics come from; by default the shared
            [`default_host`][promocore.plugins.default_host] (built-ins plus entry points).
        selection: ``BEST`` (the combination best for the customer) or ``PRIORITY``
            (or their values, ``"best"`` and ``"priority"``).
        stages: The stage order, each stage once (stages or their values, ``"item"``).
        search_budget: Steps the exclusive-group search may take per quote, at least 1
            (see [`promocore.selection`][promocore.selection]); past them a quote keeps the
            best choice found and is marked ``proven_optimal=False``.
        experiments: Where ``experiment_arm`` and ``outside_holdout`` conditions look
            customers up: an [`ExperimentSet`][promocore.experiments.ExperimentSet]
            (from [`load_experiments`][promocore.config.load_experiments]), or ``None``.

    Raises:
        ValidationError: duplicate ids, unknown mechanics, params of the wrong
            type, conditions naming experiments, arms or holdouts the engine does not
            know, or problems a plugin reports, every problem naming its campaign;
            or a bad option, naming it.
    """

    def __init__(
        self,
        campaigns: Iterable[Campaign],
        *,
        host: PluginHost | None = None,
        selection: Selection | str = Selection.BEST,
        stages: Sequence[Stage | str] = STAGES,
        search_budget: int = DEFAULT_SEARCH_BUDGET,
        experiments: ArmLookup | None = None,
    ) -> None:
        options = _options(selection, stages, search_budget)
        if experiments is not None and not isinstance(experiments, ArmLookup):
            raise ValidationError.single("experiments", "must be an ExperimentSet or None")
        self.host = host if host is not None else default_host()
        self.selection, self.stages, self.search_budget = options
        self.experiments = experiments
        validator = _Validator(self.host, experiments)
        entries = validator.entries(_listed(campaigns, "campaigns"), "campaigns", ())
        self._index = Index.build(entries)

    def with_campaigns(self, added: Iterable[Campaign] = (), removed: Iterable[str] = ()) -> Engine:
        """A new engine with ``removed`` (campaign ids) taken out and ``added`` put in.

        For backends that reload campaigns while serving: only the new campaigns are
        validated and only the index entries of the scopes they and the removed ones use
        are rebuilt; this engine is left as it was. To change a campaign, remove its id
        and add the new version.

        Raises:
            ValidationError: an id in ``removed`` is unknown or listed twice, an added
                campaign's id is still in use, or an added campaign is invalid (paths
                ``added[i]``, ``removed[i]``). Nothing changes.
        """
        gone = _listed(removed, "removed")
        problems: list[Problem] = []
        taken: dict[str, str] = {}
        entries = self._index.entries
        for i, cid in enumerate(gone):
            if not isinstance(cid, str) or cid not in entries:
                problems.append(Problem(f"removed[{i}]", f"no campaign has id {cid!r}"))
            elif cid in taken:
                problems.append(Problem(f"removed[{i}]", f"{cid!r} is listed twice"))
            else:
                taken[cid] = f"removed[{i}]"
        in_use = _Kept(entries, taken)
        try:
            validator = _Validator(self.host, self.experiments)
            new = validator.entries(_listed(added, "added"), "added", in_use)
        except ValidationError as exc:
            problems.extend(exc.problems)
        if problems:
            raise ValidationError(problems)
        engine = object.__new__(Engine)
        engine.host, engine.selection = self.host, self.selection
        engine.stages, engine.search_budget = self.stages, self.search_budget
        engine.experiments = self.experiments
        engine._index = self._index.updated(new, list(taken))
        return engine

    @property
    def campaigns(self) -> tuple[Campaign, ...]:
        """The campaigns in canonical order (priority high to low, then id)."""
        return tuple(e.campaign for e in self._index.canonical)

    def relevant(self, cart: Cart) -> list[int]:
        """Positions (in `campaigns`) of the campaigns whose scope names something in ``cart``."""
        index = self._index
        return sorted(
            index.position(entry.campaign.id)
            for slot, _ in index.touching(cart)
            for entry in slot.members
        )

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
                here has its whole spendable budget left. A
                [`Remaining`][promocore.counted.Remaining] (read from the ledger by
                [`Resources.remaining`][promocore.ledger.resources.Resources.remaining])
                also carries the other counted resources: campaigns whose redemptions
                are used up, the gift stock left, and what a promotion-fatigue cap
                still allows (the least valuable campaigns are left out until the rest
                fits).
            usage: Orders each campaign was already used in by this customer: an
                optional pre-read (checkout's ledger call is the truth).
            explain_all: Also explain campaigns whose scope names nothing in the
                cart (``out_of_scope``); by default they are not considered.

        Plugins implementing ``promocore_finalize_quote`` then see the quote: a campaign
        they veto is taken out and the cart priced again without it (it ends in
        ``not_applied`` with the veto's reason), and the effects they add are added.

        Returns:
            The quote. Its ``not_applied`` and ``hints`` are worked out when first read.

        Raises:
            ValidationError: no time to price at, or bad budgets or usage.
            PluginError: a finaliser raised (unless the host skips broken plugins).
        """
        when = _check_inputs(cart, at, budgets, usage)
        vetoed: dict[str, tuple[str, str]] = {}
        while True:
            run, explanations, quote = self._price_within_fatigue(
                cart, when, budgets, usage, explain_all, vetoed
            )
            amendments = self.host.finalize_quote(cart, quote, when)
            if not amendments:
                break
            applied = {a.campaign for a in quote.applied}
            new = {
                veto.campaign: (veto.reason, veto.message)
                for amendment in amendments
                for veto in amendment.vetoes
                if veto.campaign in applied and veto.campaign not in vetoed
            }
            if not new:  # each round vetoes one more campaign at least: this ends
                added = tuple(e for amendment in amendments for e in amendment.effects)
                if added:
                    quote = _quote(run, explanations, added)
                break
            vetoed.update(new)
        self.host.quote_priced(cart, quote)
        return quote

    def _price_within_fatigue(
        self,
        cart: Cart,
        when: datetime,
        budgets: Mapping[str, Money] | None,
        usage: Mapping[str, int] | None,
        explain_all: bool,
        vetoed: Mapping[str, tuple[str, str]],
    ) -> tuple[Run, functools.partial[Any], Quote]:
        """Price once; under a fatigue cap, leave out the least valuable campaigns until it fits."""
        blocked: dict[str, str] = {}
        gifts: Mapping[tuple[str, str], int] = {}
        if isinstance(budgets, Remaining):
            blocked, gifts = dict(budgets.blocked), budgets.gifts
        args = (budgets, usage, blocked, gifts, explain_all, vetoed)
        run, explanations = self._price(cart, when, *args)
        quote = _quote(run, explanations)
        if isinstance(budgets, Remaining) and budgets.fatigued:
            # Each round leaves out at least one more campaign, so this ends.
            for _ in range(len(self._index.entries) + 1):
                values = [(a.campaign, quote.granted(a.campaign).amount) for a in quote.applied]
                out = over_fatigue(values, budgets.fatigue_campaigns, budgets.fatigue_value)
                if not out:
                    break
                blocked.update(dict.fromkeys(out, FATIGUE_REASON))
                run, explanations = self._price(cart, when, *args)
                quote = _quote(run, explanations)
        return run, explanations, quote

    def _price(
        self,
        cart: Cart,
        when: datetime,
        budgets: Mapping[str, Money] | None,
        usage: Mapping[str, int] | None,
        blocked: Mapping[str, str],
        gifts: Mapping[tuple[str, str], int],
        explain_all: bool,
        vetoed: Mapping[str, tuple[str, str]],
    ) -> tuple[Run, functools.partial[Any]]:
        priced = cart.with_shipping_line()
        run = Run(
            priced,
            when,
            dict(budgets or {}),
            dict(usage or {}),
            PricingState.start(priced),
            self.search_budget,
            blocked=dict(blocked),
            gifts_left=gifts,
            experiments=self.experiments,
            vetoed=dict(vetoed),
        )
        touching = self._index.touching(priced)
        logs = []
        for stage in self.stages:
            log = StageLog(stage, run.state)
            run_stage(run, stage, touching, self.selection, log)
            logs.append(log)
        return run, functools.partial(explain, run, self._index, logs, explain_all)


class _Validator:
    """Turns campaigns into index entries, collecting every problem."""

    def __init__(self, host: PluginHost, experiments: ArmLookup | None = None) -> None:
        self.host = host
        self.experiments = experiments

    def entries(self, campaigns: list[Campaign], where: str, in_use: Container[str]) -> list[Entry]:
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        positions: list[int] = []
        valid: list[Campaign] = []
        mechanics: list[Mechanic] = []
        host = self.host
        known = host.mechanics
        for i, campaign in enumerate(campaigns):
            if not isinstance(campaign, Campaign):
                problems.append(Problem(f"{where}[{i}]", "must be a Campaign"))
                continue
            cid = campaign.id
            if cid in seen or cid in in_use:
                problems.append(self._taken(f"{where}[{i}].id", cid, where, seen))
            seen.setdefault(cid, i)
            mechanic = known.get(campaign.mechanic)
            if mechanic is None:
                try:
                    host.mechanic(campaign.mechanic)
                except UnknownMechanicError as exc:
                    problems.append(Problem(f"{where}[{i}].mechanic", str(exc)))
                continue
            if not isinstance(campaign.params, mechanic.params_type):
                problems.append(
                    Problem(
                        f"{where}[{i}].params",
                        f"must be {mechanic.params_type.__name__}, "
                        f"got {type(campaign.params).__name__}",
                    )
                )
                continue
            if campaign.conditions is not None:
                unmet = condition_problems(campaign.conditions, campaign.currency, self.experiments)
                if unmet:
                    problems.extend(p.prefixed(f"{where}[{i}].conditions") for p in unmet)
                    continue
            positions.append(i)
            valid.append(campaign)
            mechanics.append(mechanic)
        for i, found in zip(positions, host.validate_campaigns(valid), strict=True):
            if found:
                problems.extend(p.prefixed(f"{where}[{i}]") for p in found)
        if problems:
            raise ValidationError(problems)
        return [
            Entry(campaign, mechanic, campaign.stage or mechanic.stage)
            for campaign, mechanic in zip(valid, mechanics, strict=True)
        ]

    @staticmethod
    def _taken(path: str, cid: str, where: str, seen: Mapping[str, int]) -> Problem:
        if cid in seen:
            return Problem(path, f"duplicate id {cid!r} (also {where}[{seen[cid]}])")
        return Problem(path, f"id {cid!r} is used by a campaign of the engine")


class _Kept(Container[str]):
    """The ids an update keeps: the engine's, less those it removes (not copied)."""

    def __init__(self, entries: Container[str], removed: Container[str]) -> None:
        self.entries, self.removed = entries, removed

    def __contains__(self, cid: object) -> bool:
        return cid in self.entries and cid not in self.removed


def _listed(values: Iterable[Any], name: str) -> list[Any]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise WrongTypeError.single(name, f"must be an iterable, got {type(values).__name__}")
    return list(values)


def _options(
    selection: object, stages: object, search_budget: object
) -> tuple[Selection, tuple[Stage, ...], int]:
    problems: list[Problem] = []
    chosen = Selection.BEST
    try:
        chosen = Selection(selection)
    except ValueError:
        known = ", ".join(repr(s.value) for s in Selection)
        problems.append(Problem("selection", f"must be a Selection ({known}), got {selection!r}"))
    order: list[Stage] = []
    if isinstance(stages, str) or not isinstance(stages, Iterable):
        problems.append(Problem("stages", "must be a sequence of stages"))
    else:
        for i, stage in enumerate(stages):
            try:
                value = Stage(stage)
            except ValueError:
                problems.append(Problem(f"stages[{i}]", f"must be a Stage, got {stage!r}"))
                continue
            if value in order:
                problems.append(Problem(f"stages[{i}]", f"{value.value!r} is listed twice"))
            order.append(value)
    if isinstance(search_budget, bool) or not isinstance(search_budget, int):
        problems.append(Problem("search_budget", "must be a whole number of steps"))
    elif search_budget < 1:
        problems.append(Problem("search_budget", "must be >= 1"))
    if problems:
        raise ValidationError(problems)
    assert isinstance(search_budget, int)
    return chosen, tuple(order), search_budget


def _check_inputs(
    cart: Cart,
    at: datetime | None,
    budgets: Mapping[str, Money] | None,
    usage: Mapping[str, int] | None,
) -> datetime:
    problems: list[Problem] = []
    if not isinstance(cart, Cart):
        raise WrongTypeError.single("cart", f"must be a Cart, got {type(cart).__name__}")
    when = at if at is not None else cart.at
    if when is None:
        problems.append(Problem("at", "give a time to price at (argument or cart.at)"))
    elif not isinstance(when, datetime):
        raise WrongTypeError.single("at", f"must be a datetime, got {type(when).__name__}")
    elif when.utcoffset() is None:
        problems.append(Problem("at", "must carry a UTC offset"))
    for name, given in (("budgets", budgets), ("usage", usage)):
        if given is not None and not isinstance(given, Mapping):
            raise WrongTypeError.single(name, f"must be a mapping, got {type(given).__name__}")
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
    assert isinstance(when, datetime)
    return when


def _quote(run: Run, explanations: functools.partial[Any], added: tuple[Effect, ...] = ()) -> Quote:
    cart, state = run.cart, run.state
    lines = [
        QuoteLine(
            i,
            line.sku,
            line.quantity,
            line.unit_price,
            state.lines[i].adjustments,
            shipping=line.is_shipping,
        )
        for i, line in enumerate(cart.lines)
    ]
    zero = Money.zero(cart.currency)
    for campaign_id, gift in state.gifts():
        lines.append(QuoteLine(len(lines), gift.sku, gift.quantity, zero, gift_of=campaign_id))
    applied = []
    draws = []
    effects: list[Effect] = []
    grants: list[Grant] = []
    withheld: list[Withheld] = []
    gift_line = len(cart.lines)
    for evaluation in state.applied:
        campaign = evaluation.campaign
        proposal = evaluation.proposal
        notes = []
        if evaluation.budget_capped:
            notes.append(" (capped by the remaining budget)")
        if campaign.id in run.unproven:
            notes.append(f" ({UNPROVEN})")
        conditions = campaign.conditions
        arms = () if conditions is None else arms_of(conditions, run.facts_for(campaign))
        applied.append(
            Applied(
                campaign=campaign.id,
                name=campaign.name,
                stage=evaluation.stage,
                amount=evaluation.amount,
                message=proposal.message + "".join(notes),
                budget_capped=evaluation.budget_capped,
                gifts=tuple((g.sku, g.quantity) for g in proposal.gifts),
                arms=arms,
            )
        )
        given = proposal_grants(campaign.id, evaluation.stage, proposal, cart, gift_line)
        gift_line += len(proposal.gifts)
        grants.extend(given)
        withheld.extend(withheld_by_budget(run, evaluation))
        withheld.extend(
            Withheld(
                grant=grant,
                reason=Reason.OUT_OF_STOCK,
                message=f"gift stock short: {grant.quantity} × {grant.sku} not given",
            )
            for grant in evaluation.out_of_stock
        )
        value = total((g.value for g in given), cart.currency)
        if campaign.budget is not None and value.amount:
            draws.append(BudgetDraw(campaign.id, value))
        effects.extend(proposal.effects)
    return Quote._explained_later(
        explanations,
        currency=cart.currency,
        at=run.at,
        lines=tuple(lines),
        applied=tuple(applied),
        budget_draws=tuple(draws),
        effects=(*effects, *added),
        proven_optimal=run.proven,
        grants=tuple(grants),
        withheld=tuple(withheld),
    )


def price(
    cart: Cart,
    campaigns: Iterable[Campaign],
    *,
    at: datetime | None = None,
    budgets: Mapping[str, Money] | None = None,
    usage: Mapping[str, int] | None = None,
    host: PluginHost | None = None,
    selection: Selection | str = Selection.BEST,
    search_budget: int = DEFAULT_SEARCH_BUDGET,
    experiments: ArmLookup | None = None,
) -> Quote:
    """Price ``cart`` against ``campaigns`` in one call, explaining every campaign.

    See [`Engine`][promocore.engine.Engine] and [`Engine.price`][promocore.engine.Engine.price] for
    the arguments. Without ``host`` it uses the shared
    [`default_host`][promocore.plugins.default_host], so a call costs the engine's
    construction, not a plugin scan.
    """
    engine = Engine(
        campaigns,
        host=host,
        selection=selection,
        search_budget=search_budget,
        experiments=experiments,
    )
    return engine.price(cart, at=at, budgets=budgets, usage=usage, explain_all=True)
