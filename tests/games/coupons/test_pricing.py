"""Hand-checked pricing of held coupons through the engine."""

from datetime import timedelta

import attrs
import pytest

from promocore.campaign import Audience, Campaign, CustomerKind, Scope, Stage
from promocore.engine import price
from promocore.games.coupons import (
    CouponTemplate,
    Lock,
    UnknownTemplateError,
    Validity,
    campaign_id,
    code_of,
    coupon_campaigns,
    transition,
    used_codes,
)
from promocore.games.coupons.mechanic import MECHANIC, CouponReason
from promocore.mechanic import Context, Decline, LineView, Proposal
from promocore.quote import Adjustment, Reason

from .builders import (
    NOW,
    amount_template,
    cart,
    cny,
    held,
    ladder,
    line,
    percent_template,
)

T20 = amount_template("t20", "20", "99")
T10 = amount_template("t10", "10")
T30 = amount_template("t30", "30", "300")


def coupons_for(*templates: CouponTemplate, owner: str = "u1") -> tuple[Campaign, ...]:
    coupons = [held(t, owner) for t in templates]
    return coupon_campaigns(templates, coupons, customer_id=owner)


def test_best_coupon_wins_and_the_others_are_explained() -> None:
    quote = price(
        cart(line("A", "60.00", 2)), [*coupons_for(T20, T10, T30), ladder("mj", "100", "10")]
    )
    assert quote.total == cny("90.00")  # 120 - 10 (满100减10) - 20 (coupon)
    assert used_codes(quote) == ("C-t20",)
    assert quote.applied_amount(campaign_id("C-t20")) == cny("20.00")
    assert quote.reason(campaign_id("C-t10")) == Reason.LOST_IN_EXCLUSIVE_GROUP
    assert quote.reason(campaign_id("C-t30")) == Reason.BELOW_THRESHOLD
    lost = next(n for n in quote.not_applied if n.campaign == "coupon:C-t10")
    assert "saves more (¥20.00 vs ¥10.00)" in lost.message
    hint = next(h for h in quote.hints if h.campaign == "coupon:C-t30")
    assert hint.add_amount == cny("190.00")  # 300 - 110 left after 满减
    assert hint.extra_saving == cny("10.00")  # 30 minus the 20 the winner already gives


def test_threshold_counts_what_is_left_after_order_promotions() -> None:
    quote = price(cart(line("A", "105.00")), [*coupons_for(T20), ladder("mj", "100", "10")])
    assert quote.reason(campaign_id("C-t20")) == Reason.BELOW_THRESHOLD  # 95 < 99
    assert quote.total == cny("95.00")


def test_percent_coupon_with_cap() -> None:
    t = percent_template("p15", "15", cap="20")
    assert price(cart(line("A", "99.99")), coupons_for(t)).total == cny("85.00")  # 14.99 off
    assert price(cart(line("A", "300.00")), coupons_for(t)).total == cny("280.00")  # capped


def test_scope_and_exclusions() -> None:
    t = amount_template(
        "shoes", "50", "200", scope=Scope(categories={"shoes"}, exclude_skus={"S-LTD"})
    )
    lines = (line("S1", "150.00", 1, "shoes"), line("S-LTD", "100.00", 1, "shoes"), line("T", "80"))
    quote = price(cart(*lines), coupons_for(t))
    assert quote.reason(campaign_id("C-shoes")) == Reason.BELOW_THRESHOLD  # only 150 eligible
    quote = price(cart(line("S1", "150.00", 2, "shoes"), line("T", "80")), coupons_for(t))
    assert quote.total == cny("330.00")
    assert [a.amount for a in quote.lines[0].adjustments] == [cny("50.00")]
    assert quote.lines[1].adjustments == ()
    quote = price(cart(line("T", "80")), coupons_for(t))
    assert quote.reason(campaign_id("C-shoes")) == Reason.OUT_OF_SCOPE


def test_order_discount_is_spread_over_the_lines_in_scope_exactly() -> None:
    t = amount_template("t", "10")
    quote = price(cart(line("A", "10.00"), line("B", "20.00")), coupons_for(t))
    assert [ln.discount for ln in quote.lines] == [cny("3.33"), cny("6.67")]
    assert quote.total == cny("20.00")


def test_coupon_keeps_one_minor_unit_unless_free_orders_are_allowed() -> None:
    small = cart(line("A", "8.00"))
    assert price(small, coupons_for(amount_template("t", "10"))).total == cny("0.01")
    free = amount_template("f", "10", allow_free_order=True)
    assert price(small, coupons_for(free)).total == cny("0.00")
    quote = price(cart(line("A", "0.01")), coupons_for(amount_template("t", "10")))
    assert quote.reason(campaign_id("C-t")) == CouponReason.MIN_PAYABLE
    # other lines keep the order payable, so the coupon may take its whole line
    scoped = amount_template("s", "10", scope=Scope(skus={"A"}))
    quote = price(cart(line("A", "8.00"), line("B", "5.00")), coupons_for(scoped))
    assert quote.total == cny("5.00")


def test_new_customer_coupon_and_validity_window() -> None:
    first_order = amount_template("new", "15", audience=Audience(customers=CustomerKind.NEW))
    campaigns = coupons_for(first_order)
    assert price(cart(line("A", "50"), is_new=True), campaigns).total == cny("35.00")
    quote = price(cart(line("A", "50"), is_new=False), campaigns)
    assert quote.reason(campaign_id("C-new")) == Reason.AUDIENCE_MISMATCH
    later = amount_template(
        "later", "5", validity=Validity.fixed(NOW + timedelta(days=9), NOW + timedelta(days=2))
    )
    quote = price(cart(line("A", "50")), coupons_for(later))
    assert quote.reason(campaign_id("C-later")) == Reason.NOT_STARTED


def test_only_held_coupons_become_campaigns() -> None:
    mine, theirs = held(T10, "u1", code="MINE"), held(T10, "u2", code="THEIRS")
    campaigns = coupon_campaigns([T10], [mine, theirs], customer_id="u1")
    assert [c.id for c in campaigns] == ["coupon:MINE"]
    assert campaigns[0].stage is Stage.COUPON
    assert code_of("coupon:MINE") == "MINE" and code_of("mj") is None
    with pytest.raises(UnknownTemplateError):
        coupon_campaigns([], [mine], customer_id="u1")


def test_coupon_locked_in_another_order_is_shown_not_used() -> None:
    locked, _ = transition(held(T10), Lock("o1", "u1"), NOW)
    quote = price(cart(line("A", "50")), coupon_campaigns([T10], [locked], customer_id="u1"))
    assert quote.reason(campaign_id("C-t10")) == CouponReason.LOCKED
    same_order = coupon_campaigns([T10], [locked], customer_id="u1", order_id="o1")
    assert price(cart(line("A", "50")), same_order).total == cny("40.00")


def test_ties_go_to_the_coupon_expiring_first() -> None:
    soon = attrs.evolve(held(T10, code="SOON"), valid_until=NOW + timedelta(days=1))
    late = held(T10, code="LATE")
    campaigns = coupon_campaigns([T10], [late, soon], customer_id="u1")
    assert used_codes(price(cart(line("A", "50")), campaigns)) == ("SOON",)


def test_different_stack_groups_combine() -> None:
    shop = amount_template("shop", "10", "50", stack_group="shop")
    platform = amount_template("platform", "20", "100", stack_group="platform")
    platform_small = amount_template("platform-small", "8", "30", stack_group="platform")
    campaigns = coupons_for(shop, platform, platform_small)
    quote = price(cart(line("A", "105.00")), campaigns)
    # one coupon per group: the big platform coupon (20) and the shop coupon (10)
    assert sorted(used_codes(quote)) == ["C-platform", "C-shop"]
    assert quote.total == cny("75.00")
    assert quote.reason(campaign_id("C-platform-small")) == Reason.LOST_IN_EXCLUSIVE_GROUP
    # below the big coupon's threshold, the small one takes the platform slot
    quote = price(cart(line("A", "60.00")), campaigns)
    assert sorted(used_codes(quote)) == ["C-platform-small", "C-shop"]
    assert quote.total == cny("42.00")


def test_not_stackable_coupon_stands_aside_for_order_promotions() -> None:
    alone = amount_template("alone", "20", stacks_with_order=False)
    campaigns = [*coupons_for(alone), ladder("mj", "100", "10")]
    quote = price(cart(line("A", "120.00")), campaigns)
    assert quote.reason(campaign_id("C-alone")) == CouponReason.NOT_STACKABLE
    assert price(cart(line("A", "90.00")), campaigns).total == cny("70.00")


def test_coupon_after_an_exclusive_order_promotion() -> None:
    quote = price(cart(line("A", "120.00")), [*coupons_for(T20), ladder("mj", "100", "10", "o")])
    assert quote.total == cny("90.00")


def test_not_stackable_coupon_reads_order_adjustments_on_its_lines() -> None:
    alone = amount_template("alone", "20", stacks_with_order=False)
    (campaign,) = coupons_for(alone)
    item = line("A", "120.00")
    payable = cny("110.00")
    for stage, reason in ((Stage.ORDER, CouponReason.NOT_STACKABLE), (Stage.ITEM, None)):
        adjustment = Adjustment("mj", cny("10.00"), stage)
        view = LineView(0, item, payable, 1, payable, adjustments=(adjustment,))
        context = Context(campaign, cart(item), NOW, Stage.COUPON, (view,))
        result = MECHANIC.evaluate(context)
        if reason is None:
            assert isinstance(result, Proposal) and result.amount("CNY") == cny("20.00")
        else:
            assert isinstance(result, Decline) and result.reason == reason
