"""Validating commission params, the compliance profile, and loading programs from files."""

from __future__ import annotations

import tomllib
import warnings
from decimal import Decimal

import pytest

from promocore.campaign import Budget, Campaign, Stage
from promocore.config import campaign_from_dict, campaign_to_dict
from promocore.engine import Engine
from promocore.errors import FloatRefusedError, ValidationError
from promocore.games.commission import (
    BindingMode,
    CommissionParams,
    ComplianceProfile,
    ComplianceWarning,
    Rank,
    RankBasis,
    Rate,
    SkuRates,
)
from promocore.money import Money
from tests.games.commission.builders import cny, pct, quiet


def problems(error: ValidationError) -> dict[str, str]:
    return {p.path: p.message for p in error.problems}


def test_more_than_three_levels_is_refused_whatever_the_profile() -> None:
    for profile in ComplianceProfile:
        with pytest.raises(ValidationError) as caught:
            CommissionParams(rates=pct("5", "4", "3", "2"), levels=4, compliance=profile)
        assert "at most 3 levels" in problems(caught.value)["levels"]
        assert "禁止传销条例" in problems(caught.value)["levels"]


def test_three_levels_warn_under_the_default_profile_citing_the_rules() -> None:
    with pytest.warns(ComplianceWarning) as caught:
        params = CommissionParams(rates=pct("5", "3", "1"), levels=3)
    (warning,) = caught
    text = str(warning.message)
    assert "禁止传销条例" in text
    assert "Pyramid Selling" in text
    assert "at most three tiers" in text
    assert warning.filename == __file__  # points at the caller
    assert [n.code for n in params.compliance_notes()] == ["three_levels"]


def test_no_warning_below_three_levels_or_with_the_profile_off() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CommissionParams(rates=pct("5", "3"), levels=2)
        CommissionParams(rates=pct("5", "3", "1"), levels=3, compliance=ComplianceProfile.OFF)


def test_ranks_by_team_size_warn_about_recruitment_pay() -> None:
    with pytest.warns(ComplianceWarning, match="拉人头"):
        CommissionParams(
            rates=pct("5"), rank_by=RankBasis.TEAM_SIZE, ranks=(Rank("captain", 10, pct("6")),)
        )


def test_levels_default_to_the_number_of_rates() -> None:
    assert CommissionParams(rates=pct("10", "5")).levels == 2
    with pytest.raises(ValidationError, match="one rate per level"):
        CommissionParams(rates=pct("10", "5"), levels=1)


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(ValidationError) as caught:
        CommissionParams(
            rates=pct("5", "3"),
            levels=2,
            ranks=(
                Rank("gold", cny("1000.00"), pct("6", "4")),
                Rank("gold", cny("500.00"), pct("7")),
                Rank("vip", 5, pct("8", "5")),
            ),
            sku_rates=(SkuRates("tea", pct("9"), rank="bronze"),),
            max_share=Decimal(0),
            freeze_days=-1,
            compliance=ComplianceProfile.OFF,
        )
    found = problems(caught.value)
    assert found["ranks[1].name"] == "duplicate rank 'gold'"
    assert found["ranks[1].threshold"] == "thresholds must increase strictly"
    assert found["ranks[1].rates"] == "give one rate per level (2), got 1"
    assert "must be an amount" in found["ranks[2].threshold"]
    assert found["sku_rates[0].rank"] == "unknown rank 'bronze'"
    assert found["sku_rates[0].rates"] == "give one rate per level (2), got 1"
    assert found["max_share"] == "must be > 0 and <= 100"
    assert "freeze_days" in found


def test_rates_and_currencies() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        Rate()
    with pytest.raises(ValidationError, match="exactly one"):
        Rate(percent=Decimal(1), per_unit=cny("1.00"))
    with pytest.raises(ValidationError, match="percent"):
        Rate(percent=Decimal(101))
    with pytest.raises(ValidationError, match="one currency"):
        CommissionParams(
            rates=(Rate(per_unit=Money(100, "USD")),),
            ranks=(Rank("gold", cny("1.00"), pct("1")),),
        )
    assert Rate(percent=Decimal("7.5")).describe() == "7.5%"
    assert Rate(per_unit=cny("2.00")).describe() == "¥2.00/unit"


PROGRAM = """
[[campaigns]]
id = "dist"
name = "Share and earn"
mechanic = "commission"

[campaigns.params]
levels = 2
rates = [{ percent = "10" }, { percent = "3" }]
rank_by = "settled_sales"
ranks = [{ name = "gold", threshold = "5000.00", rates = [{ percent = "12" }, { percent = "4" }] }]
sku_rates = [{ sku = "gift-box", rates = [{ per_unit = "8.00" }, { per_unit = "2.00" }] }]
base = "payable_with_shipping"
max_share = "35"
activity_items = false
self_purchase = true
freeze_days = 15
withdrawal = { minimum = "10.00", fee_percent = "0.6", fee_rounding = "half_up" }
binding = { mode = "last_link", expire_days = 30 }
"""


def test_a_program_loads_from_toml_and_round_trips() -> None:
    raw = tomllib.loads(PROGRAM)["campaigns"][0]
    campaign = campaign_from_dict(raw)
    params = campaign.params
    assert isinstance(params, CommissionParams)
    assert params.levels == 2
    assert params.ranks[0].threshold == cny("5000.00")
    assert params.sku_rates[0].rates[0].per_unit == cny("8.00")
    assert params.binding.mode is BindingMode.LAST_LINK
    assert params.withdrawal.minimum == cny("10.00")
    assert campaign_from_dict(campaign_to_dict(campaign)) == campaign


def test_config_errors_name_the_field() -> None:
    raw = tomllib.loads(PROGRAM)["campaigns"][0]
    raw["params"]["levels"] = 5
    # A whole number may be written as a string ("7"), but not with decimals.
    raw["params"]["freeze_days"] = "7.5"
    with pytest.raises(ValidationError) as caught:
        campaign_from_dict(raw)
    assert "params.freeze_days" in problems(caught.value)
    raw["params"]["freeze_days"] = "7"
    with pytest.raises(ValidationError) as caught:
        campaign_from_dict(raw)
    assert "params.levels" in problems(caught.value)
    raw["params"]["levels"] = 2
    raw["params"]["max_share"] = 0.3
    with pytest.raises(ValidationError, match="floats are refused"):
        campaign_from_dict(raw)
    assert issubclass(FloatRefusedError, TypeError)


def test_campaign_level_checks() -> None:
    with quiet():
        params = CommissionParams(rates=(Rate(per_unit=Money(100, "USD")),))
    wrong = [
        Campaign("a", "A", "commission", CommissionParams(rates=pct("5")), stage=Stage.ITEM),
        Campaign("b", "B", "commission", params),
        Campaign(
            "c", "C", "commission", CommissionParams(rates=pct("5")), budget=Budget(cny("9.00"))
        ),
    ]
    with pytest.raises(ValidationError) as caught:
        Engine(wrong)
    found = problems(caught.value)
    assert "post stage" in found["campaigns[0].stage"]
    assert found["campaigns[1].params"] == "amounts are in USD, not CNY"
    assert "max_share" in found["campaigns[2].budget"]
