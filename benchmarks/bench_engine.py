"""Quote latency for a 10-line cart against 10 to 10,000 active campaigns.

Campaigns are scoped to one sku (of 2,000) or one category (of 400); 40% of them
are for one audience (gold, silver or diamond members, or new customers) while the
cart's customer is a returning gold member, so that a few percent match the cart
by scope and audience. Mechanics are a
mix of price_off (member prices, some exclusive) and tiered_discount ladders and
every-N steps in two exclusive groups.

"cpu ms" is the median process time of one quote (time.process_time), which a loaded
machine disturbs less than the wall clock.

Run: .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

import platform
import random
import statistics
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from promocore.campaign import Audience, Campaign, CustomerKind, Scope, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams
from promocore.money import Money

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 10, tzinfo=CST)
SKUS = [f"SKU-{i}" for i in range(2000)]
CATEGORIES = [f"cat-{i}" for i in range(400)]
AUDIENCES = [
    Audience(tiers=frozenset({"gold"})),
    Audience(tiers=frozenset({"silver"})),
    Audience(tiers=frozenset({"diamond"})),
    Audience(customers=CustomerKind.NEW),
]


def cny(amount: int) -> Money:
    return Money(amount * 100, "CNY")


def make_campaign(i: int, rng: random.Random) -> Campaign:
    if rng.random() < 0.5:
        scope = Scope(skus=frozenset({rng.choice(SKUS)}))
    else:
        scope = Scope(categories=frozenset({rng.choice(CATEGORIES)}))
    audience = rng.choice(AUDIENCES) if rng.random() < 0.4 else Audience()
    kind = rng.random()
    if kind < 0.5:
        params: object = PriceOffParams(percent_off=Decimal(rng.randint(1, 30)))
        mechanic = "price_off"
        group = "member" if rng.random() < 0.3 else None
    elif kind < 0.8:
        low = rng.randint(50, 300)
        params = TieredDiscountParams(
            tiers=(
                Tier(cny(low), amount_off=cny(low // 10)),
                Tier(cny(low * 2), amount_off=cny(low // 4)),
            )
        )
        mechanic, group = "tiered_discount", "store"
    else:
        params = TieredDiscountParams(
            mode=Mode.EVERY,
            step=cny(rng.randint(50, 200)),
            amount_off=cny(rng.randint(5, 20)),
            cap=cny(100),
        )
        mechanic, group = "tiered_discount", "platform"
    return Campaign(
        f"c{i:05d}",
        f"campaign {i}",
        mechanic,
        params,
        scope=scope,
        audience=audience,
        exclusive_group=group,
        priority=rng.randint(0, 3),
    )


def make_cart(rng: random.Random) -> Cart:
    lines = [
        LineItem(
            rng.choice(SKUS),
            Money(rng.randint(1_000, 50_000), "CNY"),
            rng.randint(1, 3),
            categories=frozenset(rng.sample(CATEGORIES, 2)),
        )
        for _ in range(10)
    ]
    return Cart("CNY", lines, Customer("u-1", tier="gold"), NOW)


def measure(n: int, repeats: int = 300) -> tuple[float, float, float, float, float]:
    rng = random.Random(n)
    engine = Engine([make_campaign(i, rng) for i in range(n)])
    carts = [make_cart(rng) for _ in range(50)]
    matched = statistics.mean(
        sum(
            1
            for pos in engine.relevant(c)
            if engine.campaigns[pos].audience.mismatch(c.customer) is None
        )
        for c in carts
    )
    for cart in carts[:5]:
        engine.price(cart)
    times = []
    cpu = []
    for k in range(repeats):
        cart = carts[k % len(carts)]
        start, start_cpu = time.perf_counter(), time.process_time()
        engine.price(cart)
        cpu.append(time.process_time() - start_cpu)
        times.append(time.perf_counter() - start)
    times.sort()
    return (
        matched,
        statistics.median(times) * 1e3,
        times[int(len(times) * 0.95)] * 1e3,
        max(times) * 1e3,
        statistics.median(cpu) * 1e3,
    )


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(
        f"{'campaigns':>10} {'matched':>8} {'match %':>8} {'median ms':>10} {'p95 ms':>8}"
        f" {'max ms':>8} {'cpu ms':>8}"
    )
    for n in (10, 100, 1_000, 10_000):
        matched, median, p95, worst, cpu = measure(n)
        print(
            f"{n:>10} {matched:>8.1f} {matched / n * 100:>7.1f}% {median:>10.3f} {p95:>8.3f}"
            f" {worst:>8.3f} {cpu:>8.3f}"
        )


if __name__ == "__main__":
    main()
