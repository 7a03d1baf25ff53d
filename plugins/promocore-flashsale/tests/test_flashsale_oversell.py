"""Eight processes rushing one flash sale never oversell its stock or a customer's limit."""

from __future__ import annotations

import multiprocessing
import os
import random
from collections import Counter
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

import pytest
from flashsale_builders import IN_SESSION, cny
from flashsale_targets import LedgerTarget
from promocore_flashsale import (
    CustomerLimitError,
    FlashItem,
    FlashSaleParams,
    FlashSaleService,
    Slot,
    SoldOutError,
)

from promocore import Campaign

PROCESSES = 8
ORDERS = 120  # per process: about four times what is in stock
STOCK = {"phone": 60, "case": 120}
LIMIT = 3
CUSTOMERS = [f"c{i}" for i in range(80)]

CONTEXT: ForkContext | SpawnContext = (
    multiprocessing.get_context("fork")
    if os.name == "posix"
    else multiprocessing.get_context("spawn")
)

CAMPAIGN = Campaign(
    "rush",
    "秒杀",
    "flash_sale",
    FlashSaleParams(
        items=tuple(FlashItem(sku, cny("1.00"), units) for sku, units in STOCK.items()),
        slots=(Slot("00:00", "23:59"),),
        per_customer_limit=LIMIT,
    ),
)

#: What a worker reports: for each order placed, (order id, customer, units, paid).
Placed = tuple[str, str, tuple[tuple[str, int], ...], bool]


def rush(target: LedgerTarget, worker: int, go: Event) -> list[Placed]:
    """Place orders until the stock is gone; pay most, cancel some, leave some unpaid."""
    rng = random.Random(worker)
    ledger = target.open()
    sale = FlashSaleService(ledger)
    go.wait(60)
    placed: list[Placed] = []
    for n in range(ORDERS):
        order = f"w{worker}-{n}"
        customer = rng.choice(CUSTOMERS)
        units = {sku: rng.randint(1, 2) for sku in rng.sample(sorted(STOCK), rng.randint(1, 2))}
        try:
            hold = sale.hold(CAMPAIGN, order, customer, units, now=IN_SESSION)
        except (SoldOutError, CustomerLimitError):
            continue
        assert sale.hold(CAMPAIGN, order, customer, units, now=IN_SESSION) == hold  # a retry
        fate = rng.random()
        if fate < 0.15:
            sale.cancel(CAMPAIGN, order, now=IN_SESSION)
            continue
        paid = fate < 0.9
        if paid:
            sale.pay(CAMPAIGN, order, now=IN_SESSION)
        placed.append((order, customer, hold.units, paid))
    ledger.close()
    return placed


def rush_into(
    queue: Queue[list[Placed] | str], target: LedgerTarget, worker: int, go: Event
) -> None:
    try:
        queue.put(rush(target, worker, go))
    except BaseException as error:  # reported to the parent, which fails the test
        queue.put(f"worker {worker}: {type(error).__name__}: {error}")


@pytest.mark.slow
def test_eight_processes_never_oversell(shared_ledger: LedgerTarget) -> None:
    ledger = shared_ledger.open()
    sale = FlashSaleService(ledger)
    sale.prepare(CAMPAIGN)
    go = CONTEXT.Event()
    queue: Queue[list[Placed] | str] = CONTEXT.Queue()
    children = [
        CONTEXT.Process(target=rush_into, args=(queue, shared_ledger, worker, go))
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    go.set()
    results = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
    failures = [r for r in results if isinstance(r, str)]
    assert not failures, failures
    placed = [order for result in results if not isinstance(result, str) for order in result]
    sold: Counter[str] = Counter()
    held: Counter[str] = Counter()
    by_customer: Counter[str] = Counter()
    for _, customer, units, paid in placed:
        for sku, n in units:
            (sold if paid else held)[sku] += n
            by_customer[customer] += n
    for sku, stock in STOCK.items():
        balance = sale.ledger.balance(f"flash_sale:rush:stock:{sku}", now=IN_SESSION)
        assert balance.committed == sold[sku]
        assert balance.reserved == held[sku]
        assert sold[sku] + held[sku] == stock  # demand was far above stock: all of it went
        assert balance.available == 0
    assert max(by_customer.values()) <= LIMIT
    for customer, bought in by_customer.items():
        counted = sale.ledger.balance("flash_sale:rush:per_customer", customer, now=IN_SESSION)
        assert counted.committed + counted.reserved == bought
    ledger.close()
