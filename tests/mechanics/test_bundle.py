"""``bundle``: hand-computed 套餐 prices, the best sets checked against brute force."""

from __future__ import annotations

import itertools
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.campaign import Limits, Scope
from promocore.cart import Cart, Customer, LineItem
from promocore.errors import ValidationError
from promocore.mechanics import BundleGroup, BundleParams
from promocore.money import Money
from promocore.quote import Reason
from tests.core.builders import NOW, cny
from tests.mechanics.shapes import campaign, goods, off, quote


def tee_and_mug(**reward: object) -> BundleParams:
    return BundleParams([BundleGroup({"TEE"}), BundleGroup({"MUG"})], **reward)  # type: ignore[arg-type]


def test_a_fixed_bundle_price_repeats_and_spreads_exactly() -> None:
    # 2 tees at ¥169 and 2 mugs at ¥45.50, 套餐 tee + mug for ¥199: two sets.
    # Each set saves 169 + 45.50 - 199 = 15.50; two save 31.00, spread by base
    # (338.00 : 91.00): 31 × 338/429 = 24.424… → 24.42, the mugs 6.58.
    cart = goods(("TEE", "169.00", 2), ("MUG", "45.50", 2))
    q = quote(cart, campaign("bundle", tee_and_mug(price=cny("199"))))
    assert q.applied_amount("bundle") == cny("31.00")
    assert off(q) == {"TEE": "24.42", "MUG": "6.58"}
    assert q.total == cny("398.00")  # two sets at ¥199


def test_the_dearest_units_fill_the_sets() -> None:
    # Tees at ¥169 and ¥99, one mug: one set; the ¥169 tee goes in it (saves 15.50),
    # not the ¥99 one (which would cost more in the set than alone).
    cart = goods(("TEE", "169.00", 1), ("MUG", "45.50", 1), ("TEE-B", "99.00", 1))
    params = BundleParams([BundleGroup({"TEE", "TEE-B"}), BundleGroup({"MUG"})], price=cny("199"))
    q = quote(cart, campaign("bundle", params))
    assert q.applied_amount("bundle") == cny("15.50")
    assert "TEE-B" not in off(q)


def test_a_set_costing_more_than_its_units_is_not_formed() -> None:
    # Second tee is ¥120: a second set would be 120 + 45.50 = 165.50 < 199; one set only.
    cart = goods(("TEE", "169.00", 1), ("TEE-B", "120.00", 1), ("MUG", "45.50", 2))
    params = BundleParams([BundleGroup({"TEE", "TEE-B"}), BundleGroup({"MUG"})], price=cny("199"))
    q = quote(cart, campaign("bundle", params))
    assert q.applied_amount("bundle") == cny("15.50")


def test_any_three_for_99_and_a_percent_and_an_amount_off() -> None:
    # 99元任选3件: five units at 40, 40, 35, 30, 30: one set of the three dearest (115 → 99).
    cart = goods(("A", "40.00", 2), ("B", "35.00", 1), ("C", "30.00", 2))
    anything = BundleParams([BundleGroup(quantity=3)], price=cny("99"))
    assert quote(cart, campaign("bundle", anything)).applied_amount("bundle") == cny("16.00")
    # 20% off a tee + a mug set: (169 + 45.50) × 20% = 42.90.
    cart = goods(("TEE", "169.00", 1), ("MUG", "45.50", 1))
    pct = tee_and_mug(percent_off=Decimal("20"))
    assert quote(cart, campaign("bundle", pct)).applied_amount("bundle") == cny("42.90")
    flat = tee_and_mug(amount_off=cny("30"))
    assert quote(cart, campaign("bundle", flat)).applied_amount("bundle") == cny("30.00")


def test_max_sets_and_the_unit_limit_cap_the_sets() -> None:
    cart = goods(("TEE", "100.00", 3), ("MUG", "50.00", 3))
    capped = tee_and_mug(amount_off=cny("10"), max_sets=2)
    assert quote(cart, campaign("bundle", capped)).applied_amount("bundle") == cny("20.00")
    limited = campaign("bundle", tee_and_mug(amount_off=cny("10")), limits=Limits(per_order=3))
    assert quote(cart, limited).applied_amount("bundle") == cny("10.00")  # 3 units: 1 set


def test_a_missing_part_is_explained_with_a_hint() -> None:
    # No mug: the message says what is missing; no line of the cart could be added to.
    q = quote(goods(("TEE", "169.00", 2)), campaign("bundle", tee_and_mug(amount_off=cny("30"))))
    assert q.reason("bundle") == Reason.BELOW_THRESHOLD
    (item,) = q.not_applied
    assert "add 1 more of MUG for a set" in item.message
    assert not q.hints
    # A set of a tee and two mugs, one mug in the cart: one more mug forms it.
    params = BundleParams(
        [BundleGroup({"TEE"}), BundleGroup({"MUG"}, quantity=2)], amount_off=cny("30")
    )
    q = quote(goods(("TEE", "169.00", 1), ("MUG", "45.50", 1)), campaign("bundle", params))
    (hint,) = q.hints
    assert hint.add_quantity == 1 and hint.extra_saving == cny("30.00")
    assert hint.message == "bundle: add 1 more of MUG for a set (TEE + 2 × MUG, ¥30.00 off)"


def test_an_exclusive_bundle_takes_the_units_it_uses() -> None:
    # One set uses one of the two tees: the discount covers that unit only.
    cart = goods(("TEE", "169.00", 2), ("MUG", "45.50", 1))
    bundle = campaign("bundle", tee_and_mug(price=cny("199")), exclusive_group="g")
    q = quote(cart, bundle)
    (tee,) = [line for line in q.lines if line.sku == "TEE"]
    assert tee.adjustments[0].units == 1


def test_params_refuse_two_rewards_and_an_unnamed_group_beside_others() -> None:
    with pytest.raises(ValidationError) as caught:
        BundleParams([BundleGroup({"TEE"})], price=cny("1"), amount_off=cny("1"))
    assert {p.path for p in caught.value.problems} == {""}
    with pytest.raises(ValidationError) as caught:
        BundleParams([BundleGroup(), BundleGroup({"MUG"})], price=cny("1"))
    assert {p.path for p in caught.value.problems} == {"groups[0].skus"}


def test_groups_sharing_skus_get_the_assignment_best_for_the_customer() -> None:
    # 2 items of {TEE, POLO} + 1 of {POLO, CAP} for ¥200: a tee ¥150, polos ¥120 and ¥90, a
    # cap ¥20. Filling "2 of tee/polo" with the tee and the ¥120 polo and the other slot with
    # the ¥90 polo uses ¥360 of goods (160 off); the cap in it would use only ¥290.
    params = BundleParams(
        [BundleGroup({"TEE", "POLO"}, quantity=2), BundleGroup({"POLO", "CAP"})], price=cny("200")
    )
    cart = goods(("TEE", "150.00", 1), ("POLO", "120.00", 1), ("POLO-B", "90.00", 1))
    cart = attrs.evolve(
        cart,
        lines=(
            LineItem("TEE", cny("150")),
            LineItem("POLO", cny("120")),
            LineItem("POLO", cny("90")),
            LineItem("CAP", cny("20")),
        ),
    )
    q = quote(cart, campaign("bundle", params))
    assert q.applied_amount("bundle") == cny("160.00")
    assert not q.lines[3].adjustments  # the cap is not in the set


# --- brute force ------------------------------------------------------------------------

SKUS = ("A", "B", "C", "D")


def brute_force(cart: Cart, params: BundleParams) -> Money:
    """The most any choice of sets and units saves, trying every one."""
    units = [
        (i, line.sku, line.unit_price.amount)
        for i, line in enumerate(cart.lines)
        for _ in range(line.quantity)
    ]
    best = Money.zero("CNY")

    def fill(g: int, sets: int, free: frozenset[int], base: int) -> None:
        nonlocal best
        if g == len(params.groups):
            saving = params.saving(Money(base, "CNY"), sets)
            best = max(best, saving)
            return
        group = params.groups[g]
        eligible = [k for k in sorted(free) if not group.skus or units[k][1] in group.skus]
        for chosen in itertools.combinations(eligible, sets * group.quantity):
            fill(g + 1, sets, free - set(chosen), base + sum(units[k][2] for k in chosen))

    most = len(units) // params.size
    if params.max_sets is not None:
        most = min(most, params.max_sets)
    for sets in range(1, most + 1):
        fill(0, sets, frozenset(range(len(units))), 0)
    return best


@st.composite
def bundle_cases(draw: st.DrawFn) -> tuple[Cart, BundleParams]:
    lines = [  # lines of one sku may have different prices
        LineItem(
            draw(st.sampled_from(SKUS)),
            Money(draw(st.integers(1, 60)) * 100, "CNY"),
            draw(st.integers(1, 2)),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    cart = Cart("CNY", lines, Customer("u"), NOW)
    if draw(st.booleans()):
        groups = [BundleGroup(quantity=draw(st.integers(1, 3)))]
    else:  # groups may share skus
        groups = [
            BundleGroup(
                draw(st.frozensets(st.sampled_from(SKUS), min_size=1, max_size=3)),
                quantity=draw(st.integers(1, 2)),
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
    kind = draw(st.sampled_from(["price", "amount_off", "percent_off"]))
    if kind == "percent_off":
        reward: dict[str, object] = {kind: Decimal(draw(st.integers(1, 100)))}
    else:
        reward = {kind: Money(draw(st.integers(1, 120)) * 100, "CNY")}
    params = BundleParams(groups, max_sets=draw(st.none() | st.integers(1, 3)), **reward)  # type: ignore[arg-type]
    return cart, params


@settings(max_examples=100, deadline=None)
@given(bundle_cases())
def test_the_bundle_saves_what_the_best_choice_of_units_saves(
    case: tuple[Cart, BundleParams],
) -> None:
    cart, params = case
    q = quote(cart, campaign("bundle", params))
    assert q.applied_amount("bundle") == brute_force(cart, params)
    assert sum(line.discount.amount for line in q.lines) == q.applied_amount("bundle").amount


def test_exclusive_shapes_of_two_groups_do_not_share_units() -> None:
    # Two tees at ¥100 and a mug at ¥50, at the order stage: 买一送一 on tees (group a)
    # uses both tees, the paid one too, so the tee + mug set for ¥120 (group b) finds no
    # free tee. 100 off beats the set's 30 off with 买一送一 out of the tees: the best
    # combination is the multibuy alone.
    from promocore.campaign import Stage
    from promocore.mechanics import MultibuyParams

    cart = goods(("TEE", "100.00", 2), ("MUG", "50.00", 1))
    bogo = campaign("multibuy", MultibuyParams(), "bogo", stage=Stage.ORDER, exclusive_group="a")
    bogo = attrs.evolve(bogo, scope=Scope(skus={"TEE"}))
    bundle = campaign("bundle", tee_and_mug(price=cny("120")), "set", exclusive_group="b")
    q = quote(cart, bogo, bundle)
    assert q.applied_amount("bogo") == cny("100.00")
    assert q.reason("set") == Reason.UNITS_TAKEN
    assert q.total == cny("150.00")
