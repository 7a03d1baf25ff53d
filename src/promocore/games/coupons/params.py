"""The terms of coupons: what a coupon takes off, its template, the mechanic's params.

A [`CouponTemplate`][promocore.games.coupons.params.CouponTemplate] (券模板) says what its coupons
take off ([`CouponOffer`][promocore.games.coupons.params.CouponOffer]), on which lines, for whom,
how many may be issued and for how long they stay valid
([`Validity`][promocore.games.coupons.params.Validity]).
[`CouponParams`][promocore.games.coupons.params.CouponParams] are what the ``coupon`` mechanic
prices: one held coupon.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from promocore._typed import typed_fields
from promocore.campaign import Audience, Schedule, Scope
from promocore.cart import Customer, check_aware
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
        [`needs`][promocore.games.coupons.params.CouponOffer.needs]).
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


@attrs.frozen
class Validity:
    """When a claimed coupon may be used: fixed dates, or a number of days from the claim.

    Give ``ends_at`` (with an optional ``starts_at``) for fixed dates, or ``days``
    for a window that opens at the claim. Windows include their start and exclude
    their end.

    Attributes:
        starts_at: Fixed dates: the first moment the coupon may be used.
        ends_at: Fixed dates: the moment it expires.
        days: Relative: the coupon expires this many days after it is claimed.
    """

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    days: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_aware(checks, "starts_at", self.starts_at)
        check_aware(checks, "ends_at", self.ends_at)
        if self.days is not None:
            checks.check(self.days >= 1, "days", "must be >= 1")
            checks.check(
                self.starts_at is None and self.ends_at is None,
                "days",
                "give days, or fixed dates, not both",
            )
        elif self.ends_at is None:
            checks.add("", "give ends_at (fixed dates) or days (from the claim)")
        elif not checks.problems and self.starts_at is not None:
            checks.check(self.ends_at > self.starts_at, "ends_at", "must be after starts_at")
        checks.raise_if_any()

    @classmethod
    def fixed(cls, ends_at: datetime, starts_at: datetime | None = None) -> Validity:
        """Usable from ``starts_at`` (or the claim) until ``ends_at``."""
        return cls(starts_at=starts_at, ends_at=ends_at)

    @classmethod
    def days_after_claim(cls, days: int) -> Validity:
        """Usable for ``days`` days from the claim."""
        return cls(days=days)

    def window(self, claimed_at: datetime) -> tuple[datetime, datetime]:
        """The ``(from, until)`` window of a coupon claimed at ``claimed_at``."""
        if self.days is not None:
            return claimed_at, claimed_at + timedelta(days=self.days)
        assert self.ends_at is not None
        return self.starts_at or claimed_at, self.ends_at

    def closed_by(self, at: datetime) -> bool:
        """True if no coupon claimed at ``at`` or later could ever be used."""
        return self.ends_at is not None and at >= self.ends_at


@attrs.frozen
@typed_fields
class CouponTemplate:
    """A kind of coupon and the rules for handing it out.

    Attributes:
        id: Unique id; ledger accounts and coupon campaigns are named after it.
        name: Human name shown to customers and in explanations.
        offer: What the coupon takes off, on which lines, and how it combines.
        validity: When a claimed coupon may be used.
        issue_quantity: How many coupons may be issued in all (发行量).
        per_customer: How many coupons one customer may claim (每人限领).
        currency: Currency of the offer's amounts.
        audience: Who may claim and use it (new customers only, member tiers).
        claim_window: When customers may claim it.
        uses_per_code: How many orders one coupon may be used in; 1 is single-use.
        stack_group: Coupons of one group compete (one per order); coupons of
            different groups (a shop coupon and a platform coupon) may combine.
        priority: Breaks ties between coupons saving the same amount: higher first.
    """

    id: str
    name: str
    offer: CouponOffer
    validity: Validity
    issue_quantity: int
    per_customer: int = 1
    currency: str = "CNY"
    audience: Audience = attrs.field(factory=Audience)
    claim_window: Schedule = attrs.field(factory=Schedule)
    uses_per_code: int = 1
    stack_group: str = "default"
    priority: int = 0

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id.strip()), "id", "must not be empty")
        checks.check(":" not in self.id, "id", "must not contain ':'")
        checks.check(bool(self.name.strip()), "name", "must not be empty")
        checks.check(self.issue_quantity >= 1, "issue_quantity", "must be >= 1")
        checks.check(self.per_customer >= 1, "per_customer", "must be >= 1")
        checks.check(self.uses_per_code >= 1, "uses_per_code", "must be >= 1")
        checks.check(bool(self.stack_group.strip()), "stack_group", "must not be empty")
        try:
            Money.zero(self.currency)
        except ValueError as exc:
            checks.add("currency", str(exc))
        else:
            for amount in self.offer.amounts():
                checks.check(
                    amount.currency == self.currency,
                    "offer",
                    f"amounts must be in {self.currency}, got {amount.currency}",
                )
        checks.raise_if_any()

    def refusal(self, customer: Customer, at: datetime) -> str | None:
        """Why ``customer`` may not claim at ``at`` (the claim limit aside), or ``None``."""
        if self.claim_window.not_started(at):
            return "claiming has not started"
        if self.claim_window.ended(at) or self.validity.closed_by(at):
            return "claiming has ended"
        return self.audience.mismatch(customer)


#: Name of the mechanic that prices coupons.
COUPON_MECHANIC = "coupon"


@attrs.frozen
@typed_fields
class CouponParams:
    """Params of the ``coupon`` mechanic.

    Attributes:
        offer: What the coupon takes off, on which lines, and how it combines.
        code: The coupon's code (empty for a campaign written by hand).
        locked_by: The other unpaid order holding the coupon, if any: the coupon
            is then shown but not used.
    """

    offer: CouponOffer
    code: str = ""
    locked_by: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.locked_by is not None:
            checks.check(bool(self.locked_by.strip()), "locked_by", "must not be empty")
        checks.raise_if_any()
