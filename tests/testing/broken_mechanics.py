"""Mechanics with deliberate bugs, to prove the laws catch them."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.errors import ValidationError
from promocore.mechanic import Context, Decline, LineDiscount, Proposal, Upsell, spread
from promocore.money import Money, minor_units
from promocore.quote import Effect, GrantKind
from promocore.testing import register_profile


@attrs.frozen
class FlatOffParams:
    """A fixed amount off every line."""

    amount_off: Money


@attrs.frozen
class FlatOffEveryLine:
    """Takes ``amount_off`` off each line, forgetting to cap it at what the line costs."""

    name: str = "flat_off_every_line"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = FlatOffParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        params: FlatOffParams = context.campaign.params
        discounts = tuple(
            LineDiscount(view.index, params.amount_off, view.units) for view in context.lines
        )
        return Proposal(discounts=discounts, message="flat off")


@attrs.frozen
class EmptyParams:
    """No params."""


@attrs.frozen
class SilentDecline:
    """Declines without saying why."""

    name: str = "silent_decline"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        return Decline("Nope!", "")


_calls = itertools.count()


@attrs.frozen
class Moody:
    """Gives one minor unit off every other time it is asked."""

    name: str = "moody"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        view = context.lines[0]
        if next(_calls) % 2 or view.base.amount == 0:
            return Decline("no_discount", "not today")
        return Proposal((LineDiscount(view.index, Money(1, context.currency), 1),), "a fen off")


_seen: set[tuple[str, int]] = set()


@attrs.frozen
class WelcomeOnce:
    """Gives one minor unit off an item the first time it sees it, remembering in a module set."""

    name: str = "welcome_once"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        view = context.lines[0]
        key = (view.line.sku, view.line.unit_price.amount)
        if key in _seen or view.base.amount == 0:
            return Decline("no_discount", "welcomed before")
        _seen.add(key)
        return Proposal((LineDiscount(view.index, Money(1, context.currency), 1),), "welcome")


#: The planted percent mechanics' rate: 15% off.
PERCENT = Decimal(15)


def _percent_of(amount: Money) -> Money:
    """15% of ``amount``, half up, worked out in Decimal: what the planted mechanics promise."""
    exact = Decimal(amount.amount) * PERCENT / 100
    return amount.with_amount(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


@attrs.frozen
class PercentEachLine:
    """Takes 15% off the order, half up, but rounds each line's share on its own.

    Three lines of 0.10 get 0.02 each (0.015 rounded up), 0.06 in all, where 15% of 0.30 is
    0.05: a minor unit created. Its quote still adds up, so only a reference catches it.
    """

    name: str = "percent_each_line"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        discounts = tuple(
            LineDiscount(view.index, _percent_of(view.base), view.units)
            for view in context.lines
            if _percent_of(view.base).amount
        )
        if not discounts:
            return Decline("no_discount", "nothing to take 15% off")
        return Proposal(discounts, "15% off the order")


def _order_percent(context: Context) -> Money:
    return _percent_of(context.base)


register_profile("percent_each_line", reference=_order_percent)


@attrs.frozen
class ThresholdParams:
    """满 ``threshold`` 减 ``amount_off``."""

    threshold: Money
    amount_off: Money

    def __attrs_post_init__(self) -> None:
        if self.threshold.amount <= 0 or self.amount_off.amount <= 0:
            raise ValidationError.single("threshold", "threshold and amount_off must be > 0")


@attrs.frozen
class ThresholdOffByOne:
    """满减 whose threshold needs one minor unit more than it says, in one currency exponent.

    ``wrong_exponent`` is the number of decimals of the currencies it gets wrong (0 for yen,
    2 for yuan, 3 for dinars); in the others it is right.
    """

    name: str = "threshold_off_by_one"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = ThresholdParams
    wrong_exponent: int = 0

    def evaluate(self, context: Context) -> Proposal | Decline:
        params: ThresholdParams = context.campaign.params
        base = context.base
        if minor_units(base.currency) == self.wrong_exponent:
            reached = base > params.threshold
        else:
            reached = base >= params.threshold
        if not reached:
            gap = params.threshold - base
            saving = params.amount_off.min(params.threshold)
            return Decline(
                "below_threshold",
                f"spend {params.threshold.display()}",
                Upsell(extra_saving=saving, add_amount=gap.max(Money(1, base.currency))),
            )
        amount = params.amount_off.min(base)
        return Proposal(spread(amount, context.lines), f"{amount.display()} off")

    def params_strategy(self, currency: str) -> Any:
        from hypothesis import strategies as st

        amounts = st.integers(1, 50_000).map(lambda n: Money(n, currency))
        return st.builds(ThresholdParams, threshold=amounts, amount_off=amounts)


@attrs.frozen
class BoundTooLow:
    """One minor unit off every unit, with a bound of one minor unit whatever the units."""

    name: str = "bound_too_low"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        discounts = tuple(
            LineDiscount(
                view.index, Money(min(view.units, view.base.amount), context.currency), view.units
            )
            for view in context.lines
            if view.base.amount
        )
        if not discounts:
            return Decline("no_discount", "nothing left to pay")
        return Proposal(discounts, "a minor unit off every unit")

    def bound(self, context: Context) -> Money:
        return Money(1, context.currency)


@attrs.frozen
class CashBack:
    """Pays 15% of the order back after it, as a ``cash_back`` effect worth that much.

    ``declares_value=False`` is the planted bug: the effect says what it is about but not
    what it gives away, so no budget counts the money.
    """

    name: str = "cash_back_15"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = EmptyParams
    declares_value: bool = True

    def evaluate(self, context: Context) -> Proposal | Decline:
        back = _percent_of(context.base)
        if not back.amount:
            return Decline("no_discount", "nothing to pay back")
        value = back if self.declares_value else None
        effect = Effect(context.campaign.id, GrantKind.CASH_BACK, back, value=value)
        return Proposal(effects=(effect,), message=f"{back.display()} back after the order")
