"""Hand-checked coupon templates and lifecycle transitions."""

from datetime import timedelta
from decimal import Decimal

import pytest

from promocore.campaign import Audience, CustomerKind, Schedule
from promocore.cart import Customer
from promocore.errors import PromocoreError, ValidationError
from promocore.games.coupons import (
    Claim,
    CouponClaimed,
    CouponExpired,
    CouponIssued,
    CouponLocked,
    CouponLockedError,
    CouponNotUsableError,
    CouponOffer,
    CouponOwnerError,
    CouponRedeemed,
    CouponReleased,
    CouponStateError,
    CouponStatus,
    CouponTemplate,
    Expire,
    Lock,
    Redeem,
    Release,
    Validity,
    derive_code,
    expired,
    issue,
    normalize_code,
    transition,
)

from .builders import NOW, WEEK, amount_template, cny, held

HOUR = timedelta(hours=1)


def test_offer_needs_exactly_one_discount() -> None:
    with pytest.raises(ValidationError, match="exactly one of amount_off and percent_off"):
        CouponOffer()
    with pytest.raises(ValidationError, match="exactly one"):
        CouponOffer(amount_off=cny("5"), percent_off=Decimal(10))
    with pytest.raises(ValidationError, match="max_off: only used with percent_off"):
        CouponOffer(amount_off=cny("5"), max_off=cny("3"))
    with pytest.raises(ValidationError, match=r"percent_off: must be > 0 and <= 100"):
        CouponOffer(percent_off=Decimal(120))


def test_offer_discount_and_threshold() -> None:
    offer = CouponOffer(percent_off=Decimal(15), max_off=cny("20"), threshold=cny("100"))
    assert offer.needs(cny("88.00")) == cny("12.00")
    assert offer.needs(cny("100.00")) == cny("0")
    assert offer.discount(cny("100.00")) == cny("15.00")
    assert offer.discount(cny("99.99")) == cny("14.99")  # 14.9985 rounded down
    assert offer.discount(cny("500.00")) == cny("20.00")  # the cap
    assert CouponOffer(amount_off=cny("30")).discount(cny("12.00")) == cny("12.00")
    assert CouponOffer(amount_off=cny("5")).describe() == "无门槛¥5.00"
    assert CouponOffer(amount_off=cny("20"), threshold=cny("99")).describe() == "满¥99.00减¥20.00"


def test_template_validation_names_every_field() -> None:
    with pytest.raises(ValidationError) as info:
        CouponTemplate("", "", CouponOffer(amount_off=cny("5")), WEEK, 0, per_customer=0)
    paths = {p.path for p in info.value.problems}
    assert paths == {"id", "name", "issue_quantity", "per_customer"}
    with pytest.raises(ValidationError, match="offer: amounts must be in USD"):
        CouponTemplate("t", "t", CouponOffer(amount_off=cny("5")), WEEK, 1, currency="USD")


def test_validity_fixed_or_relative() -> None:
    assert WEEK.window(NOW) == (NOW, NOW + timedelta(days=7))
    fixed = Validity.fixed(NOW + timedelta(days=3), starts_at=NOW + timedelta(days=1))
    assert fixed.window(NOW) == (NOW + timedelta(days=1), NOW + timedelta(days=3))
    with pytest.raises(ValidationError, match="give ends_at"):
        Validity()
    with pytest.raises(ValidationError, match="not both"):
        Validity(ends_at=NOW, days=3)
    with pytest.raises(ValidationError, match="ends_at: must be after starts_at"):
        Validity.fixed(NOW, starts_at=NOW)


def test_claim_refusals() -> None:
    template = amount_template(
        "new",
        "10",
        audience=Audience(customers=CustomerKind.NEW),
        claim_window=Schedule(NOW, NOW + timedelta(days=1)),
    )
    assert template.refusal(Customer("u", is_new=True), NOW) is None
    assert template.refusal(Customer("u", is_new=False), NOW) == "for new customers only"
    assert template.refusal(Customer("u", is_new=True), NOW - HOUR) == "claiming has not started"
    assert template.refusal(Customer("u", is_new=True), NOW + timedelta(days=2)) == (
        "claiming has ended"
    )


def test_full_life_issue_claim_lock_redeem() -> None:
    template = amount_template("t", "20", "99")
    coupon, events = issue(template, "CODE1", "req-1", NOW)
    assert coupon.status is CouponStatus.ISSUED and coupon.owner is None
    assert events == (CouponIssued("CODE1", "t", NOW),)

    coupon, events = transition(coupon, Claim("u1"), NOW)
    assert coupon.status is CouponStatus.CLAIMED
    assert (coupon.valid_from, coupon.valid_until) == (NOW, NOW + timedelta(days=7))
    assert events == (CouponClaimed("CODE1", "u1", NOW, NOW + timedelta(days=7), NOW),)

    coupon, events = transition(coupon, Lock("o1", "u1", NOW + HOUR), NOW)
    assert coupon.status is CouponStatus.LOCKED and coupon.locked_by == "o1"
    assert events == (CouponLocked("CODE1", "o1", NOW),)

    coupon, events = transition(coupon, Redeem("o1"), NOW)
    assert coupon.status is CouponStatus.REDEEMED and coupon.orders == ("o1",)
    assert events == (CouponRedeemed("CODE1", "o1", 0, NOW),)
    assert coupon.uses_left == 0


def test_repeats_change_nothing() -> None:
    coupon = held(amount_template("t", "5"))
    assert transition(coupon, Claim("u1"), NOW) == (coupon, ())
    locked, _ = transition(coupon, Lock("o1", "u1"), NOW)
    assert transition(locked, Lock("o1", "u1"), NOW) == (locked, ())
    redeemed, _ = transition(locked, Redeem("o1"), NOW)
    assert transition(redeemed, Redeem("o1"), NOW) == (redeemed, ())
    assert transition(coupon, Release("o9"), NOW) == (coupon, ())


def test_illegal_moves_are_typed() -> None:
    coupon = held(amount_template("t", "5"))
    with pytest.raises(CouponStateError, match="does not hold it; lock it first"):
        transition(coupon, Redeem("o1"), NOW)
    with pytest.raises(CouponOwnerError):
        transition(coupon, Claim("u2"), NOW)
    with pytest.raises(CouponOwnerError, match="belongs to another customer"):
        transition(coupon, Lock("o1", "u2"), NOW)
    locked, _ = transition(coupon, Lock("o1", "u1"), NOW)
    with pytest.raises(CouponLockedError, match="locked in unpaid order o1"):
        transition(locked, Lock("o2", "u1"), NOW)
    redeemed, _ = transition(locked, Redeem("o1"), NOW)
    with pytest.raises(CouponStateError, match="cannot be released"):
        transition(redeemed, Release("o1"), NOW)
    with pytest.raises(CouponStateError, match="already used up"):
        transition(redeemed, Expire(), NOW + timedelta(days=30))
    with pytest.raises(CouponNotUsableError, match="usable from"):
        transition(coupon, Lock("o2", "u1"), NOW + timedelta(days=7))
    with pytest.raises(CouponStateError, match="not expired yet"):
        transition(coupon, Expire(), NOW)
    error = CouponStateError("X", "claimed", "m")
    assert isinstance(error, PromocoreError) and isinstance(error, ValueError)


def test_release_returns_the_coupon_or_expires_it() -> None:
    coupon = held(amount_template("t", "5"))
    locked, _ = transition(coupon, Lock("o1", "u1"), NOW)
    released, events = transition(locked, Release("o1"), NOW + HOUR)
    assert released.status is CouponStatus.CLAIMED and released.locked_by is None
    assert events == (CouponReleased(coupon.code, "o1", NOW + HOUR),)
    late = NOW + timedelta(days=8)
    gone, events = transition(locked, Release("o1"), late)
    assert gone.status is CouponStatus.EXPIRED
    assert events == (CouponReleased(coupon.code, "o1", late), CouponExpired(coupon.code, late))


def test_locked_coupon_may_be_paid_after_its_window() -> None:
    coupon = held(amount_template("t", "5"))
    locked, _ = transition(coupon, Lock("o1", "u1"), NOW + timedelta(days=6, hours=23))
    with pytest.raises(CouponStateError, match="expires if the order releases it"):
        transition(locked, Expire(), NOW + timedelta(days=8))
    paid, _ = transition(locked, Redeem("o1"), NOW + timedelta(days=7, minutes=5))
    assert paid.status is CouponStatus.REDEEMED


def test_multi_use_coupon_returns_to_claimed_until_used_up() -> None:
    template = amount_template("t", "5", uses_per_code=2)
    coupon, _ = transition(held(template), Lock("o1", "u1"), NOW)
    coupon, events = transition(coupon, Redeem("o1"), NOW)
    assert coupon.status is CouponStatus.CLAIMED and coupon.uses_left == 1
    assert events == (CouponRedeemed(coupon.code, "o1", 1, NOW),)
    with pytest.raises(CouponStateError, match="already redeemed in order o1"):
        transition(coupon, Lock("o1", "u1"), NOW)
    coupon, _ = transition(coupon, Lock("o2", "u1"), NOW)
    coupon, events = transition(coupon, Redeem("o2"), NOW)
    assert coupon.status is CouponStatus.REDEEMED and coupon.orders == ("o1", "o2")
    assert events == (CouponRedeemed(coupon.code, "o2", 0, NOW),)


def test_issued_codes_expire_at_the_claim_deadline() -> None:
    template = amount_template(
        "t", "5", validity=Validity.fixed(NOW + timedelta(days=3)), claim_window=Schedule()
    )
    coupon, _ = issue(template, "CODE", "req", NOW)
    assert coupon.claim_until == NOW + timedelta(days=3)
    assert not expired(coupon, NOW)
    assert expired(coupon, NOW + timedelta(days=3))
    with pytest.raises(CouponNotUsableError, match="could be claimed until"):
        transition(coupon, Claim("u1"), NOW + timedelta(days=3))
    gone, events = transition(coupon, Expire(), NOW + timedelta(days=3))
    assert gone.status is CouponStatus.EXPIRED and gone.owner is None
    assert events == (CouponExpired("CODE", NOW + timedelta(days=3)),)


def test_lock_must_outlast_now() -> None:
    with pytest.raises(ValidationError, match="until: a lock must last beyond now"):
        transition(held(amount_template("t", "5")), Lock("o1", "u1", NOW), NOW)


def test_codes_are_stable_and_forgiving() -> None:
    code = derive_code("t", "req-1")
    assert code == derive_code("t", "req-1") and len(code) == 12
    assert derive_code("t", "req-1", attempt=1) != code
    assert derive_code("t", "req-2") != code
    assert not set(code) & set("ILOU")
    assert normalize_code(" ab-cd io ") == "ABCD10"
