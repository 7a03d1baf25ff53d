"""Counted resources: declared by campaigns, reserved at checkout in one call, returned."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from promocore.campaign import Budget, Campaign, Gift, Limits, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.config import campaign_from_dict, campaign_to_dict, load_campaigns
from promocore.counted import FatigueCap, Period, PeriodCap, Remaining, window
from promocore.engine import Engine
from promocore.errors import ConfigError, ValidationError
from promocore.ledger import Checkout, Ledger, MemoryLedger, ReservationStatus, Resources, give_back
from promocore.ledger.contingency import budget_report, release_contingency
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from promocore.quote import Quote, Reason
from tests.core.builders import cny
from tests.ledger.conftest import make_target
from tests.ledger.test_checkout import checkout

AT = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def ladder(cid: str, tier: Tier, **options: object) -> Campaign:
    params = TieredDiscountParams(tiers=(tier,))
    return Campaign(cid, cid, "tiered_discount", params, **options)  # type: ignore[arg-type]


def off(amount: str) -> Tier:
    return Tier(cny("100"), amount_off=cny(amount))


GIFT = ladder(
    "gift",
    Tier(cny("100"), gifts=(Gift("mug", cost=cny("8.00")),)),
    limits=Limits(gift_stock={"mug": 2}),
)
FIRST = ladder(
    "first",
    off("10"),
    budget=Budget(cny("30"), contingency=Decimal("0.1")),
    limits=Limits(redemptions=5),
)
ONCE = ladder("once", off("5"), limits=Limits(per_customer=1))
DAILY = ladder(
    "daily",
    off("1"),
    limits=Limits(periods=[PeriodCap(Period.DAY, redemptions=2)]),  # Asia/Shanghai days
)
LOYAL = ladder("loyal", off("5"), limits=Limits(per_customer_value=cny("12")))


def cart(customer: str = "c-1", price: str = "150", quantity: int = 1, at: datetime = AT) -> Cart:
    return Cart("CNY", [LineItem("tea", cny(price), quantity)], Customer(customer), at)


class Shop:
    """An engine, its resources and a ledger; orders are checked out from stale quotes."""

    def __init__(
        self, *campaigns: Campaign, fatigue: FatigueCap | None = None, ledger: Ledger | None = None
    ) -> None:
        self.engine = Engine(campaigns)
        self.resources = Resources(campaigns, fatigue=fatigue)
        self.ledger = ledger if ledger is not None else MemoryLedger()
        self.resources.define(self.ledger)

    def checkout(self, key: str, basket: Cart) -> Checkout:
        """Check out ``basket`` from a quote priced with nothing read, twice: the same result."""
        stale = self.engine.price(basket)
        customer = basket.customer.id if basket.customer else None

        def reprice(left: Mapping[str, Money]) -> Quote:
            return self.engine.price(basket, budgets=left)

        options: dict[str, object] = {"resources": self.resources, "customer": customer}
        done = checkout(self.ledger, key, stale, reprice, attempts=6, **options)  # type: ignore[arg-type]
        again = checkout(self.ledger, key, stale, reprice, attempts=6, **options)  # type: ignore[arg-type]
        assert (again.quote, again.repriced) == (done.quote, done.repriced)
        return done

    def order(self, key: str, basket: Cart) -> Quote:
        """Check out and pay."""
        done = self.checkout(key, basket)
        if done.reservation is not None:
            self.ledger.commit(key)
        return done.quote

    def left(self, account: str, subject: str | None = None) -> int:
        return self.ledger.balance(account, subject).available


def applied(quote: Quote) -> list[str]:
    return [a.campaign for a in quote.applied]


def test_declarations_refuse_bad_values() -> None:
    with pytest.raises(ValidationError) as info:
        Limits(redemptions=0, per_customer_value=cny("0"))
    assert [p.path for p in info.value.problems] == [
        "redemptions",
        "per_customer_value",
    ]
    with pytest.raises(ValidationError, match="capped twice"):
        Limits(periods=[PeriodCap(Period.DAY, 1), PeriodCap(Period.DAY, value=cny("1"))])
    with pytest.raises(ValidationError, match=r"gift_stock\.mug: must be >= 0"):
        Limits(gift_stock={"mug": -1})
    with pytest.raises(ValidationError, match="needs redemptions or value"):
        PeriodCap(Period.WEEK)
    with pytest.raises(ValidationError, match="needs campaigns or value"):
        FatigueCap(Period.DAY)
    with pytest.raises(ValidationError, match="contingency: must be a share > 0 and < 1"):
        Budget(cny("10"), contingency=Decimal("1"))
    with pytest.raises(ValidationError, match=r"limits.per_customer_value: is in USD, not CNY"):
        ladder("x", off("1"), limits=Limits(per_customer_value=Money(100, "USD")))
    budget = Budget(cny("33.33"), contingency=Decimal("0.15"))
    assert (budget.held_back, budget.spendable) == (cny("4.99"), cny("28.34"))  # 4.9995 down


def test_windows_are_in_the_campaigns_time_zone() -> None:
    sunday_night = datetime(2026, 11, 15, 16, 30, tzinfo=UTC)  # Monday 00:30 in Shanghai
    assert window(Period.WEEK, sunday_night, "UTC") == "2026-W46"
    assert window(Period.WEEK, sunday_night, "Asia/Shanghai") == "2026-W47"
    assert (
        window(Period.MONTH, datetime(2026, 11, 30, 16, tzinfo=UTC), "Asia/Shanghai") == "2026-12"
    )


def test_campaign_files_declare_every_counted_resource(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.toml"
    path.write_text(
        """
[[campaigns]]
id = "mug"
name = "mug with tea"
mechanic = "tiered_discount"
time_zone = "Asia/Urumqi"
budget = { limit = "1000", contingency = "0.1" }
params = { tiers = [{ threshold = "100", gifts = [{ sku = "mug", cost = "8" }] }] }

[campaigns.limits]
per_customer = 1
redemptions = 100
per_customer_value = "50"
gift_stock = { mug = 100 }
periods = [{ period = "day", redemptions = 10 }, { period = "week", value = "300" }]
""",
        encoding="utf-8",
    )
    (campaign,) = load_campaigns(path)
    limits = campaign.limits
    assert campaign.budget == Budget(cny("1000"), contingency=Decimal("0.1"))
    assert (limits.redemptions, limits.per_customer_value) == (100, cny("50"))
    assert limits.periods == (
        PeriodCap(Period.DAY, redemptions=10),
        PeriodCap(Period.WEEK, value=cny("300")),
    )
    assert limits.gift_stock == (("mug", 100),) and campaign.time_zone == "Asia/Urumqi"
    assert campaign_from_dict(campaign_to_dict(campaign)) == campaign
    bad = path.read_text(encoding="utf-8").replace('"day"', '"year"').replace("100 }", "-1 }")
    path.write_text(bad.replace('"0.1"', '"1.5"'), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_campaigns(path)
    assert [p.path for p in info.value.problems] == [
        "campaigns[0].budget.contingency",
        "campaigns[0].limits.periods[0].period",
    ]


def test_the_engine_honours_what_is_left() -> None:
    engine = Engine([GIFT, FIRST, ONCE])
    left = Remaining(
        {"first": cny("3.00")}, {"once": "already used 1 time(s), its limit"}, {("gift", "mug"): 0}
    )
    quote = engine.price(cart(), budgets=left)
    assert quote.total == cny("147.00")
    assert [a.campaign for a in quote.applied] == ["first"]
    assert quote.applied[0].budget_capped
    assert quote.reason("gift") == Reason.OUT_OF_STOCK
    assert quote.reason("once") == Reason.LIMIT_REACHED
    assert left == Remaining({"first": cny("3.00")}, {"once": "..."}, {}).updated(left)
    assert Remaining({"first": cny("3.00")}) == {"first": cny("3.00")}


def test_one_reservation_holds_every_resource_of_the_order() -> None:
    shop = Shop(GIFT, FIRST, ONCE, DAILY, LOYAL)
    done = shop.checkout("o-1", cart())
    assert not done.repriced and done.quote.total == cny("129.00")  # 10 + 5 + 1 + 5 off
    assert done.reservation is not None
    grants = [(g.account, g.subject or "", g.amount) for g in done.reservation.grants]
    assert grants[0] == ("budget:first", "", 1_000)  # budgets first, then in quote order
    assert sorted(grants) == [
        ("budget:first", "", 1_000),
        ("customer-value:loyal", "c-1", 500),
        ("gift:gift:mug", "", 1),
        ("period:daily:day:redemptions", "2026-11-11", 1),
        ("redemptions:first", "", 1),
        ("uses:once", "c-1", 1),
    ]


def test_budget_is_spent_to_the_contingency_then_released_and_reported() -> None:
    shop = Shop(FIRST)
    assert [shop.order(f"o-{n}", cart(f"c-{n}")).total for n in range(3)] == [
        cny("140.00"),
        cny("140.00"),
        cny("143.00"),  # the last 7.00 of the 27.00 spendable: 3.00 is held back
    ]
    fourth = shop.order("o-3", cart("c-3"))
    assert fourth.reason("first") == Reason.BUDGET_EXHAUSTED
    report = budget_report(shop.ledger, shop.resources, "first")
    assert (report.limit, report.contingency, report.released) == (
        cny("30.00"),
        cny("3.00"),
        cny("0.00"),
    )
    assert (report.spendable, report.committed, report.available) == (
        cny("27.00"),
        cny("27.00"),
        cny("0.00"),
    )
    after = release_contingency(shop.ledger, shop.resources, "rel-1", "first", cny("2.00"))
    again = release_contingency(shop.ledger, shop.resources, "rel-1", "first", cny("2.00"))
    assert after == again and after.available == cny("2.00")
    assert (after.released, after.contingency_left) == (cny("2.00"), cny("1.00"))
    assert shop.order("o-4", cart("c-4")).total == cny("148.00")
    with pytest.raises(ValidationError, match="amount: must be an amount > 0 in CNY"):
        release_contingency(shop.ledger, shop.resources, "rel-2", "first", Money(100, "USD"))


def test_gift_stock_runs_out_and_the_quote_says_so() -> None:
    shop = Shop(GIFT, FIRST)
    mugs = []
    for n in range(3):
        quote = shop.order(f"o-{n}", cart(f"c-{n}"))
        mugs.append(sum(line.quantity for line in quote.lines if line.gift_of == "gift"))
        last = quote
    assert mugs == [1, 1, 0]
    assert last.reason("gift") == Reason.OUT_OF_STOCK and applied(last) == ["first"]
    assert shop.left("gift:gift:mug") == 0


def test_first_n_orders() -> None:
    shop = Shop(attrs.evolve(FIRST, budget=None))
    quotes = [shop.order(f"o-{n}", cart(f"c-{n}")) for n in range(6)]
    assert [applied(q) for q in quotes] == [["first"]] * 5 + [[]]
    assert quotes[-1].reason("first") == Reason.LIMIT_REACHED
    assert shop.left("redemptions:first") == 0


def test_per_customer_limits_count_in_the_ledger_not_the_caller() -> None:
    shop = Shop(ONCE, LOYAL)
    first = shop.order("o-1", cart("c-1"))
    second = shop.order("o-2", cart("c-1"))
    third = shop.order("o-3", cart("c-1"))
    other = shop.order("o-4", cart("c-2"))
    assert applied(first) == ["loyal", "once"] or applied(first) == ["once", "loyal"]
    assert second.reason("once") == Reason.LIMIT_REACHED
    assert second.applied_amount("loyal") == cny("5.00")
    assert third.applied_amount("loyal") == cny("2.00")  # 12.00 per customer: 5 + 5 + 2
    assert shop.order("o-5", cart("c-1")).reason("loyal") == Reason.LIMIT_REACHED
    assert other.total == cny("140.00")
    with pytest.raises(ValidationError, match="customer: is required"):
        shop.resources.draws(first)


def test_periodic_caps_count_per_window_in_the_campaigns_time_zone() -> None:
    shop = Shop(DAILY)
    evening = datetime(2026, 11, 11, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    night = datetime(2026, 11, 11, 16, 0, tzinfo=UTC)  # 00:00 on the 12th
    quotes = [shop.order(f"o-{n}", cart(f"c-{n}", at=evening)) for n in range(3)]
    assert [applied(q) for q in quotes] == [["daily"], ["daily"], []]
    assert quotes[2].reason("daily") == Reason.LIMIT_REACHED
    assert applied(shop.order("o-3", cart("c-3", at=night))) == ["daily"]
    assert shop.left("period:daily:day:redemptions", "2026-11-12") == 1


def test_the_fatigue_cap_keeps_the_most_valuable_campaigns() -> None:
    fatigue = FatigueCap(Period.DAY, campaigns=2, time_zone="Asia/Shanghai")
    shop = Shop(GIFT, FIRST, ONCE, DAILY, fatigue=fatigue)
    first = shop.order("o-1", cart("c-1"))
    assert sorted(applied(first)) == ["first", "gift"]  # 10.00 off and an 8.00 mug kept
    assert "promotion cap for the period is reached" in next(
        n.message for n in first.not_applied if n.campaign == "daily"
    )
    assert applied(shop.order("o-2", cart("c-1"))) == []
    assert len(applied(shop.order("o-3", cart("c-2")))) == 2
    value = Shop(FIRST, ONCE, DAILY, fatigue=FatigueCap(Period.DAY, value=cny("12")))
    assert sorted(applied(value.order("o-1", cart("c-1")))) == ["daily", "first"]


def test_retries_after_a_reprice_replay_the_same_quote() -> None:
    shop = Shop(GIFT, FIRST, ONCE, DAILY, LOYAL)
    for n in range(4):
        shop.order(f"o-{n}", cart("c-1"))  # Shop.checkout checks each retry
    done = shop.checkout("o-3", cart("c-1"))
    assert done.repriced and done.quote.reason("once") == Reason.LIMIT_REACHED


def test_cancel_gives_everything_back() -> None:
    shop = Shop(GIFT, FIRST, ONCE)
    done = shop.checkout("o-1", cart("c-1"))
    back = give_back(shop.ledger, "o-1", "cancel", done.quote, shop.resources)
    assert {account for account, _ in back} == {
        "budget:first",
        "gift:gift:mug",
        "redemptions:first",
        "uses:once",
    }
    assert shop.left("budget:first") == 2_700 and shop.left("gift:gift:mug") == 2
    assert shop.left("uses:once", "c-1") == 1
    view = shop.ledger.reservation("o-1")
    assert view is not None and view.status is ReservationStatus.RELEASED


def test_refunds_return_budget_gifts_and_redemptions_partially() -> None:
    shop = Shop(GIFT, FIRST, ONCE)
    three = cart("c-1", price="40", quantity=3)  # 120.00: 10.00 and 5.00 off, one mug
    done = shop.checkout("o-1", three)
    shop.ledger.commit("o-1")
    quote = done.quote
    assert quote.total == cny("105.00")
    one = give_back(shop.ledger, "o-1", "r-1", quote, shop.resources, returned={0: 1})
    assert one == [("budget:first", 333)]  # a third of 10.00, rounded down
    again = give_back(shop.ledger, "o-1", "r-1", quote, shop.resources, returned={0: 1})
    assert again == one and shop.left("budget:first") == 2_700 - 1_000 + 333
    rest = give_back(
        shop.ledger, "o-1", "r-2", quote, shop.resources, returned={0: 2, 1: 1}, before={0: 1}
    )
    assert sorted(rest) == [("budget:first", 667), ("gift:gift:mug", 1), ("redemptions:first", 1)]
    assert shop.left("budget:first") == 2_700 and shop.left("gift:gift:mug") == 2
    assert shop.left("redemptions:first") == 5
    assert shop.left("uses:once", "c-1") == 0  # a returned purchase still counts per customer
    shop.checkout("o-2", cart("c-2"))
    with pytest.raises(ValidationError, match="returned: an unpaid order is released whole"):
        give_back(shop.ledger, "o-2", "r-1", quote, shop.resources, returned={0: 1})


@pytest.mark.parametrize("backend", ["sqlite", "postgres-async", "redis"])
def test_every_resource_on_a_real_backend(
    request: pytest.FixtureRequest, tmp_path: Path, unique_name: str, backend: str
) -> None:
    ledger = make_target(request, backend, tmp_path, unique_name).open()
    shop = Shop(GIFT, FIRST, ONCE, DAILY, LOYAL, ledger=ledger)
    totals = [shop.order(f"o-{n}", cart("c-1")).total for n in range(4)]
    # 10 + 5 + 1 + 5 off and a mug; then 10 + 1 + 5 and the last mug ("once" used); then
    # the last 7.00 of the spendable budget and the last 2.00 of "loyal" ("daily" used up
    # for the day); then nothing is left.
    assert totals == [cny("129.00"), cny("134.00"), cny("141.00"), cny("150.00")]
    assert shop.left("gift:gift:mug") == 0 and shop.left("budget:first") == 0
    ledger.close()


def test_a_returned_gift_gives_its_value_back_to_the_budget() -> None:
    mugs = ladder(
        "mugs",
        Tier(cny("100"), gifts=(Gift("mug", 2, cost=cny("8.00")),)),
        budget=Budget(cny("100")),
        limits=Limits(gift_stock={"mug": 5}),
    )
    shop = Shop(mugs)
    done = shop.checkout("o-1", cart("c-1"))
    shop.ledger.commit("o-1")
    assert shop.left("budget:mugs") == 10_000 - 1_600 and shop.left("gift:mugs:mug") == 3
    back = give_back(shop.ledger, "o-1", "r-1", done.quote, shop.resources, returned={1: 1})
    assert sorted(back) == [("budget:mugs", 800), ("gift:mugs:mug", 1)]
    whole = give_back(
        shop.ledger, "o-1", "r-2", done.quote, shop.resources, returned={0: 1, 1: 1}, before={1: 1}
    )
    assert sorted(whole) == [("budget:mugs", 800), ("gift:mugs:mug", 1)]
    assert shop.left("budget:mugs") == 10_000 and shop.left("gift:mugs:mug") == 5


def test_a_gift_short_of_stock_gives_what_is_left_and_says_what_it_withheld() -> None:
    two = ladder(
        "two",
        Tier(cny("100"), amount_off=cny("1"), gifts=(Gift("mug", 2, cost=cny("8.00")),)),
        limits=Limits(gift_stock={"mug": 5}),
    )
    quote = Engine([two]).price(cart(), budgets=Remaining(gifts={("two", "mug"): 1}))
    assert [(line.sku, line.quantity) for line in quote.lines if line.gift_of] == [("mug", 1)]
    assert quote.granted("two") == cny("9.00")
    (withheld,) = quote.withheld
    assert (withheld.reason, withheld.grant.sku, withheld.grant.quantity) == (
        Reason.OUT_OF_STOCK,
        "mug",
        1,
    )
    assert withheld.grant.value == cny("8.00") and "short of stock" in quote.applied[0].message


@pytest.mark.parametrize("backend", ["postgres-async", "redis-async"])
def test_the_asyncio_twins(
    request: pytest.FixtureRequest, tmp_path: Path, unique_name: str, backend: str
) -> None:
    from promocore.ledger.checkout import async_checkout
    from promocore.ledger.contingency import async_release_contingency
    from promocore.ledger.refunds import async_give_back
    from tests.ledger.targets import SyncBridge

    bridge = make_target(request, backend, tmp_path, unique_name).open()
    assert isinstance(bridge, SyncBridge)
    ledger = bridge.target
    engine, resources = Engine([GIFT, FIRST, ONCE]), Resources([GIFT, FIRST, ONCE])

    async def scenario() -> tuple[Quote, Quote, list[tuple[str, int]], Money]:
        await resources.async_define(ledger)
        basket = cart("c-1")
        left = await resources.async_remaining(ledger, at=AT, customer="c-1")
        quote = engine.price(basket, budgets=left)

        async def reprice(left: Mapping[str, Money]) -> Quote:
            return engine.price(basket, budgets=left)

        first = await async_checkout(
            ledger, "o-1", quote, reprice, resources=resources, customer="c-1"
        )
        await ledger.commit("o-1")
        second = await async_checkout(
            ledger, "o-2", quote, reprice, resources=resources, customer="c-1"
        )
        back = await async_give_back(ledger, "o-2", "cancel", second.quote, resources)
        report = await async_release_contingency(ledger, resources, "rel", "first", cny("1.00"))
        return first.quote, second.quote, back, report.available

    first, second, back, available = bridge.run(scenario())
    assert first.total == cny("135.00") and second.reason("once") == Reason.LIMIT_REACHED
    assert sorted(account for account, _ in back) == [
        "budget:first",
        "gift:gift:mug",
        "redemptions:first",
    ]
    assert available == cny("18.00")  # 27.00 - 10.00 + 1.00 released
    bridge.close()
