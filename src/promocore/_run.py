"""One pricing run: its inputs, its running state, and what it does to one campaign.

The checks common to every campaign (currency, schedule, audience, scope, conditions, limits,
budget),
building a mechanic's context, asking for its bound and its answer, and checking that answer.
Explanations worked out after pricing use the same functions, so they say what pricing saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from promocore._grants import gift_grant
from promocore._index import Entry
from promocore.campaign import Campaign, Scope, Stage
from promocore.cart import Cart
from promocore.conditions import ArmLookup, Facts, Measure, Unmet, zone
from promocore.errors import PluginError
from promocore.mechanic import Context, Decline, LineView, Proposal
from promocore.money import Money
from promocore.pricing_state import Evaluation, PricingState, cap_to_budget
from promocore.quote import Grant, Reason

#: Views of the lines built on one state, per scope and exclusivity, shared by campaigns.
SharedViews = dict[tuple[tuple[int, ...], bool], tuple[LineView, ...]]

#: What pricing notes of a campaign whose conditions fail; the explanation words it later.
CONDITIONS_UNMET = ("conditions_unmet", "its conditions do not hold")


@attrs.define
class Run:
    """The inputs of one pricing and its running state.

    Attributes:
        cart: The cart.
        at: The moment priced.
        budgets: Remaining budget per campaign id.
        usage: Orders each campaign was already used in by this customer.
        state: The state so far.
        blocked: Campaigns a counted resource keeps from applying, with why.
        gifts_left: Gift units left per ``(campaign id, sku)``.
        search_left: Steps the exclusive-group search may still take in this quote.
        proven: No exclusive-group search stopped at its budget.
        unproven: Ids of campaigns chosen by a search that stopped at its budget.
        experiments: Where experiment conditions look customers up, if anywhere.
        facts: What conditions look at, per time zone (made when first needed).
        vetoed: Campaigns a finaliser vetoed, by id: their reason code and message.
    """

    cart: Cart
    at: datetime
    budgets: Mapping[str, Money]
    usage: Mapping[str, int]
    state: PricingState
    search_left: int
    blocked: Mapping[str, str] = attrs.field(factory=dict)
    gifts_left: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    proven: bool = True
    unproven: set[str] = attrs.field(factory=set)
    experiments: ArmLookup | None = None
    facts: dict[str, Facts] = attrs.field(factory=dict)
    measures: dict[Scope, Measure] = attrs.field(factory=dict)
    vetoed: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)

    def facts_for(self, campaign: Campaign) -> Facts:
        """What the campaign's conditions look at, in its time zone."""
        found = self.facts.get(campaign.time_zone)
        if found is None:
            found = self.facts[campaign.time_zone] = Facts(
                self.cart, self.at, zone(campaign.time_zone), self.experiments, self.measures
            )
        return found

    def precheck(
        self, entry: Entry, in_scope: tuple[int, ...], explain: bool = False
    ) -> tuple[str, str] | Unmet | None:
        """Why the campaign cannot apply before its mechanic is asked, or ``None``.

        Unmet conditions give ``CONDITIONS_UNMET`` while pricing; with ``explain``, the
        [`Unmet`][promocore.conditions.Unmet] of the conditions, worded.
        """
        campaign = entry.campaign
        if self.vetoed and campaign.id in self.vetoed:
            return self.vetoed[campaign.id]
        if campaign.currency != self.cart.currency:
            return (
                Reason.CURRENCY_MISMATCH,
                f"priced in {campaign.currency}, the cart is in {self.cart.currency}",
            )
        if entry.traits.plain and in_scope and not self.constrained(campaign.id):
            return None
        schedule = campaign.schedule
        if schedule.not_started(self.at):
            assert schedule.starts_at is not None
            return Reason.NOT_STARTED, f"starts at {schedule.starts_at.isoformat()}"
        if schedule.ended(self.at):
            assert schedule.ends_at is not None
            return Reason.ENDED, f"ended at {schedule.ends_at.isoformat()}"
        mismatch = campaign.audience.mismatch(self.cart.customer)
        if mismatch is not None:
            return Reason.AUDIENCE_MISMATCH, mismatch
        if not in_scope:
            return Reason.OUT_OF_SCOPE, "no line in the cart is covered by its scope"
        conditions = campaign.conditions
        if conditions is not None:
            facts = self.facts_for(campaign)
            if not facts.holds(conditions):
                if not explain:
                    return CONDITIONS_UNMET
                unmet = conditions.unmet(facts)
                if unmet is None or not isinstance(unmet, Unmet):
                    raise PluginError(
                        f"the conditions of campaign {campaign.id!r} do not hold, "
                        f"yet explained themselves with {unmet!r}"
                    )
                return unmet
        limit = campaign.limits.per_customer
        if limit is not None:
            if self.cart.customer is None:
                return Reason.LIMIT_REACHED, "limited per customer; the cart has no customer"
            used = self.usage.get(campaign.id, 0)
            if used >= limit:
                return Reason.LIMIT_REACHED, f"already used {used} of {limit} time(s)"
        if campaign.limits.per_customer_value is not None and self.cart.customer is None:
            return Reason.LIMIT_REACHED, "limited per customer; the cart has no customer"
        why = self.blocked.get(campaign.id)
        if why is not None:
            return Reason.LIMIT_REACHED, why
        left = self.budget_left(campaign)
        if left is not None and left.amount <= 0:
            return Reason.BUDGET_EXHAUSTED, "the campaign's budget is spent"
        return None

    def constrained(self, campaign: str) -> bool:
        """True if a counted resource given to this pricing limits the campaign."""
        return campaign in self.blocked or campaign in self.budgets

    def budget_left(self, campaign: Campaign) -> Money | None:
        """What the campaign may still grant, or ``None`` if nothing caps it.

        The amount given in ``budgets`` (the budget left, or less when another counted
        resource leaves less), else the budget's spendable part.
        """
        left = self.budgets.get(campaign.id)
        if left is not None:
            return left
        if campaign.budget is None:
            return None
        return campaign.budget.spendable

    def context(
        self,
        entry: Entry,
        in_scope: tuple[int, ...],
        state: PricingState,
        shared: SharedViews | None = None,
    ) -> Context:
        """The context the campaign's mechanic is asked in, on ``state``."""
        campaign = entry.campaign
        limit = campaign.limits.per_order
        return state.context(campaign, entry.stage, in_scope, self.at, limit, shared)

    def bound(self, entry: Entry, context: Context) -> int:
        """An upper bound of what the campaign grants in ``context``; 0 to evaluate it."""
        bound = entry.traits.bound
        if bound is None or not context.lines:
            return 0
        amount: int = bound(context).amount
        left = self.budget_left(entry.campaign)
        return amount if left is None else min(amount, left.amount)

    def evaluate(
        self, entry: Entry, in_scope: tuple[int, ...], state: PricingState
    ) -> Evaluation | Decline:
        """The campaign's answer on ``state``, checked and capped by its budget."""
        return self.evaluate_in(entry, self.context(entry, in_scope, state))

    def evaluate_in(self, entry: Entry, context: Context) -> Evaluation | Decline:
        """The campaign's answer in ``context``, checked, its total value capped by its budget."""
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
        result = checked(entry, result, context.lines)
        short: tuple[Grant, ...] = ()
        if result.gifts and self.gifts_left:
            result, short = self.cap_gifts(campaign.id, entry.stage, result)
            if not (result.discounts or result.gifts or result.effects):
                return Decline(Reason.OUT_OF_STOCK, "its gifts are out of stock")
        evaluation = Evaluation(campaign, entry.stage, result, result.amount(self.cart.currency))
        left = self.budget_left(campaign)
        if left is not None:
            evaluation = cap_to_budget(evaluation, left)
        return attrs.evolve(evaluation, out_of_stock=short) if short else evaluation

    def cap_gifts(
        self, campaign: str, stage: Stage, proposal: Proposal
    ) -> tuple[Proposal, tuple[Grant, ...]]:
        """Give at most the gift units left of each sku; return the units left out."""
        gifts = []
        cut: list[Grant] = []
        left_of = dict(self.gifts_left)
        for gift in proposal.gifts:
            key = (campaign, gift.sku)
            left = left_of.get(key)
            if left is None or gift.quantity <= left:
                gifts.append(gift)
                if left is not None:
                    left_of[key] = left - gift.quantity
                continue
            given = max(left, 0)
            left_of[key] = 0
            cut.append(
                gift_grant(campaign, stage, attrs.evolve(gift, quantity=gift.quantity - given))
            )
            if given > 0:
                gifts.append(attrs.evolve(gift, quantity=given))
        if not cut:
            return proposal, ()
        skus = ", ".join(dict.fromkeys(g.sku or "" for g in cut))
        message = f"{proposal.message} (gift {skus} short of stock)"
        return attrs.evolve(proposal, gifts=tuple(gifts), message=message.strip()), tuple(cut)


def checked(entry: Entry, proposal: Proposal, views: Sequence[LineView]) -> Proposal:
    """Refuse out-of-bounds discounts and fill in the base each discount covers."""
    allowed = {view.index: view for view in views}
    discounts = []
    changed = False
    for d in proposal.discounts:
        view = allowed.get(d.index)
        if view is None:
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} discounted line {d.index}, "
                "which it was not given"
            )
        if not 0 <= d.units <= view.units:
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} covered {d.units} unit(s) of line {d.index}"
            )
        base = d.base if d.base is not None else view.take(d.units).base
        amount = d.amount
        if (
            amount.currency != base.currency
            or not 0 <= amount.amount <= base.amount <= view.base.amount
            or base.currency != view.base.currency
        ):
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} proposed {amount} on line {d.index}, whose "
                f"{d.units} unit(s) have {base} left to pay: out of bounds"
            )
        if d.base is None:
            changed = True
            d = attrs.evolve(d, base=base)
        discounts.append(d)
    currency = views[0].base.currency if views else None
    valued = [(f"gift {g.sku!r}", g.unit_value) for g in proposal.gifts]
    valued += [(f"effect {e.kind!r}", e.value) for e in proposal.effects if e.value is not None]
    for what, value in valued:
        if not isinstance(value, Money) or value.currency != currency or value.amount < 0:
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} valued its {what} at {value!r}: "
                f"a grant's value is Money >= 0 in the cart's currency ({currency})"
            )
    return attrs.evolve(proposal, discounts=tuple(discounts)) if changed else proposal
