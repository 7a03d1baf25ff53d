from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from promocore.campaign import Scope, Stage
from promocore.config import campaign_from_dict, campaign_to_dict, campaigns_from_dicts
from promocore.engine import Engine
from promocore.errors import PromocoreError, ValidationError
from promocore.games.bargain import BargainParams
from promocore.money import Money
from tests.games.bargain.builders import campaign, cny, terms


def paths(error: ValidationError) -> list[str]:
    return [p.path for p in error.problems]


def test_defaults() -> None:
    params = terms()
    assert params.min_cut == Money(1, "CNY")
    assert params.initiator_cuts_first
    assert params.helps_per_helper == 1
    assert params.sessions_per_customer == 1
    assert params.duration == timedelta(hours=24)
    assert params.stock is None
    assert not params.buy_above_floor
    assert params.new_helper_boost is None
    assert params.closed_stages == {Stage.ORDER, Stage.COUPON}
    assert params.span == cny("90.10")
    assert params.cuts == 4


def test_min_cut_defaults_to_one_minor_unit_of_the_currency() -> None:
    params = BargainParams(
        sku="x", start_price=Money(1000, "JPY"), floor_price=Money(0, "JPY"), helpers_needed=5
    )
    assert params.min_cut == Money(1, "JPY")


def test_floor_above_start_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(floor_price=cny("120"))
    assert paths(caught.value) == ["floor_price"]
    assert "must be below start_price (¥100.00), got ¥120.00" in str(caught.value)


def test_floor_equal_to_start_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(floor_price=cny("100"))
    assert paths(caught.value) == ["floor_price"]


def test_too_many_minimum_cuts_for_the_span_is_refused() -> None:
    # span 5 fen; 5 helpers plus the initiator's cut need 6 fen at 1 fen each
    with pytest.raises(ValidationError) as caught:
        terms(start_price=cny("1.00"), floor_price=cny("0.95"), helpers_needed=5)
    assert paths(caught.value) == ["helpers_needed"]
    message = str(caught.value)
    assert "helpers_needed + 1 (the initiator's cut) × min_cut = 6 × ¥0.01 = ¥0.06" in message
    assert "exceeds start_price − floor_price = ¥0.05" in message
    # without the initiator's cut, 5 cuts of 1 fen fit exactly
    fits = terms(
        start_price=cny("1.00"), floor_price=cny("0.95"), helpers_needed=5,
        initiator_cuts_first=False,
    )  # fmt: skip
    assert fits.cuts == 5


def test_min_cut_larger_than_the_span_allows() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(min_cut=cny("30"), initiator_cuts_first=False, helpers_needed=4)
    assert paths(caught.value) == ["helpers_needed"]
    assert "4 × ¥30.00 = ¥120.00 exceeds" in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(
            sku=" ",
            helpers_needed=0,
            helps_per_helper=0,
            duration_minutes=0,
            stock=0,
            new_helper_boost=Decimal("1"),
            min_cut=cny("0"),
        )
    assert sorted(paths(caught.value)) == [
        "duration_minutes",
        "helpers_needed",
        "helps_per_helper",
        "min_cut",
        "new_helper_boost",
        "sku",
        "stock",
    ]


def test_currencies_must_match() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(floor_price=Money(0, "USD"))
    assert paths(caught.value) == ["floor_price"]
    assert "is in USD, start_price is in CNY" in str(caught.value)


def test_errors_are_promocore_and_value_errors() -> None:
    with pytest.raises(PromocoreError):
        terms(floor_price=cny("200"))
    with pytest.raises(ValueError):
        terms(floor_price=cny("200"))


RAW: dict[str, Any] = {
    "id": "kan",
    "name": "Tea bargain",
    "mechanic": "bargain",
    "params": {
        "sku": "tea",
        "start_price": "100",
        "floor_price": "9.90",
        "helpers_needed": 5,
        "min_cut": "0.05",
        "stock": 100,
        "duration_minutes": 720,
        "new_helper_boost": "1.5",
        "closed_stages": ["coupon"],
    },
}


def test_params_load_from_plain_data() -> None:
    loaded = campaign_from_dict(RAW)
    params = loaded.params
    assert isinstance(params, BargainParams)
    assert params.min_cut == cny("0.05")
    assert params.new_helper_boost == Decimal("1.5")
    assert params.closed_stages == {Stage.COUPON}
    assert params.duration == timedelta(hours=12)
    assert campaign_from_dict(campaign_to_dict(loaded)) == loaded


def test_file_errors_name_the_field_path() -> None:
    bad = {**RAW, "params": {**RAW["params"], "floor_price": "150", "helpers_needed": 2.5}}
    with pytest.raises(ValidationError) as caught:
        campaigns_from_dicts([bad])
    assert paths(caught.value) == ["campaigns[0].params.helpers_needed"]
    bad = {**RAW, "params": {**RAW["params"], "floor_price": "150"}}
    with pytest.raises(ValidationError) as caught:
        campaigns_from_dicts([bad])
    assert paths(caught.value) == ["campaigns[0].params.floor_price"]


def test_engine_refuses_a_campaign_in_another_currency() -> None:
    usd = BargainParams(
        sku="tea", start_price=Money(1000, "USD"), floor_price=Money(0, "USD"), helpers_needed=2
    )
    with pytest.raises(ValidationError) as caught:
        Engine([campaign(usd)])
    assert paths(caught.value) == ["campaigns[0].params.start_price"]


def test_engine_refuses_a_scope_that_misses_the_sku() -> None:
    with pytest.raises(ValidationError) as caught:
        Engine([campaign(scope=Scope(skus=frozenset({"coffee"})))])
    assert paths(caught.value) == ["campaigns[0].scope"]
    with pytest.raises(ValidationError):
        Engine([campaign(scope=Scope(exclude_skus=frozenset({"tea"})))])
    Engine([campaign(scope=Scope(skus=frozenset({"tea"})))])
