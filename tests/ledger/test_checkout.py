"""Checkout against the real pricing engine and every ledger backend."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from promocore.campaign import Budget, Campaign, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.ledger import (
    AccountSpec,
    Draw,
    Ledger,
    ReservationRefusedError,
    ReservationStatus,
    Resources,
)
from promocore.ledger.checkout import (
    Checkout,
    async_checkout,
    budget_account,
    budget_draws,
    define_budgets,
    remaining_budgets,
)
from promocore.ledger.checkout import checkout as sync_checkout
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from promocore.quote import Quote
from tests.ledger.conftest import make_target
from tests.ledger.targets import SyncBridge

AT = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def ladder(cid: str, budget: str | None, *tiers: tuple[str, str]) -> Campaign:
    params = TieredDiscountParams(tiers=tuple(Tier(cny(t), amount_off=cny(a)) for t, a in tiers))
    return Campaign(
        cid,
        cid,
        "tiered_discount",
        params,
        exclusive_group="store",
        budget=Budget(cny(budget)) if budget else None,
    )


CAMPAIGNS = [
    ladder("d11", "150.00", ("300.00", "50.00"), ("500.00", "100.00")),
    ladder("small", None, ("300.00", "20.00")),
]
ENGINE = Engine(CAMPAIGNS)
CART = Cart("CNY", [LineItem("sku-1", cny("520.00"), 1)], Customer("c-1"), AT)


def checkout(
    ledger: Ledger,
    key: str,
    quote: Quote,
    reprice: Callable[[Mapping[str, Money]], Quote],
    *,
    ttl: timedelta = timedelta(minutes=15),
    extra: Sequence[Draw] = (),
    attempts: int = 4,
    now: datetime | None = None,
    resources: Resources | None = None,
    customer: str | None = None,
) -> Checkout:
    """Check out through ``async_checkout`` on the asyncio backends, ``checkout`` on the others."""
    options: dict[str, Any] = {"ttl": ttl, "extra": extra, "attempts": attempts, "now": now}
    options.update(resources=resources, customer=customer)
    if isinstance(ledger, SyncBridge):
        done: Checkout = ledger.run(async_checkout(ledger.target, key, quote, reprice, **options))
        return done
    return sync_checkout(ledger, key, quote, reprice, **options)


def budgets_of(campaigns: list[Campaign]) -> dict[str, Money]:
    return {c.id: c.budget.limit for c in campaigns if c.budget is not None}


def quote_now(ledger: Ledger) -> Quote:
    return ENGINE.price(CART, budgets=remaining_budgets(ledger, budgets_of(CAMPAIGNS)))


def reprice(budgets: Mapping[str, Money]) -> Quote:
    return ENGINE.price(CART, budgets=budgets)


def shop(ledger: Ledger) -> Ledger:
    define_budgets(ledger, budgets_of(CAMPAIGNS))
    ledger.define(AccountSpec.stock("stock:sku-1", 3))
    return ledger


@pytest.fixture(name="shop")
def shop_fixture(ledger: Ledger) -> Ledger:
    return shop(ledger)


def spend(ledger: Ledger, key: str, amount: str) -> None:
    ledger.reserve(key, [Draw.budget("budget:d11", cny(amount))], timedelta(minutes=5))
    ledger.commit(key)


def test_checkout_reserves_the_quote_as_shown(shop: Ledger) -> None:
    quote = quote_now(shop)
    assert quote.total == cny("420.00")
    done = checkout(shop, "order-1", quote, reprice)
    assert not done.repriced and done.quote is quote
    assert done.reservation is not None
    assert done.reservation.granted("budget:d11") == 10_000
    assert shop.balance("budget:d11").available == 5_000
    assert checkout(shop, "order-1", quote, reprice) == done
    assert shop.balance("budget:d11").available == 5_000


def test_checkout_reprices_when_the_budget_ran_short(shop: Ledger) -> None:
    quote = quote_now(shop)
    spend(shop, "someone-else", "120.00")
    done = checkout(shop, "order-1", quote, reprice, extra=[Draw.stock("stock:sku-1", 1)])
    assert done.repriced
    assert done.quote.total == cny("490.00")  # the last 30.00 of the budget, exactly
    assert done.quote.budget_draws[0].amount == cny("30.00")
    assert done.reservation is not None
    assert [g.amount for g in done.reservation.grants] == [3_000, 1]
    assert shop.balance("budget:d11").available == 0
    assert shop.balance("stock:sku-1").reserved == 1
    shop.commit("order-1")
    assert shop.balance("budget:d11").committed == 15_000


def test_retried_checkout_after_a_reprice_returns_the_same_result(shop: Ledger) -> None:
    quote = quote_now(shop)
    spend(shop, "someone-else", "120.00")
    first = checkout(shop, "order-1", quote, reprice)
    again = checkout(shop, "order-1", quote, reprice)
    assert again == first
    assert shop.balance("budget:d11").reserved == 3_000


def test_exhausted_budget_falls_back_to_the_next_best_campaign(shop: Ledger) -> None:
    quote = quote_now(shop)
    spend(shop, "someone-else", "150.00")
    done = checkout(shop, "order-1", quote, reprice, extra=[Draw.stock("stock:sku-1", 1)])
    assert done.repriced
    assert done.quote.total == cny("500.00")
    assert done.quote.reason("d11") is not None
    assert done.reservation is not None
    assert [g.account for g in done.reservation.grants] == ["stock:sku-1"]


def test_nothing_to_reserve(shop: Ledger) -> None:
    quote = quote_now(shop)
    spend(shop, "someone-else", "150.00")
    done = checkout(shop, "order-1", quote, reprice)
    assert done.repriced and done.reservation is None
    assert shop.reservation("order-1") is None


def test_short_extra_draws_are_refused_as_is(shop: Ledger) -> None:
    quote = quote_now(shop)
    with pytest.raises(ReservationRefusedError) as info:
        checkout(shop, "order-1", quote, reprice, extra=[Draw.stock("stock:sku-1", 4)])
    assert [s.account for s in info.value.shortfalls] == ["stock:sku-1"]
    assert shop.balance("budget:d11").available == 15_000


def test_gives_up_after_its_attempts(shop: Ledger) -> None:
    quote = quote_now(shop)
    spend(shop, "someone-else", "120.00")
    with pytest.raises(ReservationRefusedError):
        checkout(shop, "order-1", quote, lambda budgets: quote, attempts=2)
    assert shop.balance("budget:d11").reserved == 0


def test_expired_checkout_gives_the_budget_back(shop: Ledger) -> None:
    quote = quote_now(shop)
    done = checkout(shop, "order-1", quote, reprice, ttl=timedelta(minutes=1), now=AT)
    assert done.reservation is not None
    later = AT + timedelta(minutes=1)
    assert shop.balance("budget:d11", now=later).available == 15_000
    view = shop.reservation("order-1", now=later)
    assert view is not None and view.status is ReservationStatus.EXPIRED


def test_helpers_and_validation(shop: Ledger) -> None:
    quote = quote_now(shop)
    assert budget_account("d11") == "budget:d11"
    assert budget_draws(quote) == [Draw.budget("budget:d11", cny("100.00"))]
    with pytest.raises(ValidationError) as info:
        checkout(
            shop,
            "",
            "quote",  # type: ignore[arg-type]
            reprice,
            ttl=timedelta(0),
            extra=["x"],  # type: ignore[list-item]
            attempts=0,
        )
    assert [p.path for p in info.value.problems] == ["key", "quote", "ttl", "extra[0]", "attempts"]


def test_define_budgets_validates(shop: Ledger) -> None:
    with pytest.raises(ValidationError, match=r"^budgets\['x'\]: must be Money"):
        define_budgets(shop, {"x": 5})  # type: ignore[dict-item]


@pytest.mark.parametrize("backend", ["postgres-async", "redis-async"])
def test_async_checkout_takes_a_coroutine_repricer(
    request: pytest.FixtureRequest, tmp_path: Path, unique_name: str, backend: str
) -> None:
    bridge = make_target(request, backend, tmp_path, unique_name).open()
    assert isinstance(bridge, SyncBridge)
    shop(bridge)
    quote = quote_now(bridge)
    spend(bridge, "other", "120.00")
    calls: list[Mapping[str, Money]] = []

    async def reprice_async(budgets: Mapping[str, Money]) -> Quote:
        calls.append(budgets)
        return ENGINE.price(CART, budgets=budgets)

    done = bridge.run(async_checkout(bridge.target, "order-1", quote, reprice_async))
    assert done.repriced and calls == [{"d11": cny("30.00")}]
    assert done.reservation is not None
    assert done.reservation.granted("budget:d11") == 3_000
    bridge.close()
