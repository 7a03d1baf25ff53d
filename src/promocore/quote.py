"""The result of pricing a cart: a [`Quote`][promocore.quote.Quote] that explains every decision."""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from promocore.campaign import Stage
from promocore.money import Money, total


class Reason(enum.StrEnum):
    """Why a campaign did not apply. Mechanics may add codes of their own."""

    NOT_STARTED = "not_started"
    """The moment priced is before the campaign (or its window) starts."""
    ENDED = "ended"
    """The moment priced is at or after the campaign's (or its window's) end."""
    AUDIENCE_MISMATCH = "audience_mismatch"
    """The customer is not in the campaign's audience (tier, segment, new or returning)."""
    OUT_OF_SCOPE = "out_of_scope"
    """No line of the cart is covered by the campaign's scope."""
    BELOW_THRESHOLD = "below_threshold"
    """The lines in scope do not reach the first threshold; a hint may say by how much."""
    BUDGET_EXHAUSTED = "budget_exhausted"
    """Nothing is left of the campaign's budget."""
    LIMIT_REACHED = "limit_reached"
    """A per-customer or per-order limit is used up."""
    LOST_IN_EXCLUSIVE_GROUP = "lost_in_exclusive_group"
    """Another campaign of the same exclusive group saves the customer more."""
    UNITS_TAKEN = "units_taken"
    """Its lines are used by an exclusive campaign, or closed to its stage."""
    CURRENCY_MISMATCH = "currency_mismatch"
    """The campaign is priced in another currency than the cart."""
    NO_DISCOUNT = "no_discount"
    """It applies but grants nothing here (the price is already at or below its offer)."""
    NOT_REFERENCED = "not_referenced"
    """No line refers to it (a bargain session, a group-buy team, a presale order)."""
    INELIGIBLE = "ineligible"
    """The mechanic's own rules exclude the cart (the message says which)."""


@attrs.frozen
class Adjustment:
    """A discount one campaign gives one line (a positive amount off).

    Attributes:
        campaign: Id of the campaign.
        amount: The amount off the line.
        stage: The stage it was given at.
        units: How many of the line's units it covers, when the mechanic says.
    """

    campaign: str
    amount: Money
    stage: Stage
    units: int | None = None


@attrs.frozen
class QuoteLine:
    """One priced line.

    Attributes:
        index: Position of the line in the cart (gift lines come after the cart's lines).
        sku: The line's sku.
        quantity: Units on the line.
        unit_price: List price of one unit.
        adjustments: Discounts, in the order they were applied.
        gift_of: For a gift line, the campaign that granted it.
    """

    index: int
    sku: str
    quantity: int
    unit_price: Money
    adjustments: tuple[Adjustment, ...] = ()
    gift_of: str | None = None

    @property
    def subtotal(self) -> Money:
        """List price times quantity (zero for a gift)."""
        return self.unit_price * self.quantity

    @property
    def discount(self) -> Money:
        """Sum of the adjustments."""
        return total((a.amount for a in self.adjustments), self.unit_price.currency)

    @property
    def total(self) -> Money:
        """What the customer pays for this line."""
        return self.subtotal - self.discount


def _sorted_items(
    detail: Mapping[str, Any] | Iterable[tuple[str, Any]],
) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(dict(detail).items()))


@attrs.frozen
class Effect:
    """Something a campaign causes that is not a price: a commission, points, a coupon granted.

    Attributes:
        campaign: Id of the campaign.
        kind: What it is (``"commission"``, ``"points_earned"``…), named by its mechanic.
        amount: The amount it is about, when it has one (the commission, what points
            were earned on, the deposit due), as its mechanic documents.
        detail: More facts as sorted ``(key, value)`` pairs (a mapping is accepted).
        value: What it gives away, valued in money (points at the program's worth per
            point, a coupon at its declared cost or face value, cash back, a commission);
            ``None`` if it gives nothing (a payment, a qualification). An effect with a
            value is a [`Grant`][promocore.quote.Grant] of its campaign: budgets count it,
            and a budget too short for it leaves it out.
    """

    campaign: str
    kind: str
    amount: Money | None = None
    detail: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_sorted_items)
    value: Money | None = None


class GrantKind(enum.StrEnum):
    """What a grant is. An effect's grant takes the effect's own kind, which may be any code."""

    DISCOUNT = "discount"
    """An amount off one line, valued at the amount."""
    GIFT = "gift"
    """Gift units (满赠), valued at their declared cost, else their list price."""
    POINTS = "points_earned"
    """Points earned, valued at the program's declared worth per point."""
    COUPON = "coupon_granted"
    """A coupon granted for later, valued at its declared cost, else its face value."""
    CASH_BACK = "cash_back"
    """Money returned to the customer after the order."""
    COMMISSION = "commission"
    """A distribution commission paid to promoters."""


@attrs.frozen(kw_only=True)
class Grant:
    """One thing a campaign gives, valued in money; every budget counts it.

    A quote lists its grants in ``Quote.grants``: one per line discount (the campaign's
    adjustment of one line), one per gift line, one per effect with a value.

    Attributes:
        campaign: Id of the campaign that gives it.
        kind: A [`GrantKind`][promocore.quote.GrantKind] code, or the kind of the effect
            giving it.
        value: What it is worth, in the quote's currency (never negative).
        stage: The stage it was given at.
        line: The quote line it is on: the discounted line, or the gift line; ``None``
            for an effect that names no line, and for a grant that was withheld.
        sku: The sku of that line, or the gift's; ``None`` if there is none.
        quantity: Units: the gift units, or the units a discount covers; ``None`` if
            not counted in units.
    """

    campaign: str
    kind: str
    value: Money
    stage: Stage
    line: int | None = None
    sku: str | None = None
    quantity: int | None = None


@attrs.frozen(kw_only=True)
class Withheld:
    """A grant a campaign would have given that a cap left out, and why.

    Attributes:
        grant: What was not given (for gifts, the units that did not fit).
        reason: A [`Reason`][promocore.quote.Reason] code (``budget_exhausted``).
        message: Why, in words.
    """

    grant: Grant
    reason: str
    message: str


@attrs.frozen
class Applied:
    """A campaign that applied, with what it gave in all.

    Attributes:
        campaign: Id of the campaign.
        name: Its name.
        stage: The stage it ran at.
        amount: What it took off the cart in all (the sum of its adjustments).
        message: One sentence saying what it did.
        budget_capped: Whether its budget ran short, so it gave less than it would have.
        gifts: Gift lines it added, as ``(sku, quantity)`` pairs.
        arms: The experiment arms it was served by, as sorted ``(experiment, arm)`` pairs:
            the ``experiment_arm`` conditions of the campaign that the customer met
            (written as an object, ``{"manjian-d11": "treatment"}``).
    """

    campaign: str
    name: str
    stage: Stage
    amount: Money
    message: str = ""
    budget_capped: bool = False
    gifts: tuple[tuple[str, int], ...] = ()
    arms: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class Gap:
    """What would make an unmet campaign condition hold, where something would.

    Attributes:
        text: The gap in words (``"add 1 more item"``, ``"starts Wednesday 00:00"``).
        add_amount: How much more (list price, in scope) the cart needs, for an amount.
        add_quantity: How many more units (or different skus) the cart needs.
        starts_at: The next moment the condition holds, for a time window, in the
            campaign's time zone.
    """

    text: str
    add_amount: Money | None = None
    add_quantity: int | None = None
    starts_at: datetime | None = None


@attrs.frozen
class NotApplied:
    """A campaign that was considered and did not apply, with a reason code and message.

    Attributes:
        campaign: Id of the campaign.
        name: Its name.
        stage: The stage it would have run at.
        reason: A [`Reason`][promocore.quote.Reason] code, or a code of its mechanic's own.
        message: Why, in words (``"d11-ladder in group 'store' saves more"``).
        gap: For an unmet campaign condition, what would make it hold, if anything would.
    """

    campaign: str
    name: str
    stage: Stage
    reason: str
    message: str
    gap: Gap | None = None


@attrs.frozen
class Hint:
    """How much more to buy to reach a campaign's next reward, and what it would save.

    Attributes:
        campaign: Id of the campaign.
        extra_saving: What the customer would save beyond this quote.
        add_amount: How much more payable to add, on an amount threshold.
        add_quantity: How many more units to add, on a quantity threshold.
        message: The hint in words (``"add ¥133.40 more to save ¥50.00 more"``).
    """

    campaign: str
    extra_saving: Money
    add_amount: Money | None = None
    add_quantity: int | None = None
    message: str = ""


@attrs.frozen
class BudgetDraw:
    """What a quote would draw from a campaign's budget: the value of all its grants.

    Attributes:
        campaign: Id of the campaign whose budget it draws on.
        amount: The total value the campaign grants in the quote (discounts, gifts and
            valued effects); reserve it through a ledger at checkout.
    """

    campaign: str
    amount: Money


#: What works out a quote's ``not_applied`` and ``hints`` when they are first read.
Explain = Callable[[], tuple[tuple[NotApplied, ...], tuple[Hint, ...]]]
_LATER = ("not_applied", "hints")
_pending: dict[int, Explain] = {}


@attrs.frozen
class Quote:
    """A priced cart: lines, totals, applied and not-applied campaigns, hints, budget draws.

    The engine leaves ``not_applied`` and ``hints`` to be worked out the first time either
    is read, so that pricing does not pay for explanations nobody reads. They are ordinary
    tuple fields all the same: reading, comparing, hashing, printing, copying, pickling or
    converting a quote reads them, with the same content as if built at once.

    Attributes:
        currency: The cart's currency.
        at: The moment it was priced at.
        lines: Every line with its adjustments, the cart's lines first, then gift lines.
        applied: The campaigns that applied, in the order they ran.
        not_applied: The campaigns considered that did not apply, each with a reason.
        hints: What adding to the cart would earn.
        budget_draws: What the quote would take from each campaign budget: the total
            value of the campaign's grants.
        effects: What the campaigns cause besides prices (commissions, points, coupons).
        grants: Everything the campaigns give, each valued in money, in the order the
            campaigns applied (each campaign's discounts by line, then its gifts, then its
            valued effects). See [`Grant`][promocore.quote.Grant].
        withheld: Grants of applied campaigns that a cap left out (a gift its budget
            could not cover), each with a reason code.
        proven_optimal: False if, in some stage, the search for the exclusive campaigns
            best for the customer stopped at its budget: the quote holds the best choice
            found, which may not be the best there is, and its applied entries say so.
            True when every search finished, and in priority mode (nothing is searched).
    """

    currency: str
    at: datetime
    lines: tuple[QuoteLine, ...]
    applied: tuple[Applied, ...] = ()
    not_applied: tuple[NotApplied, ...] = ()
    hints: tuple[Hint, ...] = ()
    budget_draws: tuple[BudgetDraw, ...] = ()
    effects: tuple[Effect, ...] = ()
    proven_optimal: bool = True
    grants: tuple[Grant, ...] = ()
    withheld: tuple[Withheld, ...] = ()

    @classmethod
    def _explained_later(cls, explain: Explain, **fields: Any) -> Quote:
        """A quote whose ``not_applied`` and ``hints`` ``explain`` works out on first read.

        ``fields`` are every other field. The two are left unset; reading one finds the
        slot empty and lands in ``__getattr__``, which fills both.
        """
        quote = object.__new__(cls)
        for field in attrs.fields(cls):
            if field.name not in _LATER:
                value = fields.pop(field.name, field.default)
                if value is attrs.NOTHING:
                    raise TypeError(f"Quote needs {field.name}")
                object.__setattr__(quote, field.name, value)
        if fields:
            raise TypeError(f"unknown Quote fields: {', '.join(sorted(fields))}")
        key = id(quote)
        _pending[key] = explain
        weakref.finalize(quote, _pending.pop, key, None)
        return quote

    if not TYPE_CHECKING:  # keep attribute typos visible to the type checker

        def __getattr__(self, name: str) -> Any:
            if name not in _LATER:
                raise AttributeError(name)
            try:  # another thread may have just filled it
                return object.__getattribute__(self, name)
            except AttributeError:
                pass
            explain = _pending.get(id(self))
            if explain is None:
                return object.__getattribute__(self, name)
            not_applied, hints = explain()
            object.__setattr__(self, "not_applied", tuple(not_applied))
            object.__setattr__(self, "hints", tuple(hints))
            _pending.pop(id(self), None)
            return object.__getattribute__(self, name)

    @property
    def subtotal(self) -> Money:
        """Sum of the line subtotals."""
        return total((line.subtotal for line in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        """Sum of every discount."""
        return total((line.discount for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        """What the customer pays: the sum of the line totals."""
        return total((line.total for line in self.lines), self.currency)

    def applied_amount(self, campaign: str) -> Money:
        """What ``campaign`` gave in this quote (zero if it did not apply)."""
        for item in self.applied:
            if item.campaign == campaign:
                return item.amount
        return Money.zero(self.currency)

    def granted(self, campaign: str | None = None) -> Money:
        """The total value of the grants of ``campaign``, or of every campaign."""
        return total(
            (g.value for g in self.grants if campaign is None or g.campaign == campaign),
            self.currency,
        )

    @property
    def arms(self) -> tuple[tuple[str, str], ...]:
        """Every ``(experiment, arm)`` pair an applied campaign was served by, sorted."""
        return tuple(sorted({pair for item in self.applied for pair in item.arms}))

    def reason(self, campaign: str) -> str | None:
        """The reason code ``campaign`` did not apply, or ``None``."""
        for item in self.not_applied:
            if item.campaign == campaign:
                return item.reason
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the quote as JSON-ready data in the human profile.

        Amounts are strings in major units of ``currency`` (``"383.50"``); the
        totals of the quote and of each line are written beside the fields; an
        effect's ``detail`` is an object whose amounts are listed in
        ``detail_amounts``. See [`promocore.serialize`][promocore.serialize].
        [`from_dict`][promocore.quote.Quote.from_dict] reads it back.
        """
        from promocore.serialize import unstructure  # here: pricing loads no cattrs

        data: dict[str, Any] = unstructure(self)
        return data

    @classmethod
    def from_dict(cls, data: object) -> Quote:
        """Read back a quote written by [`to_dict`][promocore.quote.Quote.to_dict].

        A quote stored with an order can be reloaded at checkout:
        ``Quote.from_dict(quote.to_dict()) == quote``. The totals written beside the
        fields are checked against the lines, so an edited quote is refused.

        Raises:
            ValidationError: every problem found, each with its path
                (``lines[0].total: is 277.31 by its price, quantity and adjustments,
                not 270.00``).
        """
        from promocore.serialize import structure  # here: pricing loads no cattrs

        return structure(cls, data)
