"""The running state of one pricing: what each line has left, and what was decided.

Immutable: applying an evaluation returns a new state, so the exclusive-group search
can branch without copying or undoing anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import attrs

from promocore._grants import cap, proposal_value
from promocore.campaign import Campaign, Gift, Stage
from promocore.cart import Cart
from promocore.mechanic import Context, LineView, Proposal
from promocore.money import Money
from promocore.quote import Adjustment, Grant


@attrs.frozen
class Evaluation:
    """A campaign's proposal after the engine's checks, budget cap included.

    Attributes:
        campaign: The campaign.
        stage: The stage it runs at.
        proposal: What it grants (after the cap).
        amount: The sum of its discounts.
        budget_capped: True if its budget cut what it grants.
        withheld: The grants its budget left out (gift units, valued effects).
    """

    campaign: Campaign
    stage: Stage
    proposal: Proposal
    amount: Money
    budget_capped: bool = False
    withheld: tuple[Grant, ...] = ()

    @property
    def value(self) -> Money:
        """The total value it grants: discounts, gifts and valued effects."""
        return proposal_value(self.proposal, self.amount.currency)

    @property
    def useful(self) -> bool:
        """True if applying it changes anything for the customer."""
        p = self.proposal
        return bool(self.amount.amount or p.gifts or p.effects)


@attrs.frozen(cache_hash=True)
class LineState:
    """What one line has left.

    Attributes:
        payable: What is left to pay for the whole line.
        free_units: Units no exclusive campaign has taken.
        free_payable: What is left to pay for the free units.
        closed: Stages the line is closed to.
        adjustments: Discounts given so far.
    """

    payable: Money
    free_units: int
    free_payable: Money
    closed: frozenset[Stage] = frozenset()
    adjustments: tuple[Adjustment, ...] = ()

    def after(self, amount: Money, units: int, exclusive: bool, base: Money) -> tuple[int, Money]:
        """Free units and free payable after a discount of ``amount`` on ``units`` units.

        An exclusive discount takes its units, and the ``base`` they had left to pay,
        out of the free pool; a stackable one shrinks the free pool in proportion
        (rounded down).
        """
        if exclusive and units:
            return self.free_units - units, amount.with_amount(
                max(self.free_payable.amount - base.amount, 0)
            )
        whole = self.payable.amount
        if whole == 0:
            return self.free_units, amount.with_amount(0)
        scaled = self.free_payable.amount * (whole - amount.amount) // whole
        return self.free_units, amount.with_amount(scaled)

    def open_to(self, stage: Stage) -> bool:
        """True if a campaign of ``stage`` may still discount the line."""
        return self.payable.amount > 0 and not (self.closed and stage in self.closed)


@attrs.frozen
class PricingState:
    """The lines' state plus everything applied so far."""

    cart: Cart
    lines: tuple[LineState, ...]
    applied: tuple[Evaluation, ...] = ()

    @classmethod
    def start(cls, cart: Cart) -> PricingState:
        """The state before any campaign: every line fully payable and free."""
        return cls(
            cart,
            tuple(LineState(line.subtotal, line.quantity, line.subtotal) for line in cart.lines),
        )

    def open_stage(self) -> PricingState:
        """The state at the start of a stage: every unit free again for exclusive campaigns.

        Units are exclusive within a stage; what later stages may touch is governed
        by the stages a campaign closes a line to.
        """
        lines = tuple(
            state
            if state.free_units == line.quantity and state.free_payable == state.payable
            else LineState(
                state.payable, line.quantity, state.payable, state.closed, state.adjustments
            )
            for state, line in zip(self.lines, self.cart.lines, strict=True)
        )
        return PricingState(self.cart, lines, self.applied)

    def measure(self, stage: Stage, in_scope: tuple[int, ...]) -> tuple[int, int]:
        """What ``in_scope`` lines open to ``stage`` have left to pay, and their units.

        At the start of a stage this is what any campaign of the stage sees over those
        lines at most (a [`Floor`][promocore.mechanic.Floor] is measured against it): later
        in the stage lines only have less left to pay and fewer free units.
        """
        amount = units = 0
        lines, cart_lines = self.lines, self.cart.lines
        for i in in_scope:
            state = lines[i]
            if state.open_to(stage):
                amount += state.payable.amount
                units += cart_lines[i].quantity
        return amount, units

    def views(
        self, campaign: Campaign, stage: Stage, in_scope: tuple[int, ...], exclusive: bool
    ) -> tuple[LineView, ...]:
        """The lines ``campaign`` may use now, as mechanics see them."""
        views = []
        for i in in_scope:
            state = self.lines[i]
            payable = state.payable
            if payable.amount <= 0 or (state.closed and stage in state.closed):
                continue
            line = self.cart.lines[i]
            if not exclusive:
                units, base = line.quantity, payable
            elif state.free_units > 0:
                units = state.free_units
                free = state.free_payable
                base = free if free.amount <= payable.amount else payable
            else:
                continue
            views.append(LineView(i, line, payable, units, base, state.closed, state.adjustments))
        return tuple(views)

    def context(
        self,
        campaign: Campaign,
        stage: Stage,
        in_scope: tuple[int, ...],
        at: datetime,
        unit_limit: int | None,
        shared: dict[tuple[tuple[int, ...], bool], tuple[LineView, ...]] | None = None,
    ) -> Context:
        """Build the context a mechanic evaluates ``campaign`` in.

        ``shared`` keeps the views built on this state at ``stage`` per scope, so that
        campaigns with the same lines share them.
        """
        exclusive = campaign.is_exclusive
        views = shared.get((in_scope, exclusive)) if shared is not None else None
        if views is None:
            views = self.views(campaign, stage, in_scope, exclusive)
            if shared is not None:
                shared[in_scope, exclusive] = views
        return Context(
            campaign=campaign,
            cart=self.cart,
            at=at,
            stage=stage,
            lines=views,
            unit_limit=unit_limit,
            exclusive=exclusive,
        )

    def apply(self, evaluation: Evaluation) -> PricingState:
        """Return the state after ``evaluation`` is applied."""
        applied = (*self.applied, evaluation)
        proposal = evaluation.proposal
        if not proposal.discounts:
            return PricingState(self.cart, self.lines, applied)
        lines = list(self.lines)
        exclusive = evaluation.campaign.is_exclusive
        campaign_id, stage, closes = evaluation.campaign.id, evaluation.stage, proposal.closes
        for discount in proposal.discounts:
            state = lines[discount.index]
            amount = discount.amount
            base = discount.base if discount.base is not None else amount
            free_units, free_payable = state.after(amount, discount.units, exclusive, base)
            lines[discount.index] = LineState(
                state.payable - amount,
                free_units,
                free_payable,
                state.closed | closes if closes else state.closed,
                (*state.adjustments, Adjustment(campaign_id, amount, stage, discount.units))
                if amount.amount
                else state.adjustments,
            )
        return PricingState(self.cart, tuple(lines), applied)

    def gifts(self) -> Iterator[tuple[str, Gift]]:
        """Gifts granted so far, with the campaign that granted each."""
        for evaluation in self.applied:
            for gift in evaluation.proposal.gifts:
                yield evaluation.campaign.id, gift


def cap_to_budget(evaluation: Evaluation, remaining: Money) -> Evaluation:
    """Shrink ``evaluation`` so it grants a total value of at most ``remaining``.

    Discounts first, exactly; then whole gift units; then valued effects, each whole or
    not at all. What does not fit is withheld.
    """
    campaign = evaluation.campaign
    result = cap(campaign.id, evaluation.stage, evaluation.proposal, remaining)
    if not result.capped:
        return evaluation
    return Evaluation(
        campaign,
        evaluation.stage,
        result.proposal,
        result.amount,
        budget_capped=True,
        withheld=result.withheld,
    )
