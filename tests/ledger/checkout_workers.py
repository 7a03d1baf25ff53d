"""The shop the counted-resources concurrency tests check out against, and its workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from promocore.campaign import Budget, Campaign, Gift, Limits, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.ledger import Checkout, Ledger, Reservation, Resources, checkout
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from tests.ledger.targets import Target

AT = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
GIFTS = 100  # mugs the 满赠 may give
FIRST = 50  # orders the "first N" campaign may discount
CUSTOMERS = 40
TTL = timedelta(minutes=30)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def _ladder(cid: str, tier: Tier, **options: object) -> Campaign:
    return Campaign(cid, cid, "tiered_discount", TieredDiscountParams(tiers=(tier,)), **options)  # type: ignore[arg-type]


CAMPAIGNS = (
    _ladder(
        "mug",
        Tier(cny("100"), gifts=(Gift("mug", cost=cny("8.00")),)),
        limits=Limits(gift_stock={"mug": GIFTS}),
    ),
    _ladder(
        "first",
        Tier(cny("100"), amount_off=cny("10")),
        budget=Budget(cny("100000")),
        limits=Limits(redemptions=FIRST),
    ),
    _ladder("once", Tier(cny("100"), amount_off=cny("5")), limits=Limits(per_customer=1)),
)
ENGINE = Engine(CAMPAIGNS)
RESOURCES = Resources(CAMPAIGNS)


def customer_of(stream: int, n: int) -> str:
    """The customer of order ``n`` of ``stream``: every customer orders several times."""
    return f"c{(stream * 7 + n) % CUSTOMERS}"


def cart_of(customer: str) -> Cart:
    return Cart("CNY", [LineItem("tea", cny("150.00"), 1)], Customer(customer), AT)


#: What one order got: the campaigns applied, its mugs, its total in minor units, and the
#: reservation's grants as ``(account, subject, amount)``.
Outcome = tuple[tuple[str, ...], int, int, tuple[tuple[str, str, int], ...]]


def _grants(reservation: Reservation | None) -> object:
    return None if reservation is None else reservation.grants


def order(ledger: Ledger, key: str, customer: str) -> Outcome:
    """Check out one order from a quote priced with nothing read (the worst case), and commit."""
    cart = cart_of(customer)
    stale = ENGINE.price(cart)

    def go() -> Checkout:
        return checkout(
            ledger,
            key,
            stale,
            lambda left: ENGINE.price(cart, budgets=left),
            resources=RESOURCES,
            customer=customer,
            ttl=TTL,
        )

    done: Checkout = go()
    again: Checkout = go()
    # The same quote and grants (the other process may have committed in between).
    assert (again.quote, again.repriced) == (done.quote, done.repriced), (done, again)
    assert _grants(again.reservation) == _grants(done.reservation)
    quote, reservation = done.quote, done.reservation
    grants: tuple[tuple[str, str, int], ...] = ()
    if reservation is not None:
        committed = ledger.commit(key)
        grants = tuple((g.account, g.subject or "", g.amount) for g in committed.grants)
    mugs = sum(line.quantity for line in quote.lines if line.gift_of == "mug")
    return tuple(a.campaign for a in quote.applied), mugs, quote.total.amount, grants


def shop_into(
    results: Queue[tuple[int, dict[str, Outcome] | str]],
    worker: int,
    target: Target,
    stream: int,
    count: int,
    go: Event,
) -> None:
    """Check out ``count`` orders of ``stream``, each twice; put the outcomes on ``results``."""
    try:
        ledger = target.open()
        go.wait(60)
        outcomes = {}
        for n in range(count):
            key = f"s{stream}-{n}"
            outcomes[key] = order(ledger, key, customer_of(stream, n))
        ledger.close()
        results.put((worker, outcomes))
    except BaseException as error:
        results.put((worker, f"{type(error).__name__}: {error}"))
        raise
