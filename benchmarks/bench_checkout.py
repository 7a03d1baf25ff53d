"""Checkout with every counted resource beside checkout with budgets only, one process.

Run from the repository root:

    .venv/bin/python benchmarks/bench_checkout.py [--orders 2000]

Prices a cart against three campaigns and checks it out on an in-memory and an SQLite ledger
(a file in a temporary folder), then commits; every order a new key and, for the per-customer
limits, one of 500 customers. Three variants, in alternating rounds so that the load of a
shared machine weighs on all alike:

* **budgets only**: the campaigns declare a budget and nothing else (one draw per campaign);
* **every resource**: the same campaigns also declare gift stock, "first N", per-customer
  uses and value, a daily cap, and the shop a fatigue cap (11 draws in one reservation);
* **every resource, stale**: as above, but each order is checked out from a quote priced with
  nothing read, while the gift stock is spent, so checkout reads what is left and reprices.

Prints the machine, the load and a Markdown table of orders per second and median and p99
latency per order (price + checkout + commit).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import cpu_model  # noqa: E402

from promocore import (  # noqa: E402
    Budget,
    Campaign,
    Cart,
    Customer,
    Engine,
    FatigueCap,
    Gift,
    Limits,
    LineItem,
    Money,
    Period,
    PeriodCap,
    Tier,
)
from promocore.ledger import Ledger, MemoryLedger, Resources, checkout  # noqa: E402
from promocore.ledger.sqlite import SqliteLedger  # noqa: E402
from promocore.mechanics import TieredDiscountParams  # noqa: E402

AT = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
ROUNDS = 5


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def campaigns(counted: bool, gifts: int) -> list[Campaign]:
    def ladder(cid: str, tier: Tier, limits: Limits) -> Campaign:
        params = TieredDiscountParams(tiers=(tier,))
        budget = Budget(cny("10000000"))
        return Campaign(cid, cid, "tiered_discount", params, budget=budget, limits=limits)

    none = Limits()
    return [
        ladder(
            "mug",
            Tier(cny("100"), gifts=(Gift("mug", cost=cny("8.00")),)),
            Limits(gift_stock={"mug": gifts}) if counted else none,
        ),
        ladder(
            "first",
            Tier(cny("100"), amount_off=cny("10")),
            Limits(redemptions=10_000_000) if counted else none,
        ),
        ladder(
            "welcome",
            Tier(cny("100"), amount_off=cny("5")),
            Limits(
                per_customer=1_000,
                per_customer_value=cny("100000"),
                periods=[PeriodCap(Period.DAY, redemptions=10_000_000)],
            )
            if counted
            else none,
        ),
    ]


Run = Callable[[int], None]


def variant(ledger: Ledger, counted: bool, stale: bool, orders: int, tag: str) -> Run:
    listed = campaigns(counted, gifts=orders // 2 if stale else 10_000_000)
    engine = Engine(listed)
    fatigue = FatigueCap(Period.DAY, campaigns=1_000) if counted else None
    resources = Resources(listed, fatigue=fatigue)
    resources.define(ledger)

    def one(n: int) -> None:
        customer = f"c-{n % 500}"
        cart = Cart("CNY", [LineItem("tea", cny("150.00"), 1)], Customer(customer), AT)
        if stale:
            quote = engine.price(cart)
        else:
            quote = engine.price(
                cart, budgets=resources.remaining(ledger, at=AT, customer=customer)
            )
        key = f"{tag}-{n}"
        done = checkout(
            ledger,
            key,
            quote,
            lambda left: engine.price(cart, budgets=left),
            resources=resources,
            customer=customer,
        )
        if done.reservation is not None:
            ledger.commit(key)

    return one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    args = parser.parse_args()
    orders: int = args.orders
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; load {os.getloadavg()}")
    names = ("budgets only", "every resource", "every resource, stale")
    shapes = ((False, False), (True, False), (True, True))
    with tempfile.TemporaryDirectory() as folder:
        for backend in ("memory", "sqlite"):
            latencies: dict[str, list[float]] = {name: [] for name in names}
            elapsed: dict[str, float] = dict.fromkeys(names, 0.0)
            for round_ in range(ROUNDS):
                for name, (counted, stale) in zip(names, shapes, strict=True):
                    if backend == "memory":
                        ledger: Ledger = MemoryLedger()
                    else:
                        path = Path(folder) / f"{round_}-{name}.sqlite3"
                        ledger = SqliteLedger(str(path))
                    run = variant(ledger, counted, stale, orders // ROUNDS, f"{round_}")
                    clock = time.perf_counter
                    for n in range(orders // ROUNDS):
                        start = clock()
                        run(n)
                        took = clock() - start
                        latencies[name].append(took)
                        elapsed[name] += took
                    ledger.close()
            print(f"\n{backend}, {orders} orders per variant, load {os.getloadavg()}\n")
            print("| variant | orders/s | median ms | p99 ms |")
            print("| --- | ---: | ---: | ---: |")
            for name in names:
                values = sorted(latencies[name])
                p99 = values[int(len(values) * 0.99) - 1]
                print(
                    f"| {name} | {len(values) / elapsed[name]:,.0f} |"
                    f" {statistics.median(values) * 1e3:.2f} | {p99 * 1e3:.2f} |"
                )


if __name__ == "__main__":
    main()
