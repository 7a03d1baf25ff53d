"""Hand-checked pricing with points, and the commands a paid quote gives."""

import pytest

from promocore.campaign import Campaign, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import price
from promocore.errors import ValidationError
from promocore.games.points import (
    Earn,
    EarnRule,
    PointsAccount,
    PointsProgram,
    PointsRate,
    RedemptionRule,
    Refund,
    earn_command,
    earned,
    earning_campaign_id,
    order_value,
    points_campaigns,
    redeem_command,
    redeemed,
    redemption_campaign_id,
    transition,
)
from promocore.games.points.mechanic import PointsReason
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money

from .builders import NOW, cny, program

PROGRAM = program()
PAY = redemption_campaign_id(PROGRAM)


def cart(*prices: str) -> Cart:
    return Cart(
        "CNY", [LineItem(f"S{i}", cny(p)) for i, p in enumerate(prices)], Customer("u1"), NOW
    )


def test_points_pay_up_to_the_share_and_earn_on_the_rest() -> None:
    quote = price(cart("60.00", "40.00"), points_campaigns(PROGRAM, 12_345))
    assert redeemed(quote, PROGRAM) == (5000, cny("50.00"))  # half of ¥100
    assert quote.total == cny("50.00")
    assert [line.discount for line in quote.lines] == [cny("30.00"), cny("20.00")]
    assert earned(quote, PROGRAM) == 50  # 1 point per ¥1 actually paid
    assert order_value(quote, PROGRAM) == cny("100.00")


def test_points_follow_the_other_stages() -> None:
    ladder = Campaign(
        "mj", "满100减20", "tiered_discount",
        TieredDiscountParams(tiers=(Tier(cny("100"), amount_off=cny("20")),)),
    )  # fmt: skip
    quote = price(cart("120.00"), [ladder, *points_campaigns(PROGRAM, 3_000)])
    assert redeemed(quote, PROGRAM) == (3000, cny("30.00"))
    assert quote.total == cny("70.00")
    assert earned(quote, PROGRAM) == 70


def test_minimum_points_and_opting_out() -> None:
    quote = price(cart("100.00"), points_campaigns(PROGRAM, 99))
    assert quote.reason(PAY) == PointsReason.BELOW_MINIMUM
    quote = price(cart("100.00"), points_campaigns(PROGRAM, 5_000, use=0))
    assert quote.reason(PAY) == PointsReason.NOT_REQUESTED
    quote = price(cart("100.00"), points_campaigns(PROGRAM, 5_000, use=1_234))
    assert redeemed(quote, PROGRAM) == (1234, cny("12.34"))


def test_points_never_split_a_minor_unit() -> None:
    thousand = program(per_yuan=1000, max_share="100", min_points=0, earn=False)
    quote = price(cart("100.00"), points_campaigns(thousand, 1_239))
    assert redeemed(quote, thousand) == (1230, cny("1.23"))  # the last 9 points stay
    assert earning_campaign_id(thousand) not in {a.campaign for a in quote.applied}


def test_commands_of_a_paid_order_and_a_partial_refund() -> None:
    account = PointsAccount("u1")
    account, _ = transition(account, Earn("seed", 4000), NOW)
    quote = price(cart("80.00", "20.00"), points_campaigns(PROGRAM, account.balance(NOW)))
    redeem = redeem_command(quote, PROGRAM, "o1")
    earn = earn_command(quote, PROGRAM, "o1", NOW)
    assert redeem is not None and earn is not None
    assert (redeem.points, redeem.basis) == (4000, cny("100.00"))
    assert (earn.points, earn.basis, earn.key) == (60, cny("100.00"), "order:o1")
    account, _ = transition(account, redeem, NOW)
    account, _ = transition(account, earn, NOW)
    assert account.balance(NOW) == 4000 - 4000 + 60
    # the ¥20.00 line is returned: a fifth of the order's value
    account, events = transition(account, Refund("o1", "refund-1", cny("20.00")), NOW)
    assert account.balance(NOW) == 60 + 800 - 12
    assert len(events) == 2
    assert redeem_command(price(cart("1.00"), points_campaigns(PROGRAM, 0)), PROGRAM, "o2") is None


def test_program_checks_its_currency() -> None:
    usd_rate = RedemptionRule(PointsRate(100, Money(100, "USD")))
    with pytest.raises(ValidationError) as info:
        PointsProgram("p", "p", usd_rate, EarnRule(1, cny("1")))
    assert [p.path for p in info.value.problems] == ["redemption.rate.value"]
