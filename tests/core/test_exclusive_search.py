"""The exclusive-group search: exact within its budget, bounded past it, never recursive."""

from __future__ import annotations

import statistics
import time

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign, Scope, Stage
from promocore.cart import Cart, Customer
from promocore.engine import Engine, price
from promocore.errors import ValidationError
from promocore.quote import Reason
from promocore.selection import DEFAULT_SEARCH_BUDGET, Selection

from .builders import NOW, best_by_brute_force, campaigns, carts, cny, line, percent_off
from .exclusive_sets import hostile, overlapping

# What a quote in a hostile exclusive set may cost, in trivial quotes (see below).
HOSTILE_RATIO = 20_000


def _exclusive(cs: list[Campaign], stage: Stage) -> list[Campaign]:
    return [attrs.evolve(c, stage=stage) for c in cs if c.exclusive_group is not None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cart=carts(),
    cs=campaigns(max_size=10, groups=("g1", "g2", "g3", "g4", "g5")),
    stage=st.sampled_from([Stage.ITEM, Stage.ORDER]),
)
def test_larger_exclusive_sets_equal_brute_force(
    cart: Cart, cs: list[Campaign], stage: Stage
) -> None:
    exclusive = _exclusive(cs, stage)
    quote = price(cart, exclusive)
    assert quote.proven_optimal
    assert quote.discount.amount == best_by_brute_force(cart, exclusive)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cart=carts(),
    cs=campaigns(max_size=10, groups=("g1", "g2", "g3", "g4", "g5")),
    budget=st.sampled_from([1, 10, 60, 300, 2_000]),
)
def test_a_short_budget_never_claims_what_it_did_not_prove(
    cart: Cart, cs: list[Campaign], budget: int
) -> None:
    exclusive = _exclusive(cs, Stage.ITEM)
    quote = price(cart, exclusive, search_budget=budget)
    greedy = price(cart, exclusive, search_budget=1)
    best = best_by_brute_force(cart, exclusive)
    assert greedy.discount <= quote.discount
    assert quote.discount.amount <= best
    if quote.proven_optimal:
        assert quote.discount.amount == best


def test_past_its_budget_the_search_keeps_the_best_found_and_says_so() -> None:
    cs, cart = hostile(8)
    exact = Engine(cs, search_budget=10_000_000).price(cart)
    assert exact.proven_optimal
    assert exact.discount.amount == best_by_brute_force(cart, cs)
    greedy = Engine(cs, search_budget=1).price(cart)
    cut = Engine(cs, search_budget=200).price(cart)
    assert not greedy.proven_optimal and not cut.proven_optimal
    assert greedy.discount <= cut.discount <= exact.discount
    assert cut.to_dict()["proven_optimal"] is False
    assert all("not proven optimal" in a.message for a in cut.applied)
    losers = [n for n in cut.not_applied if n.reason == Reason.LOST_IN_EXCLUSIVE_GROUP]
    assert losers and all("not proven optimal" in n.message for n in losers)
    assert not any("proven" in a.message for a in exact.applied)
    assert exact.to_dict()["proven_optimal"] is True


def test_priority_mode_and_easy_sets_are_proven() -> None:
    cs, cart = hostile(20)
    assert Engine(cs, selection="priority", search_budget=1).price(cart).proven_optimal
    a = percent_off("a", "10", group="g1", scope=Scope(skus=frozenset({"A"})))
    b = percent_off("b", "20", group="g2", scope=Scope(skus=frozenset({"B"})))
    c = Cart("CNY", (line("A", "10.00"), line("B", "10.00")), Customer("u"), NOW)
    quote = Engine([a, b], search_budget=1).price(c)  # independent groups: nothing to search
    assert quote.proven_optimal and quote.discount == cny("3.00")


def test_a_thousand_exclusive_candidates_in_a_stage() -> None:
    cs, cart = hostile(500, lines=40)
    quote = Engine(cs).price(cart)  # no RecursionError
    assert len(quote.applied) > 0
    assert {n.campaign for n in quote.not_applied} | {a.campaign for a in quote.applied} == {
        c.id for c in cs
    }


def _cpu(operation: object, repeats: int) -> float:
    assert callable(operation)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        operation()
        times.append(time.process_time() - start)
    return statistics.median(times)


@pytest.mark.parametrize(
    ("sets", "size"),
    [(hostile, 20), (hostile, 40), (hostile, 500), (overlapping, 20), (overlapping, 40)],
)
def test_hostile_exclusive_sets_finish_within_a_bound(sets: object, size: int) -> None:
    """Each quote costs at most ``HOSTILE_RATIO`` trivial quotes on this machine.

    Exhaustive search of these sets would take minutes to hours (about 2^groups
    branches); the budget keeps a quote to a fraction of a second. The ratio is loose
    enough for a loaded two-core machine and CPU time is measured, not wall time.
    """
    assert callable(sets)
    cs, cart = sets(size)
    engine = Engine(cs)
    trivial_engine = Engine([percent_off("t", "10")])
    trivial_cart = Cart("CNY", (line("A", "10.00"),), Customer("u"), NOW)
    trivial = _cpu(lambda: trivial_engine.price(trivial_cart), 200)
    hostile_cost = min(_cpu(lambda: engine.price(cart), 1) for _ in range(2))
    assert hostile_cost < HOSTILE_RATIO * trivial, (hostile_cost, trivial)


def test_the_budget_is_an_option_with_a_limit() -> None:
    assert Engine([]).search_budget == DEFAULT_SEARCH_BUDGET
    for bad in (0, -1, 1.5, "10", True, None):
        with pytest.raises(ValidationError, match="search_budget"):
            Engine([], search_budget=bad)  # type: ignore[arg-type]
    assert Engine([], selection="priority").selection is Selection.PRIORITY
    with pytest.raises(ValidationError, match="selection"):
        Engine([], selection="cheapest")
    assert Engine([], stages=["item", "order"]).stages == (Stage.ITEM, Stage.ORDER)
    with pytest.raises(ValidationError, match=r"stages\[1\]"):
        Engine([], stages=["item", "item"])
    with pytest.raises(ValidationError, match=r"stages\[0\]"):
        Engine([], stages=["checkout"])
