from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from groupbuy_builders import campaign, cny, params
from promocore_groupbuy import GroupBuyParams, GroupPrice
from promocore_groupbuy.mechanic import campaign_problems

from promocore import Money, Scope, ValidationError, campaign_from_dict, campaign_to_dict, make_host


def test_the_leader_pays_the_leader_price_and_members_the_group_price() -> None:
    item = params().price_of("tea")
    assert item is not None
    assert item.unit_price(leader=True) == cny("49.00")
    assert item.unit_price(leader=False) == cny("59.00")
    cup = params().price_of("cup")
    assert cup is not None and cup.unit_price(leader=True) == cny("19.90")


@pytest.mark.parametrize(
    ("share", "size", "needed"),
    [(None, 3, None), (Decimal("0.6"), 5, 3), (Decimal("0.5"), 3, 2), (Decimal("0.01"), 4, 1)],
)
def test_virtual_completion_needs_the_share_of_seats_rounded_up(
    share: Decimal | None, size: int, needed: int | None
) -> None:
    assert params(virtual_share=share, team_size=size).virtual_minimum == needed


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"team_size": 1}, "team_size"),
        ({"team_size": 101}, "team_size"),
        ({"team_minutes": 0}, "team_minutes"),
        ({"per_customer_limit": 0}, "per_customer_limit"),
        ({"per_order_limit": -1}, "per_order_limit"),
        ({"virtual_share": Decimal("1.5")}, "virtual_share"),
        ({"virtual_share": Decimal(0)}, "virtual_share"),
        ({"prices": ()}, "prices"),
        (
            {"prices": (GroupPrice("tea", cny("1.00")), GroupPrice("tea", cny("2.00")))},
            "prices[1].sku",
        ),
        (
            {"prices": (GroupPrice("tea", cny("1.00")), GroupPrice("cup", Money(100, "USD")))},
            "prices[1].price",
        ),
    ],
)
def test_bad_terms_are_refused_naming_the_field(changes: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        params(**changes)
    assert path in [p.path for p in caught.value.problems]


def test_a_leader_price_above_the_group_price_is_refused() -> None:
    with pytest.raises(ValidationError, match="leader_price"):
        GroupPrice("tea", cny("10.00"), leader_price=cny("12.00"))


def test_a_campaign_round_trips_through_config() -> None:
    original = campaign(virtual_share=Decimal("0.6"), per_customer_limit=2, per_order_limit=1)
    host = make_host()
    assert campaign_from_dict(campaign_to_dict(original), host=host) == original


def test_a_campaign_file_loads_with_every_problem_named() -> None:
    raw = {
        "id": "gb",
        "name": "拼团",
        "mechanic": "group_buy",
        "params": {"prices": [{"sku": "tea", "price": "59.00"}], "team_size": 1},
    }
    with pytest.raises(ValidationError, match=r"params\.team_size"):
        campaign_from_dict(raw, host=make_host())


def test_a_campaign_scoped_away_from_its_skus_is_refused() -> None:
    excluded = attrs.evolve(campaign(), scope=Scope(exclude_skus=frozenset({"cup"})))
    elsewhere = attrs.evolve(campaign(), scope=Scope(skus=frozenset({"tea"})))
    assert [p.path for p in campaign_problems(excluded)] == ["scope"]
    assert [p.path for p in campaign_problems(elsewhere)] == ["scope"]
    assert campaign_problems(campaign()) == []
    assert isinstance(campaign().params, GroupBuyParams)
