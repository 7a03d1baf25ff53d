"""``add_on``: 加价购, add-on skus at a special price once the rest of the order reaches a bar.

The threshold is measured over the lines in scope that are not add-on skus (what they have
left to pay); each offer's sku is then sold at its ``price`` for at most ``quantity`` units
per order, the dearest units first. The scope must cover the add-on skus too (the default
scope covers everything). When the threshold is met but no add-on is in the cart, or fewer
units than allowed, the hints say what the customer can add.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from promocore._typed import tuple_of, typed_fields
from promocore.campaign import Campaign, Stage
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Floor, LineDiscount, Mechanic, Proposal, Upsell
from promocore.mechanics._units import base_of, ranked
from promocore.money import Money, total
from promocore.quote import Reason
from promocore.validation import Checks

#: The reason an add-on campaign gives when the threshold is met and no add-on is in the cart.
NO_ADD_ON = "no_add_on"


@attrs.frozen
@typed_fields
class AddOnOffer:
    """One add-on: ``sku`` at ``price``, at most ``quantity`` units per order.

    Attributes:
        sku: The add-on's sku.
        price: Its special price per unit.
        quantity: At most this many units per order at that price.
        list_price: Its usual price, for the hints of carts without it (optional).
    """

    sku: str
    price: Money
    quantity: int = 1
    list_price: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.sku.strip()), "sku", "must not be empty")
        checks.check(self.price.amount >= 0, "price", "must be >= 0")
        checks.check(1 <= self.quantity <= 10_000, "quantity", "must be >= 1 and <= 10000")
        if self.list_price is not None:
            checks.check(self.list_price > self.price, "list_price", "must be above price")
        checks.raise_if_any()

    def words(self, units: int | None = None) -> str:
        """The offer in words (``MUG-1 at ¥9.90 (up to 1)``)."""
        return f"{self.sku} at {self.price.display()} (up to {units or self.quantity})"


def _offers(items: Iterable[AddOnOffer]) -> tuple[AddOnOffer, ...]:
    return tuple_of(items)


@attrs.frozen
@typed_fields
class AddOnParams:
    """Params of ``add_on``.

    Attributes:
        threshold: What the other lines in scope must have left to pay.
        offers: The add-ons, one per sku.
    """

    threshold: Money
    offers: tuple[AddOnOffer, ...] = attrs.field(converter=_offers)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.threshold.amount > 0, "threshold", "must be > 0")
        checks.check(bool(self.offers), "offers", "give at least one add-on")
        checks.check(len(self.offers) <= 100, "offers", "at most 100 add-ons")
        seen: dict[str, int] = {}
        for i, offer in enumerate(self.offers):
            if offer.sku in seen:
                checks.add(f"offers[{i}].sku", f"also offers[{seen[offer.sku]}]")
            seen.setdefault(offer.sku, i)
            if offer.price.currency != self.threshold.currency:
                checks.add(f"offers[{i}].price", "must be in the threshold's currency")
        checks.raise_if_any()

    @property
    def skus(self) -> frozenset[str]:
        """The add-on skus."""
        return frozenset(offer.sku for offer in self.offers)


def _qualifying(params: AddOnParams, context: Context) -> Money:
    skus = params.skus
    amounts = (v.base for v in context.lines if v.line.sku not in skus and not v.line.is_shipping)
    return total(amounts, context.currency)


def _discounts(params: AddOnParams, context: Context) -> tuple[list[LineDiscount], dict[str, int]]:
    """The add-on units bought at their price, and the units each offer still allows."""
    left = context.unit_limit
    discounts: list[LineDiscount] = []
    room: dict[str, int] = {}
    for offer in params.offers:
        allowed = offer.quantity if left is None else min(offer.quantity, left)
        for view in ranked(v for v in context.lines if v.line.sku == offer.sku):
            units = min(view.units, allowed)
            if units <= 0:
                break
            base = base_of(view, units)
            amount = base.with_amount(max(base.amount - offer.price.amount * units, 0))
            if amount.amount:
                discounts.append(LineDiscount(view.index, amount, units, base))
                allowed -= units
                if left is not None:
                    left -= units
        room[offer.sku] = allowed
    discounts.sort(key=lambda d: d.index)
    return discounts, room


def _list_saving(offer: AddOnOffer, units: int, context: Context) -> Money:
    """What ``units`` more of the offer would save: by its list price, or the cart's price."""
    prices = [v.line.unit_price for v in context.lines if v.line.sku == offer.sku]
    price = offer.list_price if offer.list_price is not None else (max(prices) if prices else None)
    if price is None or price <= offer.price:
        return context.zero()
    return (price - offer.price) * units


def _upsell(
    saving: Money, message: str, *, add_amount: Money | None = None, add_quantity: int | None = None
) -> Upsell | None:
    """The hint, when what it saves is known (a list price, or the add-on's price in the cart)."""
    if saving.amount <= 0:
        return None
    return Upsell(saving, add_amount=add_amount, add_quantity=add_quantity, message=message)


def _more(params: AddOnParams, context: Context, room: dict[str, int]) -> Upsell | None:
    """More units of an add-on the cart holds, up to its quantity: the one saving the most."""
    if context.unit_limit is not None:
        return None  # the units left are shared with the other add-ons
    best: tuple[Money, AddOnOffer, int] | None = None
    for offer in params.offers:
        units = room.get(offer.sku, 0)
        prices = [v.line.unit_price for v in context.lines if v.line.sku == offer.sku]
        if units <= 0 or not prices:
            continue
        saving = (max(prices) - offer.price) * units
        if saving.amount > 0 and (best is None or saving > best[0]):
            best = (saving, offer, units)
    if best is None:
        return None
    saving, offer, units = best
    return Upsell(saving, add_quantity=units, message=f"you may add {offer.words(units)}")


def _absent(params: AddOnParams, context: Context, listed: Money) -> Upsell | None:
    """The add-ons the cart does not hold, named, when their list prices tell the saving."""
    held = {v.line.sku for v in context.lines}
    absent = [o for o in params.offers if o.sku not in held]
    saving = total((_list_saving(o, o.quantity, context) for o in absent), context.currency)
    if not absent or saving.amount <= 0:
        return None
    return _upsell(saving, "you may add " + "; ".join(o.words() for o in absent))


@attrs.frozen
class AddOn:
    """The ``add_on`` mechanic."""

    name: str = "add_on"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = AddOnParams
    bound_is_exact: ClassVar[bool] = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Sell the add-ons at their price once the rest of the order reaches the threshold."""
        params: AddOnParams = context.campaign.params
        reached = _qualifying(params, context)
        offers = "; ".join(o.words() for o in params.offers)
        listed = total(
            (_list_saving(o, o.quantity, context) for o in params.offers), context.currency
        )
        if reached < params.threshold:
            gap = params.threshold - reached
            # the gap is in other goods: hinted as an amount when the cart holds some
            others = any(v.line.sku not in params.skus for v in context.lines)
            return Decline(
                Reason.BELOW_THRESHOLD,
                f"the items other than add-ons come to {reached.display()}, "
                f"{gap.display()} short of {params.threshold.display()}",
                _upsell(
                    listed,
                    f"add {gap.display()} more to buy {offers}",
                    add_amount=gap if others else None,
                ),
            )
        discounts, room = _discounts(params, context)
        if not discounts:
            return Decline(
                NO_ADD_ON,
                f"reached {params.threshold.display()}: you may add {offers}",
                _upsell(listed, f"you may add {offers}"),  # names skus, not an amount
            )
        saved = total((d.amount for d in discounts), context.currency)
        units_done = sum(d.units for d in discounts)
        return Proposal(
            discounts=tuple(discounts),
            message=(
                f"{context.campaign.name}: {units_done} add-on unit(s) at the special price, "
                f"{saved.display()} off"
            ),
            upsell=_more(params, context, room) or _absent(params, context, listed),
        )

    def floor(self, campaign: Campaign) -> Floor:
        """The threshold (the add-on lines count towards it: a lower floor is safe)."""
        params: AddOnParams = campaign.params
        return Floor(amount=params.threshold, units=1)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction:
        """What the cheapest add-on price saves on a unit of ``unit_price``."""
        params: AddOnParams = campaign.params
        price = unit_price.amount
        if price <= 0:
            return Fraction(0)
        cheapest = min(offer.price.amount for offer in params.offers)
        return max(Fraction(price - cheapest, price), Fraction(0))

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants (zero when it declines)."""
        params: AddOnParams = context.campaign.params
        if _qualifying(params, context) < params.threshold:
            return context.zero()
        return total((d.amount for d in _discounts(params, context)[0]), context.currency)


MECHANIC: Mechanic = AddOn()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``add_on``."""
    return [MECHANIC]
