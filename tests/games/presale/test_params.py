from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from promocore.campaign import Budget, Campaign, Scope, Stage
from promocore.config import campaign_from_dict, campaign_to_dict
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.games.presale import (
    DepositPolicy,
    ExcessDeposit,
    PresaleParams,
    ThresholdBase,
    Window,
    deposit_cap,
    exceeds_deposit_cap,
    split_deposit,
)
from promocore.money import Money
from tests.games.presale.builders import (
    DEPOSIT_CLOSES,
    DEPOSIT_OPENS,
    FINAL_CLOSES,
    FINAL_OPENS,
    SHANGHAI,
    cny,
    presale,
    terms,
)


def paths(error: ValidationError) -> list[str]:
    return [p.path for p in error.problems]


def test_the_worked_example_is_valid() -> None:
    params = terms()
    assert params.inflation == cny("100")
    assert params.threshold_base is ThresholdBase.FINAL_AMOUNT
    assert params.deposit_policy is DepositPolicy.FORFEIT
    assert params.compensation_multiple == 2
    assert params.stacks


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(ValidationError) as caught:
        terms(
            sku=" ",
            deposit=cny("0"),
            deduction=cny("1000"),
            stock=0,
            per_customer_limit=0,
            compensation_multiple=Decimal("0.5"),
        )
    assert paths(caught.value) == [
        "sku",
        "deposit",
        "deduction",
        "stock",
        "per_customer_limit",
        "compensation_multiple",
    ]


def test_deduction_is_at_least_the_deposit() -> None:
    with pytest.raises(ValidationError, match=r"deduction: must be >= the deposit \(¥50.00\)"):
        terms(deduction=cny("49.99"))


def test_deduction_equal_to_deposit_and_to_price_are_allowed() -> None:
    assert terms(deduction=cny("50")).inflation == cny("0")
    assert terms(deposit=cny("199.80"), deduction=cny("999")).deduction == cny("999")


def test_amounts_in_two_currencies_are_refused() -> None:
    with pytest.raises(ValidationError, match="deposit: is in USD"):
        terms(deposit=Money(5000, "USD"))


def test_floats_and_other_junk_are_refused() -> None:
    with pytest.raises(ValidationError, match="presale_price: must be Money"):
        terms(presale_price=999.0)
    with pytest.raises(ValidationError, match="compensation_multiple: must be a finite Decimal"):
        terms(compensation_multiple=Decimal("NaN"))


class TestLegalCap:
    def test_a_deposit_above_20_percent_is_refused_with_the_law_named(self) -> None:
        with pytest.raises(ValidationError) as caught:
            terms(deposit=cny("200"), deduction=cny("300"))
        message = str(caught.value)
        assert paths(caught.value) == ["deposit"]
        assert "20% of the presale price is ¥199.80" in message
        assert "PRC Civil Code art. 586" in message
        assert "excess_deposit = 'prepayment'" in message

    def test_exactly_20_percent_is_allowed(self) -> None:
        assert terms(presale_price=cny("1000"), deposit=cny("200"), deduction=cny("300"))

    def test_the_excess_may_be_taken_as_a_prepayment(self) -> None:
        params = terms(
            deposit=cny("300"), deduction=cny("400"), excess_deposit=ExcessDeposit.PREPAYMENT
        )
        split = split_deposit(params.deposit, params.presale_price, 2)
        assert split.legal == cny("399.60")  # 20% of ¥1998.00
        assert split.prepayment == cny("200.40")
        assert split.total == cny("600")

    def test_the_cap_rounds_down(self) -> None:
        assert deposit_cap(cny("0.04")) == cny("0")
        assert deposit_cap(cny("99.99")) == cny("19.99")

    @pytest.mark.parametrize(
        ("deposit", "price", "over"),
        [("20", "100", False), ("20.01", "100", True), ("0.01", "0.05", False)],
    )
    def test_the_check_is_exact(self, deposit: str, price: str, over: bool) -> None:
        assert exceeds_deposit_cap(cny(deposit), cny(price)) is over


class TestWindows:
    def test_the_final_window_may_not_open_before_the_deposit_window(self) -> None:
        with pytest.raises(ValidationError) as caught:
            terms(final_window=Window(DEPOSIT_OPENS - timedelta(hours=1), FINAL_CLOSES))
        assert paths(caught.value) == ["final_window.starts_at"]

    def test_the_final_window_may_not_close_before_the_deposit_window(self) -> None:
        with pytest.raises(ValidationError) as caught:
            terms(final_window=Window(DEPOSIT_OPENS, DEPOSIT_CLOSES - timedelta(hours=1)))
        assert paths(caught.value) == ["final_window.ends_at"]

    def test_overlapping_windows_are_allowed(self) -> None:
        assert terms(final_window=Window(DEPOSIT_OPENS, FINAL_CLOSES))

    def test_a_window_must_be_ordered_and_aware(self) -> None:
        with pytest.raises(ValidationError, match="ends_at: must be after starts_at"):
            Window(FINAL_OPENS, FINAL_OPENS)
        with pytest.raises(ValidationError, match="starts_at: must carry a UTC offset"):
            Window(FINAL_OPENS.replace(tzinfo=None), FINAL_CLOSES)

    def test_contains_is_half_open(self) -> None:
        window = Window(FINAL_OPENS, FINAL_CLOSES)
        assert window.contains(FINAL_OPENS)
        assert not window.contains(FINAL_CLOSES)


def raw_campaign(**params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": "lipstick-set",
        "presale_price": "999.00",
        "deposit": "50.00",
        "deduction": "150.00",
        "deposit_window": {
            "starts_at": "2026-10-20T20:00:00+08:00",
            "ends_at": "2026-10-31T20:00:00+08:00",
        },
        "final_window": {
            "starts_at": "2026-11-01T00:00:00+08:00",
            "ends_at": "2026-11-03T23:59:00+08:00",
        },
        "stock": 100,
    }
    body.update(params)
    return {"id": "d11-presale", "name": "双11预售", "mechanic": "presale", "params": body}


class TestConfig:
    def test_a_campaign_loads_from_plain_data(self) -> None:
        campaign = campaign_from_dict(raw_campaign(deposit_policy="refund"))
        params = campaign.params
        assert isinstance(params, PresaleParams)
        assert params.deposit == cny("50")
        assert params.deposit_policy is DepositPolicy.REFUND
        assert params.final_window.starts_at.tzinfo is not None

    def test_it_round_trips(self) -> None:
        campaign = campaign_from_dict(raw_campaign(excess_deposit="prepayment"))
        assert campaign_from_dict(campaign_to_dict(campaign)) == campaign

    def test_problems_come_with_their_paths(self) -> None:
        with pytest.raises(ValidationError) as caught:
            campaign_from_dict(
                raw_campaign(deposit="250.00", deduction="300.00", final_window={"starts_at": 1})
            )
        assert paths(caught.value) == [
            "params.final_window.starts_at",
            "params.final_window.ends_at",
        ]
        with pytest.raises(ValidationError) as caught:
            campaign_from_dict(raw_campaign(deposit="250.00", deduction="300.00"))
        assert paths(caught.value) == ["params.deposit"]

    def test_full_price_base_needs_the_payment_stage(self) -> None:
        with pytest.raises(ValidationError) as caught:
            campaign_from_dict(raw_campaign(threshold_base="presale_price"))
        assert paths(caught.value) == ["stage"]
        assert "must be 'payment'" in str(caught.value)
        raw = raw_campaign(threshold_base="presale_price")
        raw["stage"] = "payment"
        assert campaign_from_dict(raw).stage is Stage.PAYMENT


class TestCampaignChecks:
    def build(self, **fields: Any) -> Campaign:
        return Campaign(
            id="p", name="p", mechanic="presale", params=fields.pop("params", terms()), **fields
        )

    def test_a_budget_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="budget: a presale takes no budget"):
            Engine([self.build(budget=Budget(cny("1000")))])

    def test_the_final_amount_base_runs_at_the_item_stage(self) -> None:
        with pytest.raises(ValidationError, match="stage: must be 'item'"):
            Engine([self.build(stage=Stage.PAYMENT)])

    def test_without_stacking_the_base_does_not_matter(self) -> None:
        params = terms(stacks=False, threshold_base=ThresholdBase.PRESALE_PRICE)
        assert Engine([self.build(params=params)])

    def test_the_scope_must_cover_the_sku(self) -> None:
        with pytest.raises(ValidationError, match="scope: does not cover"):
            Engine([self.build(scope=Scope(skus={"other"}))])

    def test_the_schedule_must_cover_both_windows(self) -> None:
        from promocore.campaign import Schedule

        schedule = Schedule(DEPOSIT_OPENS + timedelta(hours=1), FINAL_CLOSES - timedelta(hours=1))
        with pytest.raises(ValidationError) as caught:
            Engine([self.build(schedule=schedule)])
        assert paths(caught.value) == ["campaigns[0].starts_at", "campaigns[0].ends_at"]

    def test_the_currency_must_match(self) -> None:
        with pytest.raises(ValidationError, match="params: amounts are in CNY"):
            Engine([self.build(currency="USD")])

    def test_the_builder_campaign_is_fine(self) -> None:
        assert Engine([presale()]).campaigns[0].id == "d11-presale"
        assert SHANGHAI.utcoffset(None) == timedelta(hours=8)
