"""Engine.with_campaigns: the engine of a changed campaign set, without rebuilding the rest."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign, Scope
from promocore.cart import Cart
from promocore.engine import Engine
from promocore.errors import ValidationError

from .builders import campaigns, cart, carts, ladder, line, percent_off

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    cart=carts(),
    before=campaigns(max_size=6, groups=("g1", "g2")),
    after=campaigns(max_size=6, groups=("g1", "g2")),
    data=st.data(),
)
def test_an_updated_engine_prices_like_a_new_one(
    cart: Cart, before: list[Campaign], after: list[Campaign], data: st.DataObject
) -> None:
    old = [attrs.evolve(c, id=f"old-{c.id}") for c in before]
    new = [attrs.evolve(c, id=f"new-{c.id}") for c in after]
    kept = data.draw(st.lists(st.sampled_from(old), unique=True) if old else st.just([]))
    engine = Engine(old)
    _ = engine.price(cart, explain_all=True).not_applied  # sorts and orders the old engine
    removed = [c.id for c in old if c not in kept]
    updated = engine.with_campaigns(new, removed)
    fresh = Engine(kept + new)
    for explain_all in (False, True):
        assert updated.price(cart, explain_all=explain_all) == fresh.price(
            cart, explain_all=explain_all
        )
    assert updated.campaigns == fresh.campaigns
    assert updated.relevant(cart) == fresh.relevant(cart)
    assert engine.campaigns == Engine(old).campaigns  # the old engine is unchanged


def test_replacing_a_campaign_keeps_the_others_and_their_order() -> None:
    a = ladder("a", ("100.00", "10.00"), priority=2)
    b = ladder("b", ("100.00", "20.00"), group="g", scope=Scope(skus=frozenset({"A"})))
    c = percent_off("c", "10")
    engine = Engine([a, b, c])
    c2 = percent_off("c", "50")
    changed = engine.with_campaigns([c2], ["c"])
    assert [x.id for x in changed.campaigns] == ["a", "b", "c"]
    assert changed.campaigns[2] is c2
    priced = changed.price(cart(line("A", "200.00")))
    assert priced.applied_amount("c") == Engine([a, b, c2]).price(
        cart(line("A", "200.00"))
    ).applied_amount("c")
    assert engine.campaigns[2] is c


def test_bad_updates_are_refused_with_paths_and_change_nothing() -> None:
    engine = Engine([ladder("a", ("1.00", "1.00")), percent_off("b", "5")])
    with pytest.raises(ValidationError) as info:
        engine.with_campaigns(
            [percent_off("a", "1"), percent_off("x", "1"), percent_off("x", "2")],
            ["nope", "b", "b"],
        )
    paths = [p.path for p in info.value.problems]
    assert paths == ["removed[0]", "removed[2]", "added[0].id", "added[2].id"]
    with pytest.raises(ValidationError, match="added"):
        engine.with_campaigns("abc")  # type: ignore[arg-type]
    assert [c.id for c in engine.campaigns] == ["a", "b"]
    # Removing and adding the same id in one call replaces the campaign.
    assert [c.id for c in engine.with_campaigns([percent_off("a", "9")], ["a"]).campaigns] == [
        "a",
        "b",
    ]


def test_updates_keep_the_options_and_the_host() -> None:
    engine = Engine([], selection="priority", search_budget=7)
    changed = engine.with_campaigns([percent_off("a", "5")])
    assert (changed.selection, changed.search_budget, changed.host) == (
        engine.selection,
        7,
        engine.host,
    )
    assert changed.stages == engine.stages
