"""Hand-checked commissions for one, two and three levels, and the share-cap property."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.games.commission import (
    CommissionBase,
    CommissionParams,
    ComplianceProfile,
    Computation,
    IneligibleReason,
    OrderLine,
    Rank,
    Rate,
    SkuRates,
    compute,
)
from promocore.games.commission.compute import beneficiaries
from promocore.games.commission.strategies import order_lines
from promocore.money import Money, total
from tests.games.commission.builders import cny, line, order, paid, pct, program, programs

GOLD_1 = Rank("gold", cny("1000.00"), pct("12"))


def amounts(result: Computation) -> list[tuple[str, int, str]]:
    return [(d.line_id, d.level, d.amount.format()) for d in result.drafts]


def test_one_level_is_ten_percent_rounded_down() -> None:
    params = program("10", ranks=(GOLD_1,))
    result = compute(order("o", "bo", line("1", "tea", 2, "398.00")), [None], params)
    assert amounts(result) == [("1", 1, "39.80")]
    odd = compute(order("o", "bo", line("1", "tea", 1, "123.45")), [None], params)
    assert amounts(odd) == [("1", 1, "12.34")]  # 12.345 rounds down


def test_one_level_gold_rank_earns_the_rank_rate() -> None:
    params = program("10", ranks=(GOLD_1,))
    result = compute(order("o", "bo", line("1", "tea", 1, "123.45")), ["gold"], params)
    assert amounts(result) == [("1", 1, "14.81")]  # 12 % of 123.45 = 14.814
    assert result.drafts[0].rank == "gold"
    assert result.drafts[0].rate == Rate(percent=Decimal(12))


def test_two_levels_with_a_gold_upline_and_per_sku_fixed_amounts() -> None:
    params = program(
        "10",
        "5",
        ranks=(Rank("gold", cny("1000.00"), pct("12", "6")),),
        sku_rates=(SkuRates("cup", (Rate(per_unit=cny("3.00")), Rate(per_unit=cny("1.00")))),),
    )
    result = compute(
        order("o", "bo", line("1", "tea", 2, "398.00"), line("2", "cup", 1, "99.99")),
        [None, "gold"],
        params,
    )
    assert amounts(result) == [
        ("1", 1, "39.80"),
        ("1", 2, "23.88"),  # gold pays 6 % at level 2
        ("2", 1, "3.00"),  # per-sku fixed amount beats the rank's percent
        ("2", 2, "1.00"),
    ]
    assert result.total == cny("67.68")
    assert result.paid == cny("497.99")
    assert result.cap == cny("248.99")
    assert not result.capped


def test_three_levels_scaled_down_exactly_to_the_share_cap() -> None:
    params = program("20", "15", "10", max_share=Decimal(30))
    result = compute(order("o", "bo", line("1", "tea", 1, "100.00")), [None, None, None], params)
    # 45.00 asked, 30.00 allowed: 30 × 20/45 = 13.333, 30 × 15/45 = 10, 30 × 10/45 = 6.667;
    # the leftover fen goes to the largest remainder (level 3).
    assert amounts(result) == [("1", 1, "13.33"), ("1", 2, "10.00"), ("1", 3, "6.67")]
    assert result.capped
    assert [d.uncapped.format() for d in result.drafts] == ["20.00", "15.00", "10.00"]


def test_three_levels_with_ranks_and_the_cap() -> None:
    params = program(
        "20",
        "15",
        "10",
        max_share=Decimal(30),
        ranks=(Rank("gold", cny("1000.00"), pct("25", "15", "10")),),
    )
    result = compute(order("o", "bo", line("1", "tea", 1, "100.00")), ["gold", None, None], params)
    assert amounts(result) == [("1", 1, "15.00"), ("1", 2, "9.00"), ("1", 3, "6.00")]


def test_fewer_promoters_than_levels_pays_only_those_levels() -> None:
    params = program("10", "5", "2")
    result = compute(order("o", "bo", line("1", "tea", 1, "100.00")), [None], params)
    assert amounts(result) == [("1", 1, "10.00")]


def test_per_unit_rate_is_capped_at_the_line_base() -> None:
    params = CommissionParams(rates=(Rate(per_unit=cny("5.00")),), compliance=ComplianceProfile.OFF)
    result = compute(order("o", "bo", line("1", "pen", 3, "12.00")), [None], params)
    assert amounts(result) == [("1", 1, "6.00")]  # 15.00 asked, 50 % of 12.00 allowed


def test_shipping_counts_only_when_the_base_includes_it() -> None:
    item = line("1", "tea", 1, "90.00", shipping=cny("10.00"))
    without = compute(order("o", "bo", item), [None], program("10"))
    with_shipping = compute(
        order("o", "bo", item), [None], program("10", base=CommissionBase.PAYABLE_WITH_SHIPPING)
    )
    assert amounts(without) == [("1", 1, "9.00")]
    assert amounts(with_shipping) == [("1", 1, "10.00")]
    assert without.paid == with_shipping.paid == cny("100.00")


def test_ineligible_lines_are_explained() -> None:
    lines = (
        line("1", "tea", 1, "100.00"),
        line("2", "cup", 1, "9.90", activity="flash_sale"),
        line("3", "pot", 1, "50.00", excluded="out of the campaign's scope"),
        line("4", "bag", 1, "0.00"),
    )
    result = compute(order("o", "bo", *lines), [None], program("10"))
    assert amounts(result) == [("1", 1, "10.00")]
    reasons = {i.line_id: (i.reason, i.message) for i in result.ineligible}
    assert reasons["2"][0] is IneligibleReason.ACTIVITY_ITEM
    assert "flash_sale" in reasons["2"][1]
    assert reasons["3"] == (IneligibleReason.EXCLUDED, "out of the campaign's scope")
    assert reasons["4"][0] is IneligibleReason.NOTHING_PAID
    paying = compute(order("o", "bo", *lines), [None], program("10", activity_items=True))
    assert [d.line_id for d in paying.drafts] == ["1", "2"]


def test_rate_precedence_sku_and_rank_then_sku_then_rank_then_default() -> None:
    gold = Rank("gold", cny("100.00"), pct("8"))
    params = program(
        "5",
        ranks=(gold,),
        sku_rates=(
            SkuRates("tea", pct("7")),
            SkuRates("tea", pct("9"), rank="gold"),
        ),
    )
    assert params.rate_for("tea", 1, "gold").percent == 9
    assert params.rate_for("tea", 1, None).percent == 7
    assert params.rate_for("cup", 1, "gold").percent == 8
    assert params.rate_for("cup", 1, None).percent == 5
    assert params.rate_for("cup", 1, "retired-rank").percent == 5


def test_beneficiaries_self_purchase() -> None:
    on = program("10", "5", self_purchase=True)
    off = program("10", "5")
    assert beneficiaries("bo", ("amy", "cai"), on, buyer_is_promoter=True) == ("bo", "amy")
    assert beneficiaries("bo", ("amy", "cai"), on, buyer_is_promoter=False) == ("amy", "cai")
    assert beneficiaries("bo", ("amy", "cai"), off, buyer_is_promoter=True) == ("amy", "cai")
    assert beneficiaries("bo", (), on, buyer_is_promoter=True) == ("bo",)


@settings(max_examples=200, deadline=None)
@given(params=programs(), lines=order_lines(), data=st.data())
def test_commissions_never_exceed_their_share_of_what_was_paid(
    params: CommissionParams, lines: tuple[OrderLine, ...], data: st.DataObject
) -> None:
    ranks = [None] * data.draw(st.integers(min_value=0, max_value=params.levels))
    result = compute(paid(lines), ranks, params)
    share = result.paid.amount * params.max_share / 100
    assert result.total.amount <= share
    assert result.cap.amount == int(share)  # rounded down
    for draft in result.drafts:
        assert 0 < draft.amount.amount <= draft.uncapped.amount
        assert draft.uncapped <= draft.base
    if not result.capped:
        assert all(d.amount == d.uncapped for d in result.drafts)
    else:
        assert result.total == result.cap
    assert total((d.amount for d in result.drafts), "CNY") == result.total
    assert result.total.amount >= 0
    assert isinstance(result.paid, Money)
