"""A cart that every promotion game prices, built from the games' pure modules only.

Used by the layering test: importing the engine, every built-in mechanic (and the group-buy and
flash-sale plugins) and pricing this cart must load no store, ledger, cattrs or hypothesis
module. Import nothing here but the pure modules a pricing backend needs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from promocore_flashsale.params import FlashItem, FlashSaleParams, Slot
from promocore_groupbuy.lines import group_buy_line
from promocore_groupbuy.params import GroupBuyParams, GroupPrice

from promocore.campaign import Campaign, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import price
from promocore.games.bargain.model import Help, Start
from promocore.games.bargain.params import BargainParams
from promocore.games.bargain.rules import apply
from promocore.games.bargain.snapshot import REF, annotate
from promocore.games.commission.params import CommissionParams, Rate
from promocore.games.coupons.params import CouponOffer, CouponTemplate, Validity
from promocore.games.coupons.pricing import coupon_campaigns
from promocore.games.coupons.rules import issue_to
from promocore.games.invites.model import Bind, InviteBoard
from promocore.games.invites.params import InviteProgram, QualifyOn, Rung
from promocore.games.invites.pricing import invite_campaign
from promocore.games.invites.rules import transition as invite
from promocore.games.points.params import (
    EarnRule,
    Expiry,
    PointsProgram,
    PointsRate,
    RedemptionRule,
)
from promocore.games.points.pricing import points_campaigns
from promocore.games.presale.lines import Phase, presale_line
from promocore.games.presale.mechanic import pricing_stage
from promocore.games.presale.params import PresaleParams, Window
from promocore.money import Money
from promocore.quote import Quote

AT = datetime(2026, 10, 21, 2, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def campaigns_and_cart() -> tuple[list[Campaign], Cart]:
    """One campaign of every game, and a cart each of them prices."""
    bargain = Campaign(
        id="kan",
        name="砍价",
        mechanic="bargain",
        params=BargainParams(
            sku="tea",
            start_price=cny("100"),
            floor_price=cny("60"),
            helpers_needed=1,
            min_cut=cny("1"),
        ),
    )
    session, _ = apply(None, Start("s-1", "kan", "ann", bargain.params), AT)
    session, _ = apply(session, Help("bo"), AT)
    terms = PresaleParams(
        sku="lipstick",
        presale_price=cny("999"),
        deposit=cny("50"),
        deduction=cny("150"),
        deposit_window=Window(AT - timedelta(days=1), AT + timedelta(days=1)),
        final_window=Window(AT + timedelta(days=2), AT + timedelta(days=3)),
        stock=100,
    )
    presale = Campaign(
        id="presale", name="预售", mechanic="presale", params=terms, stage=pricing_stage(terms)
    )
    group_buy = Campaign(
        id="pin",
        name="拼团",
        mechanic="group_buy",
        params=GroupBuyParams(prices=(GroupPrice("cup", cny("20")),), team_size=2),
    )
    flash_sale = Campaign(
        id="rush",
        name="秒杀",
        mechanic="flash_sale",
        params=FlashSaleParams(
            items=(FlashItem("phone", cny("999"), 10),), slots=(Slot("00:00", "23:59"),)
        ),
    )
    template = CouponTemplate(
        "t10",
        "¥10 off",
        CouponOffer(amount_off=cny("10")),
        Validity.days_after_claim(7),
        issue_quantity=100,
    )
    coupon, _ = issue_to(template, "C-1", "ann", "claim-1", AT)
    program = PointsProgram(
        "member",
        "积分",
        RedemptionRule(PointsRate(100, cny("1")), max_share=Decimal(50)),
        EarnRule(1, cny("1")),
        Expiry(years=1),
    )
    commission = Campaign(
        id="fx",
        name="分销",
        mechanic="commission",
        params=CommissionParams(rates=(Rate(percent=Decimal(10)),)),
        stage=Stage.POST,
    )
    invites = InviteProgram(
        "friends", "邀请有礼", (Rung(1, points=100),), qualify_on=QualifyOn.FIRST_PURCHASE
    )
    board, _ = invite(InviteBoard(invites), Bind("ann", "amy"), AT)
    invited = invite_campaign(board, "ann", currency="CNY")
    assert invited is not None
    campaigns = [
        bargain,
        presale,
        group_buy,
        flash_sale,
        *coupon_campaigns([template], [coupon], customer_id="ann"),
        *points_campaigns(program, 2_000),
        commission,
        invited,
    ]
    lines = [
        LineItem("tea", cny("100"), refs={REF: "s-1"}),
        presale_line(terms, 1, Phase.DEPOSIT),
        group_buy_line("pin", "cup", cny("30")),
        LineItem("phone", cny("1299")),
        LineItem("book", cny("88")),
    ]
    cart = annotate(Cart("CNY", lines, customer=Customer("ann"), at=AT), [session])
    return campaigns, cart


def price_a_cart_touching_every_game() -> Quote:
    """Price the cart, and check that every game's campaign took part."""
    campaigns, cart = campaigns_and_cart()
    quote = price(cart, campaigns, at=AT)
    applied = {a.campaign for a in quote.applied}
    missing = {c.id for c in campaigns} - applied
    assert not missing, [(n.campaign, n.reason, n.message) for n in quote.not_applied]
    return quote
