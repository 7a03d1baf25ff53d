"""What a coupon takes off an order, and on which lines."""

from __future__ import annotations

from decimal import Decimal

import attrs

from promocore.campaign import Scope
from promocore.money import Money, Rounding
from promocore.validation import Checks


@attrs.frozen
class CouponOffer:
    """The discount a coupon gives; give exactly one of ``amount_off`` and ``percent_off``.

    Attributes:
        amount_off: A fixed amount off (立减券), never more than the lines in scope
            have left to pay.
        percent_off: Percent off what the lines in scope have left to pay (折扣券;
            ``"20"`` is 8折).
        max_off: The most a percent coupon takes off.
        threshold: The lines in scope must have at least this much left to pay
            (满X可用); ``None`` or zero means no threshold (无门槛).
        scope: The lines the coupon covers (skus or categories, with exclusions);
            empty covers every line.
        stacks_with_order: Whether the coupon may be used on lines an order-stage
            campaign (满减, 满折) already discounted.
        allow_free_order: Whether the coupon may bring the order to zero; by
            default at least one minor unit stays payable.
        rounding: How a percent discount is rounded to the minor unit.
    """

    amount_off: Money | None = None
    percent_off: Decimal | None = None
    max_off: Money | None = None
    threshold: Money | None = None
    scope: Scope = attrs.field(factory=Scope)
    stacks_with_order: bool = True
    allow_free_order: bool = False
    rounding: Rounding = Rounding.DOWN

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if (self.amount_off is None) == (self.percent_off is None):
            checks.add("", "give exactly one of amount_off and percent_off")
        if self.amount_off is not None:
            checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
            checks.check(self.max_off is None, "max_off", "only used with percent_off")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        if self.max_off is not None:
            checks.check(self.max_off.amount > 0, "max_off", "must be > 0")
        if self.threshold is not None:
            checks.check(self.threshold.amount >= 0, "threshold", "must be >= 0")
        currencies = {m.currency for m in self.amounts()}
        checks.check(len(currencies) <= 1, "", "every amount must be in one currency")
        checks.raise_if_any()

    def amounts(self) -> tuple[Money, ...]:
        """The amounts the offer names (to check their currency)."""
        named = (self.amount_off, self.max_off, self.threshold)
        return tuple(m for m in named if m is not None)

    def needs(self, base: Money) -> Money:
        """How much more the lines in scope must have left to pay to reach the threshold."""
        if self.threshold is None or base >= self.threshold:
            return Money.zero(base.currency)
        return self.threshold - base

    def discount(self, base: Money) -> Money:
        """The amount off when the lines in scope have ``base`` left to pay.

        Never more than ``base``; ignores the threshold (see
        [`needs`][promocore.coupons.offer.CouponOffer.needs]).
        """
        if self.amount_off is not None:
            return self.amount_off.min(base)
        assert self.percent_off is not None
        amount = base.percent(self.percent_off, self.rounding).min(base)
        return amount if self.max_off is None else amount.min(self.max_off)

    def describe(self) -> str:
        """A short label: ``满¥99.00减¥20.00``, ``无门槛¥5.00``, ``满¥200.00 15% off``."""
        if self.threshold is None or self.threshold.amount == 0:
            head = "无门槛"
        else:
            head = f"满{self.threshold.display()}"
        if self.amount_off is not None:
            joiner = "减" if head != "无门槛" else ""
            return f"{head}{joiner}{self.amount_off.display()}"
        cap = f" (max {self.max_off.display()})" if self.max_off is not None else ""
        return f"{head} {self.percent_off}% off{cap}"
