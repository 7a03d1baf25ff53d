"""Loading campaigns and carts from files and dicts."""

import json
import re
import tomllib
from decimal import Decimal
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


def _write(tmp_path: Path, fmt: str, campaign: str) -> Path:
    """A file of one tiered_discount campaign whose params are ``campaign`` (TOML syntax)."""
    if fmt == "toml":
        text = f'[[campaigns]]\nid = "c"\nname = "c"\nmechanic = "tiered_discount"\n{campaign}\n'
        path = tmp_path / "c.toml"
    else:
        # The same values as JSON: TOML inline tables and arrays read as JSON with quoted keys.
        body = tomllib.loads(f"x = {{ {campaign.replace(chr(10), ', ')} }}")["x"]
        path = tmp_path / "c.json"
        text = json.dumps(
            {"campaigns": [{"id": "c", "name": "c", "mechanic": "tiered_discount", **body}]},
            default=_json_number,
        )
    path.write_text(text, encoding="utf-8")
    return path


def _json_number(value: object) -> object:
    raise TypeError(f"{value!r}")


FORMATS = ["toml", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("written", ['"300.00"', '"300"', "300"])
def test_an_amount_is_a_string_or_a_number_of_major_units(
    tmp_path: Path, fmt: str, written: str
) -> None:
    path = _write(
        tmp_path,
        fmt,
        f"params = {{ tiers = [ {{ threshold = {written}, amount_off = 50 }} ] }}\n"
        f"budget = {{ limit = {written.replace('300', '20000')} }}",
    )
    (campaign,) = load_campaigns(path)
    assert campaign.params.tiers[0].threshold == cny("300.00")
    assert campaign.params.tiers[0].amount_off == cny("50.00")
    assert campaign.budget is not None and campaign.budget.limit == cny("20000.00")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("written", ['"2"', "2"])
def test_a_quantity_threshold_is_a_string_or_a_number(
    tmp_path: Path, fmt: str, written: str
) -> None:
    path = _write(
        tmp_path,
        fmt,
        f'params = {{ basis = "quantity", tiers = [ {{ threshold = {written}, percent_off = 5 }},'
        f' {{ threshold = "3", percent_off = "7.5" }} ] }}\n'
        f'limits = {{ per_order = {written}, per_customer = "1" }}\npriority = "-1"',
    )
    (campaign,) = load_campaigns(path)
    assert [t.threshold for t in campaign.params.tiers] == [2, 3]
    assert campaign.params.tiers[1].percent_off == Decimal("7.5")
    assert (campaign.limits.per_order, campaign.limits.per_customer) == (2, 1)
    assert campaign.priority == -1


@pytest.mark.parametrize("fmt", FORMATS)
def test_floats_are_refused_naming_the_field(tmp_path: Path, fmt: str) -> None:
    path = _write(
        tmp_path,
        fmt,
        "params = { tiers = [ { threshold = 300.5, percent_off = 7.5 } ], cap = 30.0 }\n"
        "limits = { per_order = 2.0 }",
    )
    with pytest.raises(ConfigError) as info:
        load_campaigns(path)
    assert {str(p) for p in info.value.problems} == {
        "campaigns[0].params.tiers[0].threshold: write 300.5 as a string (floats are refused)",
        "campaigns[0].params.tiers[0].percent_off: write 7.5 as a string (floats are refused)",
        "campaigns[0].params.cap: write 30.0 as a string (floats are refused)",
        "campaigns[0].limits.per_order: must be a whole number, got 2.0 (floats are refused)",
    }


def test_numbers_that_are_ambiguous_or_inexact_are_refused() -> None:
    raw = {
        "id": "q",
        "name": "q",
        "mechanic": "tiered_discount",
        "params": {
            "basis": "quantity",
            "tiers": [{"threshold": "2.5", "percent_off": "5"}, {"threshold": "3.00"}],
        },
    }
    with pytest.raises(ValidationError) as info:
        campaign_from_dict(raw)
    assert {p.path: p.message for p in info.value.problems} == {
        "params.tiers[0].threshold": "must be a whole number, got '2.5'",
        "params.tiers[1].threshold": "must be a whole number, got '3.00'",
    }
    raw["params"] = {"tiers": [{"threshold": "300.001", "amount_off": True}]}
    with pytest.raises(ValidationError) as info:
        campaign_from_dict(raw)
    assert {p.path: p.message for p in info.value.problems} == {
        "params.tiers[0].threshold": "'300.001' has more than 2 decimals for CNY",
        "params.tiers[0].amount_off": "expected a number, got a bool",
    }


def test_a_cart_file_follows_the_same_conventions(tmp_path: Path) -> None:
    path = tmp_path / "cart.json"
    path.write_text(
        '{"currency": "CNY", "lines": [{"sku": "A", "unit_price": 169, "quantity": "2"},'
        ' {"sku": "B", "unit_price": "45.5", "refs": {"bargain": "s1"}}]}',
        encoding="utf-8",
    )
    cart = load_cart(path)
    assert cart.subtotal == cny("383.50")
    assert cart.lines[1].ref("bargain") == "s1"
    path.write_text(
        '{"currency": "CNY", "lines": [{"sku": "A", "unit_price": 169.00}]}', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"lines\[0\].unit_price: write 169.00 as a string"):
        load_cart(path)


def test_files_that_are_not_text_or_have_huge_numbers_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "c.toml"
    binary.write_bytes(b"\xff\xfe[[campaigns]]")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_campaigns(binary)
    huge = tmp_path / "cart.json"
    huge.write_text('{"currency": "CNY", "lines": [{"quantity": ' + "9" * 5000 + "}]}")
    with pytest.raises(ConfigError, match=r"lines\[0\].quantity: at most 18 digits"):
        load_cart(huge)


DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("page", ["tutorial.md", "reference/config.md"])
def test_the_campaign_files_in_the_docs_load(tmp_path: Path, page: str) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)
    assert blocks
    for i, block in enumerate(blocks):
        path = tmp_path / f"{i}.toml"
        path.write_text(block, encoding="utf-8")
        assert load_campaigns(path)
