"""What a mechanic is, what it sees of a cart, and what it answers.

A mechanic is any object with ``name``, ``stage``, ``params_type`` and an
``evaluate(context)`` method. It is pure: given the same [`Context`][promocore.mechanic.Context] it
returns the same [`Proposal`][promocore.mechanic.Proposal] (it applies) or
[`Decline`][promocore.mechanic.Decline] (it does not, and why). The engine does the checks common to
all campaigns (schedule, audience, scope, currency, budget, limits) before a mechanic is asked.

Optional members let the engine ask less often: ``floor``
([`Floored`][promocore.mechanic.Floored]) for skipping campaigns far below their threshold,
``bound`` with ``bound_is_exact`` ([`Bounded`][promocore.mechanic.Bounded]) for exclusive
candidates that cannot win, and ``rate`` ([`Rated`][promocore.mechanic.Rated]) for bounding
what competing exclusive groups can still take off shared lines.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import attrs

from promocore.campaign import Campaign, Gift, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.errors import AllocationError
from promocore.money import Money, allocate, total
from promocore.quote import Adjustment, Effect


@attrs.frozen
class LineView:
    """A cart line as a mechanic sees it at its stage.

    Attributes:
        index: Position of the line in the cart.
        line: The cart line.
        payable: What is left to pay for the whole line after earlier discounts.
        units: Units this campaign may use (units taken by an exclusive campaign
            are not offered to another exclusive one).
        base: What is left to pay for those units; a discount never exceeds it.
        closed: Stages an earlier campaign closed the line to (an activity price).
        adjustments: Discounts the line received before this campaign.
    """

    index: int
    line: LineItem
    payable: Money
    units: int
    base: Money
    closed: frozenset[Stage] = frozenset()
    adjustments: tuple[Adjustment, ...] = ()

    def take(self, units: int) -> LineView:
        """The same line offering only ``units`` of its units (base rounded down)."""
        if units >= self.units:
            return self
        part = self.base.with_amount(self.base.amount * units // self.units)
        return LineView(
            self.index, self.line, self.payable, units, part, self.closed, self.adjustments
        )

    @property
    def unit_base(self) -> Money:
        """What is left to pay for one offered unit, rounded down."""
        return self.base.with_amount(self.base.amount // self.units)


@attrs.frozen
class Context:
    """Everything a mechanic may look at to price one campaign.

    Attributes:
        campaign: The campaign being priced; ``campaign.params`` is of the mechanic's type.
        cart: The whole cart.
        at: The moment being priced.
        stage: The stage running now.
        lines: The lines in the campaign's scope that it may still use, as views.
        unit_limit: At most this many units may be discounted (per-order limit), or None.
        exclusive: True if the campaign takes the units it discounts.
    """

    campaign: Campaign
    cart: Cart
    at: datetime
    stage: Stage
    lines: tuple[LineView, ...]
    unit_limit: int | None = None
    exclusive: bool = False

    @property
    def currency(self) -> str:
        """The cart's currency."""
        return self.cart.currency

    @property
    def customer(self) -> Customer | None:
        """The cart's customer."""
        return self.cart.customer

    @functools.cached_property
    def base(self) -> Money:
        """Sum of what the campaign's lines have left payable."""
        return total((view.base for view in self.lines), self.currency)

    @functools.cached_property
    def units(self) -> int:
        """Units the campaign may use across its lines."""
        return sum(view.units for view in self.lines)

    def zero(self) -> Money:
        """Nothing, in the cart's currency."""
        return Money.zero(self.currency)


@attrs.frozen
class LineDiscount:
    """An amount off one line.

    Attributes:
        index: The line.
        amount: The amount off.
        units: The units it covers (taken from the free pool if the campaign is exclusive).
        base: What those units had left to pay; the engine fills it in when omitted.
    """

    index: int
    amount: Money
    units: int
    base: Money | None = None


@attrs.frozen
class Upsell:
    """What adding to the cart would earn: the gap and the saving beyond today's.

    Leave ``message`` empty for the engine's wording ("add ¥12.00 more to save ¥5.00 more").

    Attributes:
        extra_saving: What the customer would save beyond what the campaign gives now.
        add_amount: How much more payable reaches it, on an amount threshold.
        add_quantity: How many more units reach it, on a quantity threshold.
        message: The hint in words, or empty for the engine's.
    """

    extra_saving: Money
    add_amount: Money | None = None
    add_quantity: int | None = None
    message: str = ""


@attrs.frozen
class Proposal:
    """A mechanic's answer when its campaign applies.

    Attributes:
        discounts: Amounts off per line (zero lines may be left out).
        message: One sentence saying what the campaign did.
        gifts: Gift lines to add at zero price.
        effects: Non-price effects (post stage).
        upsell: The next reward within reach, if any.
        closes: Stages the discounted lines are closed to afterwards
            (an activity price that no later discount may touch).
    """

    discounts: tuple[LineDiscount, ...] = ()
    message: str = ""
    gifts: tuple[Gift, ...] = ()
    effects: tuple[Effect, ...] = ()
    upsell: Upsell | None = None
    closes: frozenset[Stage] = frozenset()

    def amount(self, currency: str) -> Money:
        """Sum of the discounts."""
        return total((d.amount for d in self.discounts), currency)


@attrs.frozen
class Decline:
    """A mechanic's answer when its campaign does not apply.

    Attributes:
        reason: A [`Reason`][promocore.quote.Reason] code, or one of the mechanic's own.
        message: Why, in words.
        upsell: What adding to the cart would take to apply, if anything would.
    """

    reason: str
    message: str
    upsell: Upsell | None = None


@runtime_checkable
class Mechanic(Protocol):
    """The interface every mechanic implements, built-in or third-party."""

    @property
    def name(self) -> str:
        """The name campaigns use in their ``mechanic`` field."""
        ...

    @property
    def stage(self) -> Stage:
        """The stage its campaigns run at unless a campaign says otherwise."""
        ...

    @property
    def params_type(self) -> type[Any]:
        """The attrs class of its params; files are loaded and validated through it."""
        ...

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price one campaign against the lines of ``context``; pure."""
        ...


@runtime_checkable
class Bounded(Protocol):
    """What a mechanic may add so the engine can skip evaluations that cannot matter.

    The engine asks ``bound`` before ``evaluate`` for a campaign in an exclusive group;
    mechanics without it are always evaluated. A campaign that loses its group without
    being evaluated is reported with "at most" its bound, unless the mechanic sets
    ``bound_is_exact`` to true (its bound is always exactly what it grants).
    """

    def bound(self, context: Context) -> Money:
        """At least what `Mechanic.evaluate` would grant in ``context``, cheaply.

        Return zero unless the campaign certainly applies in ``context`` with a
        positive amount off: a zero bound means "evaluate me" (a campaign below its
        threshold is evaluated, so that its reason and hint are explained). Like the
        amount ``evaluate`` grants, the bound must not grow when fewer units or less
        payable are left.
        """
        ...


@runtime_checkable
class Rated(Protocol):
    """What a mechanic may add so the exclusive-group search can bound lines it shares.

    When many exclusive groups compete for the same lines, the most the groups ahead can
    still add is far less than the sum of their best amounts: each unit goes to one
    campaign only. With a rate per line the engine bounds each line by the best rate of the
    campaigns that could still take its free units, which lets the search prove its choice
    in far fewer steps. Mechanics without ``rate`` count as possibly taking a line's whole
    payable.
    """

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction | None:
        """The most ``campaign`` takes off a line of ``unit_price``, per list price covered.

        Promise: on any state, the discount ``evaluate`` gives a line whose unit list price
        is ``unit_price`` is at most this rate times ``unit_price`` times the units the
        discount covers, plus two minor units for rounding. ``None`` if there is no such
        rate (a fixed amount over a quantity threshold, whatever the units cost). Asked only
        while searching, once per campaign and unit price; must be cheap.
        """
        ...


@attrs.frozen
class Floor:
    """The least a campaign needs over the lines in its scope before it can apply.

    Measured, like [`Context.base`][promocore.mechanic.Context.base] and
    [`Context.units`][promocore.mechanic.Context.units], over the lines in scope that have
    something left to pay and are open to the stage. Both parts must be reached.

    Attributes:
        amount: What the lines must have left to pay, in the campaign's currency;
            ``None`` for no amount floor.
        units: How many units they must hold; 0 for no unit floor.
    """

    amount: Money | None = None
    units: int = 0

    def reached(self, amount: int, units: int) -> bool:
        """True if lines with ``amount`` minor units left to pay and ``units`` units reach it."""
        floor = self.amount
        return (floor is None or amount >= floor.amount) and units >= self.units


@runtime_checkable
class Floored(Protocol):
    """What a mechanic may add so the engine can skip campaigns far below their threshold.

    The engine asks ``floor`` once per campaign, the first time a cart touches the
    campaign's scope, and keeps the campaigns of each scope sorted by it. For each cart it
    measures each touching scope once per stage: the campaigns whose floor is out of reach are
    neither given a [`Context`][promocore.mechanic.Context] nor evaluated. They are still
    explained: reading a quote's ``not_applied`` or ``hints`` evaluates them then, so the
    explanation is the mechanic's own decline. Mechanics without ``floor`` are always
    evaluated. An amount floor in another currency than the campaign's is ignored.
    """

    def floor(self, campaign: Campaign) -> Floor | None:
        """The floor of ``campaign``, or ``None`` if it has none.

        Promise: whenever the lines of a context fall short of the floor,
        `Mechanic.evaluate` declines (a [`Decline`][promocore.mechanic.Decline], usually
        ``below_threshold``) and grants nothing. A lower floor than the true threshold is
        always safe; a higher one makes the engine skip a campaign that would apply (reading
        the explanations of such a campaign raises ``PluginError``).
        """
        ...


def spread(amount: Money, lines: Sequence[LineView]) -> tuple[LineDiscount, ...]:
    """Allocate an order-level ``amount`` over ``lines`` by their base, capped at each base.

    The parts sum exactly to ``amount`` (largest remainder); ``amount`` must not
    exceed the lines' combined base.
    """
    if not lines or amount.amount == 0:
        return ()
    if len(lines) == 1:
        view = lines[0]
        if amount > view.base:
            raise AllocationError(f"cannot spread {amount} over a base of {view.base}")
        return (LineDiscount(view.index, amount, view.units, view.base),)
    bases = [view.base for view in lines]
    parts = allocate(amount, bases, caps=bases)
    return tuple(
        LineDiscount(view.index, part, view.units, view.base)
        for view, part in zip(lines, parts, strict=True)
        if part.amount
    )
