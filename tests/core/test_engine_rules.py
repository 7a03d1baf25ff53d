"""Hand-checked pricing rules."""

from decimal import Decimal

import pytest

from promocore.campaign import (
    Audience,
    Budget,
    Campaign,
    CustomerKind,
    Gift,
    Limits,
    Schedule,
    Scope,
    Stage,
    Tier,
)
from promocore.engine import Engine, price
from promocore.errors import ValidationError
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import Basis, Mode, TieredDiscountParams
from promocore.money import Money
from promocore.quote import Reason
from promocore.selection import Selection

from .builders import NOW, cart, cny, ladder, line, percent_off

D11 = (("300.00", "50.00"), ("500.00", "100.00"))


def every(
    cid: str, step: str, off: str, cap: str | None = None, group: str | None = None
) -> Campaign:
    params = TieredDiscountParams(
        mode=Mode.EVERY, step=cny(step), amount_off=cny(off), cap=cny(cap) if cap else None
    )
    return Campaign(cid, cid, "tiered_discount", params, exclusive_group=group)


def test_ladder_takes_the_best_tier_met_and_hints_the_next() -> None:
    quote = price(cart(line("A", "120.00", 3)), [ladder("d11", *D11)])
    assert quote.discount == cny("50.00")
    assert quote.total == cny("310.00")
    (hint,) = quote.hints
    assert hint.add_amount == cny("140.00") and hint.extra_saving == cny("50.00")


def test_ladder_below_threshold_explains_the_gap() -> None:
    quote = price(cart(line("A", "250.00")), [ladder("d11", *D11)])
    assert quote.discount == cny("0")
    assert quote.reason("d11") == Reason.BELOW_THRESHOLD
    (hint,) = quote.hints
    assert hint.add_amount == cny("50.00") and hint.extra_saving == cny("50.00")
    assert "¥50.00" in hint.message


def test_every_step_repeats_up_to_the_cap() -> None:
    quote = price(cart(line("A", "250.00")), [every("e", "100.00", "10.00", "30.00")])
    assert quote.discount == cny("20.00")
    (hint,) = quote.hints
    assert hint.add_amount == cny("50.00") and hint.extra_saving == cny("10.00")
    capped = price(cart(line("A", "990.00")), [every("e", "100.00", "10.00", "30.00")])
    assert capped.discount == cny("30.00") and capped.hints == ()


def test_quantity_basis_percent_tier() -> None:
    params = TieredDiscountParams(basis=Basis.QUANTITY, tiers=(Tier(2, percent_off=Decimal("10")),))
    campaign = Campaign("two-for-90", "满2件9折", "tiered_discount", params)
    one = price(cart(line("A", "100.00")), [campaign])
    assert one.reason("two-for-90") == Reason.BELOW_THRESHOLD
    assert one.hints[0].add_quantity == 1 and one.hints[0].extra_saving == cny("20.00")
    two = price(cart(line("A", "100.00"), line("B", "55.55")), [campaign])
    assert two.discount == cny("15.56")  # 10% of 155.55, half up
    assert [adj.amount for ln in two.lines for adj in ln.adjustments] == [cny("10.00"), cny("5.56")]


def test_gift_with_purchase_adds_a_zero_priced_line() -> None:
    gift = Tier(cny("199.00"), gifts=(Gift("TOTE", 1, "canvas tote", list_price=cny("39.00")),))
    campaign = Campaign("gift", "满199赠", "tiered_discount", TieredDiscountParams(tiers=(gift,)))
    quote = price(cart(line("A", "199.00")), [campaign])
    assert quote.total == cny("199.00")
    assert [(ln.sku, ln.total, ln.gift_of) for ln in quote.lines][-1] == ("TOTE", cny("0"), "gift")
    assert quote.applied[0].gifts == (("TOTE", 1),)


def test_price_off_variants() -> None:
    c = cart(line("A", "10.00", 3))
    assert price(c, [percent_off("p", "15")]).discount == cny("4.50")
    amount = Campaign("a", "a", "price_off", PriceOffParams(amount_off=cny("2.00")))
    assert price(c, [amount]).discount == cny("6.00")
    fixed = Campaign("f", "f", "price_off", PriceOffParams(unit_price=cny("7.99")))
    assert price(c, [fixed]).discount == cny("6.03")
    above = Campaign("h", "h", "price_off", PriceOffParams(unit_price=cny("12.00")))
    assert price(c, [above]).reason("h") == Reason.NO_DISCOUNT


def test_per_order_unit_limit() -> None:
    limited = percent_off("p", "50", limits=Limits(per_order=2))
    quote = price(cart(line("A", "10.00", 3), line("B", "4.00", 2)), [limited])
    assert quote.discount == cny("10.00")
    quote = price(cart(line("A", "10.00", 1), line("B", "4.00", 2)), [limited])
    assert quote.discount == cny("7.00")


def test_scope_with_exclusions() -> None:
    scoped = ladder("d", ("100.00", "10.00"), scope=Scope(exclude_categories=frozenset({"food"})))
    quote = price(cart(line("A", "80.00", 1, "apparel"), line("B", "50.00", 1, "food")), [scoped])
    assert quote.reason("d") == Reason.BELOW_THRESHOLD
    assert quote.hints[0].add_amount == cny("20.00")


def test_every_reason_code() -> None:
    c = cart(line("A", "100.00", 1, "x"), tier="silver")
    late = ladder("late", ("1.00", "1.00"), schedule=Schedule(starts_at=NOW.replace(hour=11)))
    over = ladder("over", ("1.00", "1.00"), schedule=Schedule(ends_at=NOW))
    gold = ladder("gold", ("1.00", "1.00"), audience=Audience(tiers=frozenset({"gold"})))
    new = ladder("new", ("1.00", "1.00"), audience=Audience(customers=CustomerKind.NEW))
    scope = ladder("scope", ("1.00", "1.00"), scope=Scope(categories=frozenset({"y"})))
    below = ladder("below", ("500.00", "1.00"))
    broke = ladder("broke", ("1.00", "1.00"), budget=Budget(cny("10.00")))
    used = ladder("used", ("1.00", "1.00"), limits=Limits(per_customer=1))
    win = ladder("win", ("1.00", "5.00"), group="g")
    lose = ladder("lose", ("1.00", "2.00"), group="g")
    usd = Campaign(
        "usd", "usd", "price_off", PriceOffParams(percent_off=Decimal(1)), currency="USD"
    )
    quote = price(
        c,
        [late, over, gold, new, scope, below, broke, used, win, lose, usd],
        budgets={"broke": cny("0")},
        usage={"used": 1},
    )
    reasons = {n.campaign: n.reason for n in quote.not_applied}
    assert reasons == {
        "late": "not_started",
        "over": "ended",
        "gold": "audience_mismatch",
        "new": "audience_mismatch",
        "scope": "out_of_scope",
        "below": "below_threshold",
        "broke": "budget_exhausted",
        "used": "limit_reached",
        "lose": "lost_in_exclusive_group",
        "usd": "currency_mismatch",
    }
    assert [a.campaign for a in quote.applied] == ["win"]
    assert all(n.message for n in quote.not_applied)


def test_budget_grants_exactly_what_is_left() -> None:
    budgeted = ladder("d11", *D11, budget=Budget(cny("20000.00")))
    c = cart(line("A", "200.00", 1), line("B", "150.00", 1))
    full = price(c, [budgeted])
    assert full.budget_draws[0].amount == cny("50.00")
    last = price(c, [budgeted], budgets={"d11": cny("12.34")})
    assert last.discount == cny("12.34")
    assert last.applied[0].budget_capped
    assert last.budget_draws[0].amount == cny("12.34")
    assert sum(adj.amount.amount for ln in last.lines for adj in ln.adjustments) == 1234


def test_exclusive_units_are_not_reused_and_best_combination_wins() -> None:
    # A: 50% off one unit (group g1). B: 10% off every unit (group g2). 3 units of ¥100.
    a = percent_off("a", "50", group="g1", limits=Limits(per_order=1))
    b = percent_off("b", "10", group="g2")
    quote = price(cart(line("A", "100.00", 3)), [b, a])
    assert quote.discount == cny("70.00")  # 50 on one unit, 10% of the other two
    units = {adj.campaign: adj.units for adj in quote.lines[0].adjustments}
    assert units == {"a": 1, "b": 2}


def test_best_combination_can_skip_the_first_candidate() -> None:
    # 'a' (priority) takes all units for a small saving; 'b' alone saves more.
    a = percent_off("a", "5", group="g1", priority=5)
    b = percent_off("b", "30", group="g2")
    best = price(cart(line("A", "100.00", 2)), [a, b])
    assert best.discount == cny("60.00")
    assert best.reason("a") == Reason.UNITS_TAKEN
    prio = price(cart(line("A", "100.00", 2)), [a, b], selection=Selection.PRIORITY)
    assert prio.discount == cny("10.00")


def test_stages_price_what_the_previous_left() -> None:
    member = percent_off("member", "10")
    d = ladder("d", ("300.00", "50.00"))
    quote = price(cart(line("A", "330.00")), [member, d])
    # 330 - 33 = 297 payable: below the 300 tier at the order stage
    assert quote.reason("d") == Reason.BELOW_THRESHOLD
    assert quote.hints[0].add_amount == cny("3.00")


def test_campaign_stage_override() -> None:
    coupon_stage = ladder("late", ("100.00", "10.00"), stage=Stage.COUPON)
    quote = price(cart(line("A", "100.00")), [coupon_stage])
    assert quote.applied[0].stage is Stage.COUPON


def test_engine_refuses_bad_campaign_sets_with_paths() -> None:
    bad = Campaign("x", "x", "no_such_mechanic", None)
    wrong_params = Campaign(
        "y", "y", "price_off", TieredDiscountParams(tiers=(Tier(cny("1"), amount_off=cny("1")),))
    )
    with pytest.raises(ValidationError) as info:
        Engine([bad, wrong_params, percent_off("z", "1"), percent_off("z", "2")])
    paths = [p.path for p in info.value.problems]
    assert paths == ["campaigns[0].mechanic", "campaigns[1].params", "campaigns[3].id"]


def test_price_refuses_missing_or_naive_time() -> None:
    c = cart(line("A", "1.00"))
    import attrs

    with pytest.raises(ValidationError, match="at"):
        price(attrs.evolve(c, at=None), [])
    with pytest.raises(ValidationError, match="budgets"):
        price(c, [], budgets={"x": cny("-1.00")})
    with pytest.raises(ValidationError, match="usage"):
        price(c, [], usage={"x": -1})


def test_engine_considers_only_relevant_campaigns_unless_asked() -> None:
    other = ladder("other", ("1.00", "1.00"), scope=Scope(skus=frozenset({"ZZZ"})))
    engine = Engine([other, ladder("all", ("1.00", "1.00"))])
    c = cart(line("A", "10.00"))
    assert [n.campaign for n in engine.price(c).not_applied] == []
    assert engine.price(c, explain_all=True).reason("other") == Reason.OUT_OF_SCOPE


def test_taking_some_units_divides_the_base_exactly() -> None:
    from promocore.mechanic import LineView

    view = LineView(0, line("A", "100.00", 3), cny("300.00"), 3, cny("300.00"))
    assert view.take(1).base == cny("100.00")
    assert view.take(2).base == cny("200.00")
    assert view.unit_base == cny("100.00")
    odd = LineView(0, line("A", "1.00", 3), cny("1.00"), 3, cny("1.00"))
    assert odd.take(1).base == Money(33, "CNY")  # rounded down
