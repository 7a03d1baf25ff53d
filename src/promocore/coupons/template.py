"""Coupon templates (券模板): what a batch of coupons offers, to whom, how many and how long."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from promocore.campaign import Audience, Schedule
from promocore.cart import Customer, check_aware
from promocore.coupons.offer import CouponOffer
from promocore.money import Money
from promocore.validation import Checks


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
