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
what competing exclusive groups can still take off shared lines. ``validate``
([`Validated`][promocore.mechanic.Validated]) checks a campaign beyond its params type, and
``testing_profile``, ``laws`` and the ``*_strategy`` methods tell the testing kit about the
mechanic.

Every member, required or optional, is declared once, in
[`MEMBERS`][promocore.mechanic.MEMBERS], with what a mechanic without it gets.
[`check_mechanic`][promocore.mechanic.check_mechanic] checks a mechanic against it (the host
does, when a plugin registers one) and [`members_of`][promocore.mechanic.members_of] reads a
mechanic's optional members with their defaults.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from promocore.campaign import Campaign, Gift, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.errors import AllocationError, Problem
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


@runtime_checkable
class Validated(Protocol):
    """What a mechanic may add to check its own campaigns beyond what its params type checks.

    The host asks ``validate`` for every campaign of the mechanic an engine or a campaign file
    is built with: only the mechanic's own campaigns, so no ``if campaign.mechanic != NAME``
    is needed. Checks that span mechanics (house rules) belong in the
    [`promocore_validate_campaigns`][promocore.hookspecs.promocore_validate_campaigns] hook.
    """

    def validate(self, campaign: Campaign) -> Sequence[Problem]:
        """The problems of ``campaign`` (paths relative to it, such as ``params.levels``).

        ``campaign`` is structurally valid and its params are of the mechanic's
        ``params_type``. Return no problems to accept it.
        """
        ...


@attrs.frozen(kw_only=True)
class Member:
    """One member of the mechanic interface.

    Attributes:
        name: The attribute's name on the mechanic.
        required: Whether every mechanic must have it.
        kind: ``"method"`` (called with ``arguments``) or ``"attribute"`` (a value).
        arguments: The positional arguments a method is called with.
        default: What a mechanic without the member gets (``None`` for a method means
            "not offered": the engine or testing kit does without it).
        summary: What the member is for, in one line.
    """

    name: str
    required: bool
    kind: Literal["method", "attribute"]
    arguments: tuple[str, ...] = ()
    default: Any = None
    summary: str = ""


#: Every member of the mechanic interface, required ones first, each with its default.
MEMBERS: tuple[Member, ...] = (
    Member(name="name", required=True, kind="attribute",
           summary="the name campaigns give in their mechanic field (a non-empty string)"),
    Member(name="stage", required=True, kind="attribute",
           summary="the Stage its campaigns run at unless a campaign says otherwise"),
    Member(name="params_type", required=True, kind="attribute",
           summary="the class of its params (an attrs class); files are loaded through it"),
    Member(name="evaluate", required=True, kind="method", arguments=("context",),
           summary="price one campaign: a Proposal or a Decline; pure"),
    Member(name="bound", required=False, kind="method", arguments=("context",),
           summary="at least what evaluate would grant, cheaply (Bounded)"),
    Member(name="bound_is_exact", required=False, kind="attribute", default=False,
           summary="true if bound is always exactly what evaluate grants"),
    Member(name="rate", required=False, kind="method", arguments=("campaign", "unit_price"),
           summary="the most a campaign takes off a line per list price covered (Rated)"),
    Member(name="floor", required=False, kind="method", arguments=("campaign",),
           summary="the least a campaign needs before it can apply (Floored)"),
    Member(name="validate", required=False, kind="method", arguments=("campaign",),
           summary="the problems of one of its campaigns beyond its params type (Validated)"),
    Member(name="testing_profile", required=False, kind="attribute",
           summary="the module (a dotted name) that registers its testing profile"),
    Member(name="laws", required=False, kind="attribute", default=(),
           summary="extra laws of promocore.testing it promises to obey"),
    Member(name="params_strategy", required=False, kind="method", arguments=("currency",),
           summary="a hypothesis strategy of valid params in a currency"),
    Member(name="campaigns_strategy", required=False, kind="method", arguments=("host",),
           summary="a hypothesis strategy of valid campaigns, given the host"),
    Member(name="refs_strategy", required=False, kind="method", arguments=("campaign",),
           summary="a hypothesis strategy of line refs that make lines take part"),
    Member(name="carts_strategy", required=False, kind="method", arguments=("campaign",),
           summary="a hypothesis strategy of whole carts for a campaign"),
)  # fmt: skip

_BY_NAME = {member.name: member for member in MEMBERS}


@attrs.frozen(kw_only=True)
class Members:
    """A mechanic's optional members, each read once with its declared default.

    Attributes:
        bound: Its ``bound`` method, or ``None``.
        bound_is_exact: Its ``bound_is_exact``, default false.
        rate: Its ``rate`` method, or ``None``.
        floor: Its ``floor`` method, or ``None``.
        validate: Its ``validate`` method, or ``None``.
        testing_profile: The module its ``testing_profile`` names, or ``None``.
        laws: Its extra ``laws``, default none.
        params_strategy: Its ``params_strategy`` method, or ``None``.
        campaigns_strategy: Its ``campaigns_strategy`` method, or ``None``.
        refs_strategy: Its ``refs_strategy`` method, or ``None``.
        carts_strategy: Its ``carts_strategy`` method, or ``None``.
    """

    bound: Callable[[Context], Money] | None
    bound_is_exact: bool
    rate: Callable[[Campaign, Money], Fraction | None] | None
    floor: Callable[[Campaign], Floor | None] | None
    validate: Callable[[Campaign], Sequence[Problem]] | None
    testing_profile: str | None
    laws: tuple[Any, ...]
    params_strategy: Callable[[str], Any] | None
    campaigns_strategy: Callable[[Any], Any] | None
    refs_strategy: Callable[[Campaign], Any] | None
    carts_strategy: Callable[[Campaign], Any] | None


def _member(mechanic: object, name: str) -> Any:
    value = getattr(mechanic, name, None)
    return _BY_NAME[name].default if value is None else value


def members_of(mechanic: object) -> Members:
    """Read the optional members of ``mechanic``, with the declared defaults for those it lacks.

    A member set to ``None`` counts as absent. The values are not checked here:
    [`check_mechanic`][promocore.mechanic.check_mechanic] does that.
    """
    optional = {m.name: _member(mechanic, m.name) for m in MEMBERS if not m.required}
    optional["bound_is_exact"] = bool(optional["bound_is_exact"])
    optional["laws"] = tuple(optional["laws"])
    return Members(**optional)


def check_mechanic(mechanic: object) -> list[str]:
    """Check ``mechanic`` against every member of [`MEMBERS`][promocore.mechanic.MEMBERS].

    Returns:
        One sentence per problem, each naming the member (``member 'stage': must be a
        Stage, got 'lunch'``); none for a sound mechanic.
    """
    problems: list[str] = []
    for member in MEMBERS:
        value = getattr(mechanic, member.name, None)
        if value is None:
            if member.required:
                problems.append(f"member {member.name!r} is required: {member.summary}")
            continue
        problem = _member_problem(member, value)
        if problem:
            problems.append(f"member {member.name!r}: {problem}")
    return problems


def _member_problem(member: Member, value: Any) -> str | None:
    if member.kind == "method":
        return _arity_problem(member, value)
    name = member.name
    if name == "name":
        ok = isinstance(value, str) and bool(value.strip())
        return None if ok else f"must be a non-empty string, got {value!r}"
    if name == "stage":
        if isinstance(value, Stage):
            return None
        stages = ", ".join(s.name for s in Stage)
        return f"must be a Stage ({stages}), got {value!r}"
    if name == "params_type":
        return None if isinstance(value, type) else f"must be a class, got {value!r}"
    if name == "bound_is_exact":
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if name == "testing_profile":
        ok = isinstance(value, str) and all(p.isidentifier() for p in value.split("."))
        return None if ok else f"must be a dotted module name, got {value!r}"
    if name == "laws":
        ok = isinstance(value, tuple | list | frozenset | set)
        return None if ok else f"must be a tuple of laws, got {value!r}"
    return None  # pragma: no cover - every attribute member is checked above


def _arity_problem(member: Member, value: Any) -> str | None:
    arguments = ", ".join(member.arguments)
    if not callable(value):
        return f"must be a method taking ({arguments}), got {value!r}"
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return None
    try:
        signature.bind(*member.arguments)
    except TypeError:
        given = ", ".join(signature.parameters)
        return f"must take ({arguments}), but it takes ({given})"
    return None


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
