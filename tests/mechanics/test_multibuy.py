"""``multibuy``: 第二件半价, 买N免一 and buy X get Y, hand-computed and against brute force."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.campaign import Limits, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.errors import ValidationError
from promocore.mechanics import Discounted, MultibuyParams
from promocore.money import Money
from promocore.quote import Reason
from tests.core.builders import NOW, cny
from tests.mechanics.shapes import campaign, goods, off, quote


def test_second_half_price_on_two_units() -> None:
    # 第二件半价 on two tees at ¥169: the second is 84.50 off.
    q = quote(
        goods(("TEE", "169.00", 2)), campaign("multibuy", MultibuyParams(percent_off=Decimal(50)))
    )
    assert q.applied_amount("multibuy") == cny("84.50")
    assert q.applied[0].stage is Stage.ITEM


def test_the_cheapest_unit_of_each_set_is_the_discounted_one() -> None:
    # 买二免一 over 100, 80, 60, 50, 40, 30: sets {100, 80, 60} and {50, 40, 30}; 60 and 30 free.
    cart = goods(
        ("A", "100.00", 1), ("B", "80.00", 1), ("C", "60.00", 1),
        ("D", "50.00", 1), ("E", "40.00", 1), ("F", "30.00", 1),
    )  # fmt: skip
    q = quote(cart, campaign("multibuy", MultibuyParams(buy=2, get=1)))
    assert off(q) == {"C": "60.00", "F": "30.00"}


def test_the_dearest_rule_frees_the_dearest_units() -> None:
    cart = goods(("A", "100.00", 1), ("B", "80.00", 1), ("C", "60.00", 1), ("D", "50.00", 1))
    params = MultibuyParams(buy=1, get=1, discounted=Discounted.DEAREST)
    q = quote(cart, campaign("multibuy", params))
    assert off(q) == {"A": "100.00", "B": "80.00"}


def test_third_unit_at_70_percent_per_sku_and_capped() -> None:
    # 同款第3件7折 (30% off), per sku: 4 tees at ¥100 (one set: 30.00), 2 mugs (no set).
    cart = goods(("TEE", "100.00", 4), ("MUG", "45.00", 2))
    params = MultibuyParams(buy=2, get=1, percent_off=Decimal(30), per_sku=True)
    q = quote(cart, campaign("multibuy", params))
    assert off(q) == {"TEE": "30.00"}
    # 6 tees make two sets; max_sets = 1 keeps one.
    six = goods(("TEE", "100.00", 6))
    capped = MultibuyParams(buy=2, get=1, percent_off=Decimal(30), max_sets=1)
    assert quote(six, campaign("multibuy", capped)).applied_amount("multibuy") == cny("30.00")


def test_buy_x_get_y_of_other_skus_at_a_fixed_price() -> None:
    # Buy 2 tees, get a mug for ¥1: 3 tees, 2 mugs at 45 and 39 → one set; the cheapest
    # mug (39) is the one at ¥1: 38.00 off.
    cart = goods(("TEE", "100.00", 3), ("MUG", "45.00", 1), ("MUG-B", "39.00", 1))
    params = MultibuyParams(buy=2, get=1, unit_price=cny("1"), get_skus={"MUG", "MUG-B"})
    q = quote(cart, campaign("multibuy", params))
    assert off(q) == {"MUG-B": "38.00"}


def test_the_per_order_limit_counts_discounted_units() -> None:
    cart = goods(("TEE", "100.00", 6))
    limited = campaign("multibuy", MultibuyParams(), limits=Limits(per_order=2))
    assert quote(cart, limited).applied_amount("multibuy") == cny("200.00")  # 2 free of 3 sets


def test_one_unit_short_is_explained_with_a_hint() -> None:
    q = quote(
        goods(("TEE", "100.00", 1)), campaign("multibuy", MultibuyParams(percent_off=Decimal(50)))
    )
    assert q.reason("multibuy") == Reason.BELOW_THRESHOLD
    assert "1 more unit(s) needed" in q.not_applied[0].message
    (hint,) = q.hints
    assert hint.add_quantity == 1 and hint.extra_saving == cny("50.00")


def test_an_exclusive_multibuy_takes_the_units_its_sets_use() -> None:
    # 买一送一 and 10% off in one exclusive group over 3 tees at ¥100: the multibuy (100
    # off, using 2 units) plus nothing on the third beats 10% of all (30); the paid unit of
    # the set is taken too, so the percent campaign cannot have it.
    from tests.core.builders import percent_off

    cart = goods(("TEE", "100.00", 3))
    bogo = campaign("multibuy", MultibuyParams(), exclusive_group="g")
    q = quote(cart, bogo, percent_off("pct", "10", group="g"))
    assert q.applied_amount("multibuy") == cny("100.00")
    assert q.reason("pct") == Reason.LOST_IN_EXCLUSIVE_GROUP


def test_params_refuse_two_rewards_and_per_sku_with_get_skus() -> None:
    with pytest.raises(ValidationError) as caught:
        MultibuyParams(
            buy=0, percent_off=Decimal(5), unit_price=cny("1"), per_sku=True, get_skus="M"
        )
    assert {p.path for p in caught.value.problems} == {"buy", "unit_price", "per_sku"}


# --- brute force ------------------------------------------------------------------------


def brute_force(cart: Cart, params: MultibuyParams) -> int:
    """The most any split of the units into sets saves under the params' rule."""
    prices = sorted(
        (line.unit_price.amount for line in cart.lines for _ in range(line.quantity)), reverse=True
    )
    size = params.size
    best = 0

    def saving_of(members: list[int]) -> int:
        ordered = sorted(members, reverse=params.discounted is Discounted.DEAREST)
        discounted = ordered[: params.get]
        return sum(params.off(Money(p, "CNY"), 1).amount for p in discounted)

    def split(left: list[int], sets: int, saved: int) -> None:
        nonlocal best
        best = max(best, saved)
        if params.max_sets is not None and sets >= params.max_sets:
            return
        if len(left) < size:
            return
        # every set of `size` units among those left, the first of them always included
        # or skipped (so each split is tried once)
        first, rest = left[0], left[1:]
        split(rest, sets, saved)  # the first unit stays out of every set
        from itertools import combinations

        for others in combinations(range(len(rest)), size - 1):
            members = [first, *(rest[k] for k in others)]
            remaining = [rest[k] for k in range(len(rest)) if k not in others]
            split(remaining, sets + 1, saved + saving_of(members))

    split(prices, 0, 0)
    return best


@st.composite
def multibuy_cases(draw: st.DrawFn) -> tuple[Cart, MultibuyParams]:
    count = draw(st.integers(1, 4))
    lines = [
        LineItem(f"S{i}", Money(draw(st.integers(1, 50)) * 200, "CNY"), draw(st.integers(1, 2)))
        for i in range(count)
    ]
    cart = Cart("CNY", lines, Customer("u"), NOW)
    kind = draw(st.sampled_from(["free", "half", "price"]))
    reward: dict[str, object] = {}
    if kind == "half":
        reward["percent_off"] = Decimal(50)
    elif kind == "price":
        reward["unit_price"] = Money(draw(st.integers(0, 40)) * 100, "CNY")
    params = MultibuyParams(
        buy=draw(st.integers(1, 2)),
        get=draw(st.integers(1, 2)),
        discounted=draw(st.sampled_from(Discounted)),
        max_sets=draw(st.none() | st.integers(1, 2)),
        **reward,  # type: ignore[arg-type]
    )
    return cart, params


@settings(max_examples=60, deadline=None)
@given(multibuy_cases())
def test_the_multibuy_saves_what_the_best_split_into_sets_saves(
    case: tuple[Cart, MultibuyParams],
) -> None:
    cart, params = case
    q = quote(cart, campaign("multibuy", params))
    assert q.applied_amount("multibuy").amount == brute_force(cart, params)
