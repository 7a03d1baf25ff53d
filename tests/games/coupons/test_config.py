"""Coupon and points campaigns written in configuration files."""

import pytest

from promocore.config import campaign_from_dict
from promocore.errors import ValidationError
from promocore.games.coupons import CouponParams
from promocore.games.points import EarnRule, PointsRedemptionParams
from promocore.money import Money


def test_a_public_code_campaign_loads() -> None:
    campaign = campaign_from_dict(
        {
            "id": "code-SAVE10",
            "name": "SAVE10",
            "mechanic": "coupon",
            "exclusive_group": "coupons:default",
            "params": {
                "code": "SAVE10",
                "offer": {
                    "percent_off": "10",
                    "max_off": "20",
                    "threshold": "99",
                    "scope": {"categories": ["shoes"], "exclude_skus": ["LTD-1"]},
                    "stacks_with_order": False,
                },
            },
        }
    )
    params = campaign.params
    assert isinstance(params, CouponParams)
    assert params.offer.max_off == Money(2000, "CNY")
    assert params.offer.scope.exclude_skus == frozenset({"LTD-1"})
    assert not params.offer.stacks_with_order


def test_points_campaigns_load() -> None:
    pay = campaign_from_dict(
        {
            "id": "points",
            "name": "积分抵现",
            "mechanic": "points_redemption",
            "params": {
                "available": 500,
                "rule": {"rate": {"points": 100, "value": "1"}, "max_share": "20"},
            },
        }
    )
    assert isinstance(pay.params, PointsRedemptionParams)
    assert pay.params.rule.rate.step_value == Money(1, "CNY")
    earn = campaign_from_dict(
        {"id": "e", "name": "e", "mechanic": "points_earning", "params": {"points": 1, "per": "1"}}
    )
    assert earn.params == EarnRule(1, Money(100, "CNY"))
    assert earn.stage is None  # the mechanic's own stage, post


def test_bad_offers_name_their_fields() -> None:
    with pytest.raises(ValidationError) as info:
        campaign_from_dict(
            {
                "id": "bad",
                "name": "bad",
                "mechanic": "coupon",
                "params": {"offer": {"percent_off": "120", "amount_off": "3"}},
            }
        )
    assert {p.path for p in info.value.problems} == {"params.offer", "params.offer.percent_off"}
