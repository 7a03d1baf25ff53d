from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.games.bargain import BargainParams, next_cut, plan_cuts
from promocore.games.bargain.cuts import jitter
from promocore.money import Money, total
from tests.games.bargain.builders import cny, terms
from tests.games.bargain.strategies import bargain_params, seeds


def amounts(cuts: tuple[Money, ...]) -> list[int]:
    return [c.amount for c in cuts]


def test_hand_checked_sequence() -> None:
    # ¥100 → ¥9.90 in 4 cuts (the initiator's and 3 helpers'), seed "s1".
    # jitters (thousandths): 1101, 1008, 967, 1149
    # cut 0: 9010 left, 4 cuts, slack 9006: 1 + ceil(9006·16·1101 / 25000) = 1 + 6346 = 6347
    # cut 1: 2663 left, 3 cuts, slack 2660: 1 + ceil(2660·12·1008 / 16000) = 1 + 2011 = 2012
    # cut 2:  651 left, 2 cuts, slack  649: 1 + ceil( 649· 8· 967 /  9000) = 1 +  558 =  559
    # cut 3:   92 left, the last cut takes all of it
    assert [jitter("s1", k) for k in range(4)] == [1101, 1008, 967, 1149]
    assert amounts(plan_cuts(terms(), "s1")) == [6347, 2012, 559, 92]


def test_no_slack_means_every_cut_is_the_minimum() -> None:
    params = terms(start_price=cny("1.00"), floor_price=cny("0.96"), helpers_needed=3)
    assert amounts(plan_cuts(params, "any")) == [1, 1, 1, 1]


def test_one_helper_without_initiator_cut_takes_the_whole_span() -> None:
    params = terms(helpers_needed=1, initiator_cuts_first=False)
    assert plan_cuts(params, "x") == (cny("90.10"),)


def test_boosted_helper_can_reach_the_floor_early() -> None:
    from decimal import Decimal

    params = terms(helpers_needed=10, new_helper_boost=Decimal("100"))
    plain = plan_cuts(params, "s")
    boosted = plan_cuts(params, "s", [True])
    assert len(plain) == 11
    assert len(boosted) == 2  # the initiator's cut, then one new helper cuts to the floor
    assert total(boosted, "CNY") == params.span


def test_next_cut_refuses_when_nothing_is_left() -> None:
    params = terms()
    with pytest.raises(ValueError):
        next_cut(params, price=params.floor_price, step=1, seed="s")
    with pytest.raises(ValueError):
        next_cut(params, price=params.start_price, step=params.cuts, seed="s")


def test_the_global_random_generator_is_not_used() -> None:
    state = random.getstate()
    plan_cuts(terms(helpers_needed=30), "seed")
    assert random.getstate() == state


@settings(max_examples=300)
@given(bargain_params(boost=False), seeds)
def test_planned_cuts_reach_the_floor_after_exactly_the_planned_helps(
    params: BargainParams, seed: str
) -> None:
    cuts = plan_cuts(params, seed)
    assert len(cuts) == params.cuts
    assert all(cut >= params.min_cut for cut in cuts)
    assert total(cuts, "CNY") == params.span
    price = params.start_price
    for cut in cuts:
        price = price - cut
        assert price >= params.floor_price
    assert price == params.floor_price
    assert plan_cuts(params, seed) == cuts


@settings(max_examples=300)
@given(bargain_params(boost=True), seeds, st.lists(st.booleans(), max_size=40))
def test_boosted_cuts_never_cross_the_floor(
    params: BargainParams, seed: str, boosts: list[bool]
) -> None:
    cuts = plan_cuts(params, seed, boosts)
    assert 1 <= len(cuts) <= params.cuts
    assert all(cut >= params.min_cut for cut in cuts)
    assert total(cuts, "CNY") == params.span


@settings(max_examples=300)
@given(bargain_params(), seeds, st.data())
def test_any_cut_leaves_the_floor_reachable(
    params: BargainParams, seed: str, data: st.DataObject
) -> None:
    # from any reachable state: a price with at least one minimum cut above the floor
    step = data.draw(st.integers(0, params.cuts - 1))
    remaining = data.draw(st.integers(params.min_cut.amount, params.span.amount))
    price = params.floor_price + Money(remaining, "CNY")
    boosted = data.draw(st.booleans())
    cut = next_cut(params, price=price, step=step, seed=seed, boosted=boosted)
    left = remaining - cut.amount
    assert cut >= params.min_cut
    assert left >= 0
    assert left == 0 or left >= params.min_cut.amount
    if step == params.cuts - 1:
        assert left == 0


@settings(max_examples=60, deadline=None)
@given(bargain_params(boost=False, max_helpers=20), st.integers(0, 10**6))
def test_early_cuts_are_larger_on_average(params: BargainParams, salt: int) -> None:
    n = params.cuts
    if n < 2:
        return
    runs = [plan_cuts(params, f"{salt}-{i}") for i in range(40)]
    mean = [sum(run[k].amount for run in runs) for k in range(n)]  # x40, same scale
    half = n // 2
    early = sum(mean[:half]) * (n - half)
    late = sum(mean[n - half :]) * half
    assert mean[0] >= mean[-1]
    assert early >= late
    slack = params.span.amount - n * params.min_cut.amount
    if slack >= n:
        assert mean[0] > mean[-1]
        assert early > late


@given(bargain_params(boost=False), st.integers(1, 10**6))
def test_a_floor_above_the_start_is_refused(params: BargainParams, above: int) -> None:
    with pytest.raises(ValidationError) as caught:
        BargainParams(
            sku="x",
            start_price=params.start_price,
            floor_price=params.start_price + Money(above, "CNY"),
            helpers_needed=params.helpers_needed,
        )
    assert [p.path for p in caught.value.problems] == ["floor_price"]


@given(bargain_params(boost=False), st.integers(1, 1000))
def test_more_minimum_cuts_than_the_span_holds_are_refused(
    params: BargainParams, short: int
) -> None:
    span = params.cuts * params.min_cut.amount - short
    if span < 1:
        return
    with pytest.raises(ValidationError) as caught:
        BargainParams(
            sku="x",
            start_price=params.floor_price + Money(span, "CNY"),
            floor_price=params.floor_price,
            helpers_needed=params.helpers_needed,
            min_cut=params.min_cut,
            initiator_cuts_first=params.initiator_cuts_first,
        )
    assert [p.path for p in caught.value.problems] == ["helpers_needed"]
    assert "min_cut" in str(caught.value)
