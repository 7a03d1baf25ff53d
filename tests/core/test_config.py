"""Loading campaigns and carts from files and dicts."""

import json
from pathlib import Path

import pytest

from promocore.campaign import Stage
from promocore.config import (
    campaign_from_dict,
    campaign_to_dict,
    campaigns_from_dicts,
    cart_from_dict,
    load_campaigns,
    load_cart,
)
from promocore.errors import ConfigError, ValidationError
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams
from promocore.money import Money
from promocore.samples import sample_path

from .builders import cny


def test_the_sample_campaign_file_loads() -> None:
    campaigns = load_campaigns(sample_path("campaigns.toml"))
    assert [c.id for c in campaigns] == ["gold-apparel-5", "d11-ladder", "every-100"]
    ladder = campaigns[1]
    assert isinstance(ladder.params, TieredDiscountParams)
    assert ladder.params.tiers[1].threshold == cny("500.00")
    assert ladder.budget is not None and ladder.budget.limit == cny("20000.00")
    assert campaigns[2].params.mode is Mode.EVERY
    assert campaigns[0].audience.tiers == {"gold", "diamond"}


def test_every_problem_is_reported_with_its_path() -> None:
    raw = [
        {"id": "ok", "name": "ok", "mechanic": "price_off", "params": {"percent_off": "5"}},
        {
            "id": "bad",
            "name": "bad",
            "mechanic": "tiered_discount",
            "starts_at": "2026-11-01T00:00:00",
            "params": {
                "tiers": [
                    {"threshold": "0", "amount_off": "5.00"},
                    {"threshold": "abc", "amount_off": "5.001"},
                ]
            },
            "colour": "red",
        },
        {"id": "x", "name": "x", "mechanic": "nope"},
        {"id": "ok", "name": "dup", "mechanic": "price_off", "params": {"percent_off": 1.5}},
    ]
    with pytest.raises(ValidationError) as info:
        campaigns_from_dicts(raw)
    text = str(info.value)
    problems = {p.path: p.message for p in info.value.problems}
    assert "campaigns[1].colour" in problems
    assert "UTC offset" in problems["campaigns[1].starts_at"]
    assert "campaigns[1].params.tiers[1].threshold" in problems
    assert "more than 2 decimals" in problems["campaigns[1].params.tiers[1].amount_off"]
    assert "unknown mechanic" in problems["campaigns[2].mechanic"]
    assert "floats are refused" in problems["campaigns[3].params.percent_off"]
    assert "campaigns[1].params.tiers[0].threshold: must be > 0" in text or (
        "campaigns[1].params.tiers[0].threshold" in problems
    )


def test_value_problems_name_the_field() -> None:
    raw = {
        "id": "d",
        "name": "d",
        "mechanic": "tiered_discount",
        "params": {"tiers": [{"threshold": "0", "amount_off": "5.00"}]},
    }
    with pytest.raises(ValidationError) as info:
        campaigns_from_dicts([raw])
    assert [str(p) for p in info.value.problems] == [
        "campaigns[0].params.tiers[0].threshold: must be > 0"
    ]


def test_cross_field_rules() -> None:
    raw = {
        "id": "d",
        "name": "d",
        "mechanic": "tiered_discount",
        "params": {
            "tiers": [
                {"threshold": "300.00", "amount_off": "5"},
                {"threshold": "200.00", "amount_off": "9"},
            ]
        },
    }
    with pytest.raises(ValidationError, match=r"tiers\[1\].threshold: thresholds must increase"):
        campaign_from_dict(raw)
    every = {"id": "e", "name": "e", "mechanic": "tiered_discount", "params": {"mode": "every"}}
    with pytest.raises(ValidationError) as info:
        campaign_from_dict(every)
    assert {p.path for p in info.value.problems} == {"params.step", "params.amount_off"}


def test_campaigns_round_trip_through_dicts() -> None:
    for campaign in load_campaigns(sample_path("campaigns.toml")):
        again = campaign_from_dict(json.loads(json.dumps(campaign_to_dict(campaign))))
        assert again == campaign


def test_currency_comes_from_the_file_or_the_campaign() -> None:
    raw = {
        "id": "u",
        "name": "u",
        "mechanic": "price_off",
        "currency": "JPY",
        "params": {"amount_off": "100"},
        "stage": "order",
    }
    campaign = campaign_from_dict(raw)
    assert campaign.params.amount_off == Money(100, "JPY")
    assert campaign.stage is Stage.ORDER


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "c.toml"
    broken.write_text("[[campaigns]\nid=1", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML") as info:
        load_campaigns(broken)
    assert str(broken) in str(info.value)
    missing = tmp_path / "none.json"
    with pytest.raises(ConfigError, match="cannot read"):
        load_cart(missing)
    bad_json = tmp_path / "cart.json"
    bad_json.write_text('{"currency": "CNY",\n "lines": [}', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_cart(bad_json)


def test_cart_from_dict_and_its_problems() -> None:
    cart = load_cart(sample_path("cart.json"))
    assert cart.subtotal == cny("383.50")
    assert cart.customer is not None and cart.customer.tier == "gold"
    with pytest.raises(ValidationError) as info:
        cart_from_dict(
            {
                "currency": "CNY",
                "lines": [
                    {"sku": "A", "unit_price": "1.00", "quantity": 0},
                    {"sku": "", "unit_price": "-1", "quantity": 1, "refs": {"bargain": "s1"}},
                    {"sku": "B", "unit_price": "1.001"},
                ],
            }
        )
    paths = sorted(p.path for p in info.value.problems)
    assert paths == [
        "lines[0].quantity",
        "lines[1].sku",
        "lines[1].unit_price",
        "lines[2].unit_price",
    ]
    refs = cart_from_dict(
        {
            "currency": "CNY",
            "lines": [{"sku": "A", "unit_price": "1.00", "refs": {"bargain": "s1"}}],
        }
    )
    assert refs.lines[0].ref("bargain") == "s1"
