"""Pricing engine benchmarks: quote latency, cart size, exclusive groups, construction.

Scenarios (run all, or name some: ``mix reach conditions lines groups build``):

* ``mix``: a 10-line cart against 10 to 10,000 active campaigns. Campaigns are scoped to one
  sku (of 2,000) or one category (of 400); 40% are for one audience (gold, silver or diamond
  members, or new customers) while the cart's customer is a returning gold member, so a few
  percent match by scope and audience. Mechanics: price_off member prices (30% of them in
  exclusive group ``member``), tiered_discount ladders (group ``store``) and every-N steps
  (group ``platform``).
* ``reach``: the django-oscar-like workload: a 10-line basket against 1,000 to 100,000
  campaigns, 3% of which touch the basket (their scope names one of its skus or categories);
  of those only 2 apply (a member price and a ladder), the others' thresholds being far out
  of reach of what the basket has in their scope.
* ``conditions``: the ``reach`` campaigns (10,000 and 100,000) each given conditions: none;
  one 会员日 condition shared by all, met and unmet; one ``min_amount`` of its own, unmet;
  an ``all`` of three, met. Only the campaigns within reach are asked their conditions.
* ``lines``: carts of 10, 100 and 1,000 lines (copies of the 10-line basket) against 10,000
  campaigns of ``mix`` and of ``reach``, in best and in priority mode.
* ``groups``: 20, 40 and 80 exclusive groups of two campaigns each, all of which qualify
  (built by ``tests/core/exclusive_sets.py``, which the search's tests use too).
  ``overlapping``: whole-line percent-offs on categories, each of 10 lines in three of them.
  ``brands``: two lines per brand, each brand's group of two item-stage activity prices,
  and a member-price group over the whole cart competing with every brand. ``stores``: a
  multi-store cart, each store's group of two order-stage offers (a 满减 ladder, a percent
  off) and a cross-store 每满减 platform group competing with every store: the platform's
  steps make its loss from each store's lines uneven, so near-equal choices abound.
  ``hostile``: percent-offs
  over random overlapping lines with unit limits, a set no bound handles well. Prints the
  search steps used (the least budget that proves the choice) and whether it was proven.
* ``build``: building an ``Engine`` for 1,000 to 100,000 campaigns, ``with_campaigns``
  replacing 10 of 10,000, and ``price()`` (one call: engine built each time with the shared
  default host) beside ``Engine.price`` for the 15-campaign example set.

"median ms" is the median wall time of one operation, "cpu ms" the median process time
(``time.process_time``), which a loaded machine disturbs less. "gc.freeze()" is the process
time with the heap built so far (campaigns and engines) frozen out of the cyclic collector's
scans, as a service would after loading its campaigns. Every table is Markdown, ready to
paste into ``docs/benchmarks.md``; the 1-minute load average is printed before and after each
scenario.

Run: .venv/bin/python benchmarks/bench_engine.py [scenario ...]
"""

from __future__ import annotations

import gc
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import cpu_model, medians  # noqa: E402
from tests.core.exclusive_sets import brands, hostile, overlapping, stores  # noqa: E402

from promocore.campaign import Audience, Campaign, CustomerKind, Scope, Tier  # noqa: E402
from promocore.cart import Cart, Customer, LineItem  # noqa: E402
from promocore.conditions import AllOf, MinAmount, MinQuantity, Weekdays  # noqa: E402
from promocore.engine import Engine, price  # noqa: E402
from promocore.mechanics.price_off import PriceOffParams  # noqa: E402
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams  # noqa: E402
from promocore.money import Money  # noqa: E402
from promocore.selection import Selection  # noqa: E402

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
GOLD = Customer("u-1", tier="gold")


def cny(amount: int) -> Money:
    return Money(amount * 100, "CNY")


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def timed(operation: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and process time of ``operation``, in ms."""
    wall, cpu = medians(operation, repeats)
    return wall * 1e3, cpu * 1e3


def header(title: str, columns: list[str]) -> None:
    print(f"\n### {title} (load {load()})\n")
    print("| " + " | ".join(columns) + " |")
    print("| " + " | ".join("---:" if i else "---" for i in range(len(columns))) + " |")


def row(*cells: object) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


# -- the existing mix ------------------------------------------------------------------------


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
    return _campaign(f"c{i:05d}", mechanic, params, scope, audience, group, rng)


def _campaign(
    cid: str,
    mechanic: str,
    params: object,
    scope: Scope,
    audience: Audience,
    group: str | None,
    rng: random.Random,
) -> Campaign:
    return Campaign(
        cid,
        f"campaign {cid}",
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
    return Cart("CNY", lines, GOLD, NOW)


def mix_campaigns(n: int) -> tuple[list[Campaign], random.Random]:
    rng = random.Random(n)
    return [make_campaign(i, rng) for i in range(n)], rng


def scenario_mix() -> None:
    header(
        "mix: 10-line cart",
        ["campaigns", "matched", "match %", "median ms", "p95 ms", "cpu ms"],
    )
    for n in (10, 100, 1_000, 10_000):
        campaigns, rng = mix_campaigns(n)
        engine = Engine(campaigns)
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
        wall, cpu = [], []
        for k in range(300):
            cart = carts[k % len(carts)]
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.price(cart)
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start)
        wall.sort()
        row(
            f"{n:,}",
            f"{matched:.1f}",
            f"{matched / n * 100:.1f}%",
            f"{statistics.median(wall) * 1e3:.3f}",
            f"{wall[int(len(wall) * 0.95)] * 1e3:.3f}",
            f"{statistics.median(cpu) * 1e3:.3f}",
        )


# -- the oscar-like workload -----------------------------------------------------------------

REACH_SKUS = 50_000
REACH_CATEGORIES = 5_000


def reach_basket(rng: random.Random) -> Cart:
    skus = rng.sample(range(REACH_SKUS), 10)
    lines = [
        LineItem(
            f"R-{sku}",
            Money(rng.randint(1_000, 50_000), "CNY"),
            rng.randint(1, 3),
            categories=frozenset(f"rc-{c}" for c in rng.sample(range(REACH_CATEGORIES), 2)),
        )
        for sku in skus
    ]
    return Cart("CNY", lines, GOLD, NOW)


def reach_campaigns(n: int, basket: Cart, rng: random.Random) -> list[Campaign]:
    """``n`` campaigns, 3% touching ``basket``, 2 of them applying."""
    in_cart = [("sku", line.sku) for line in basket.lines]
    in_cart += [("category", c) for line in basket.lines for c in sorted(line.categories)]
    skus = {line.sku for line in basket.lines}
    categories = {c for line in basket.lines for c in line.categories}
    touching = max(round(n * 0.03), 2)
    out = [
        Campaign(
            "r-member",
            "member price",
            "price_off",
            PriceOffParams(percent_off=Decimal(10)),
            scope=Scope(skus=frozenset({basket.lines[0].sku})),
        ),
        Campaign(
            "r-ladder",
            "满50减5",
            "tiered_discount",
            TieredDiscountParams(tiers=(Tier(cny(50), amount_off=cny(5)),)),
            scope=Scope(categories=frozenset(sorted(basket.lines[1].categories)[:1])),
        ),
    ]
    for i in range(n - 2):
        if i < touching - 2:
            kind, name = rng.choice(in_cart)
        else:
            kind = "sku" if rng.random() < 0.5 else "category"
            while True:
                name = (
                    f"R-{rng.randrange(REACH_SKUS)}"
                    if kind == "sku"
                    else f"rc-{rng.randrange(REACH_CATEGORIES)}"
                )
                if name not in skus and name not in categories:
                    break
        scope = Scope(skus=frozenset({name})) if kind == "sku" else Scope(categories={name})
        params: object
        if i >= touching - 2 and rng.random() < 0.5:
            mechanic = "price_off"
            params = PriceOffParams(percent_off=Decimal(rng.randint(1, 30)))
            group = "member" if rng.random() < 0.3 else None
        elif rng.random() < 0.7:
            low = rng.randint(20_000, 100_000)  # far above any scope of the basket
            params = TieredDiscountParams(
                tiers=(
                    Tier(cny(low), amount_off=cny(low // 10)),
                    Tier(cny(low * 2), amount_off=cny(low // 4)),
                )
            )
            mechanic, group = "tiered_discount", rng.choice([None, "store"])
        else:
            params = TieredDiscountParams(
                mode=Mode.EVERY,
                step=cny(rng.randint(20_000, 50_000)),
                amount_off=cny(rng.randint(100, 500)),
            )
            mechanic, group = "tiered_discount", rng.choice([None, "platform"])
        audience = rng.choice(AUDIENCES) if rng.random() < 0.3 else Audience()
        out.append(_campaign(f"r{i:06d}", mechanic, params, scope, audience, group, rng))
    rng.shuffle(out)
    return out


def reach_setup(n: int) -> tuple[list[Campaign], Cart]:
    rng = random.Random(1_000 + n)
    basket = reach_basket(rng)
    return reach_campaigns(n, basket, rng), basket


def scenario_reach() -> None:
    header(
        "reach: 10-line basket, 3% of the campaigns touching it, 2 applying",
        ["campaigns", "touching", "applied", "median ms", "cpu ms", "explained ms"],
    )
    for n, repeats in ((1_000, 500), (10_000, 300), (100_000, 100)):
        campaigns, basket = reach_setup(n)
        engine = Engine(campaigns)
        quote = engine.price(basket)
        touching = len(engine.relevant(basket))
        wall, cpu = timed(lambda: engine.price(basket), repeats)  # noqa: B023
        # The same quote with its explanations read, as a caller showing them would.
        read, _ = timed(lambda: engine.price(basket).not_applied, max(repeats // 10, 5))  # noqa: B023
        row(f"{n:,}", touching, len(quote.applied), f"{wall:.3f}", f"{cpu:.3f}", f"{read:.3f}")


# -- conditions -----------------------------------------------------------------------------


def scenario_conditions() -> None:
    header(
        "conditions: reach campaigns, each given conditions (NOW is a Wednesday)",
        ["campaigns", "conditions", "applied", "median ms", "cpu ms", "explained ms"],
    )
    gates = {
        "none": lambda i: None,
        "shared 会员日, met": lambda i: Weekdays({3}),
        "shared Thursday, unmet": lambda i: Weekdays({4}),
        "own min_amount, unmet": lambda i: MinAmount(cny(100_000 + i)),
        "own all of 3, met": lambda i: AllOf([Weekdays({3}), MinQuantity(1), MinAmount(cny(1))]),
    }
    for n, repeats in ((10_000, 300), (100_000, 100)):
        campaigns, basket = reach_setup(n)
        for name, gate in gates.items():
            gated = [attrs.evolve(c, conditions=gate(i)) for i, c in enumerate(campaigns)]
            engine = Engine(gated)
            quote = engine.price(basket)
            wall, cpu = timed(lambda: engine.price(basket), repeats)  # noqa: B023
            read, _ = timed(lambda: engine.price(basket).not_applied, max(repeats // 10, 5))  # noqa: B023
            row(f"{n:,}", name, len(quote.applied), f"{wall:.3f}", f"{cpu:.3f}", f"{read:.3f}")


# -- cart size ------------------------------------------------------------------------------


def copies(basket: Cart, n: int) -> Cart:
    return Cart("CNY", [basket.lines[i % len(basket.lines)] for i in range(n)], GOLD, NOW)


def scenario_lines() -> None:
    header(
        "lines: carts of copies of the basket against 10,000 campaigns",
        ["workload", "lines", "mode", "median ms", "cpu ms", "cpu ms, gc.freeze()", "proven"],
    )
    mix, rng = mix_campaigns(10_000)
    mix_basket = make_cart(rng)
    reach, reach_basket_ = reach_setup(10_000)
    for name, campaigns, basket in (("mix", mix, mix_basket), ("reach", reach, reach_basket_)):
        for mode in (Selection.BEST, Selection.PRIORITY):
            engine = Engine(campaigns, selection=mode)
            for n, repeats in ((10, 200), (100, 40), (1_000, 10)):
                cart = copies(basket, n)
                quote = engine.price(cart)
                wall, cpu = timed(lambda: engine.price(cart), repeats)  # noqa: B023
                frozen = _frozen(lambda: engine.price(cart), repeats)  # noqa: B023
                row(
                    name,
                    f"{n:,}",
                    mode.value,
                    f"{wall:.2f}",
                    f"{cpu:.2f}",
                    f"{frozen:.2f}",
                    quote.proven_optimal,
                )


def _frozen(operation: Callable[[], object], repeats: int) -> float:
    """Median process time of ``operation`` with the heap so far frozen out of the collector."""
    gc.collect()
    gc.freeze()
    try:
        return timed(operation, repeats)[1]
    finally:
        gc.unfreeze()


# -- exclusive groups -----------------------------------------------------------------------


def scenario_groups() -> None:
    header(
        "groups: exclusive groups of two campaigns each, all qualifying",
        ["set", "groups", "campaigns", "lines", "median ms", "cpu ms", "steps", "proven"],
    )
    for name, setup in (
        ("overlapping", overlapping),
        ("brands", brands),
        ("stores", stores),
        ("hostile", hostile),
    ):
        for k, repeats in ((20, 20), (40, 20), (80, 10)):
            campaigns, cart = setup(k)
            engine = Engine(campaigns)
            quote = engine.price(cart)
            steps = _steps(engine, cart) if quote.proven_optimal else "> budget"
            wall, cpu = timed(lambda: engine.price(cart), repeats)  # noqa: B023
            row(
                name,
                k,
                len(campaigns),
                len(cart.lines),
                f"{wall:.2f}",
                f"{cpu:.2f}",
                steps,
                quote.proven_optimal,
            )


def _steps(engine: Engine, cart: Cart) -> int:
    """The search steps one quote takes: the least budget that still proves it."""
    low, high = 1, engine.search_budget
    while low < high:
        mid = (low + high) // 2
        if Engine(engine.campaigns, search_budget=mid).price(cart).proven_optimal:
            high = mid
        else:
            low = mid + 1
    return low


# -- construction ---------------------------------------------------------------------------


def scenario_build() -> None:
    header(
        "build: engine construction and updates",
        ["operation", "median ms", "cpu ms", "cpu ms, gc.freeze()"],
    )
    for n, repeats in ((1_000, 20), (10_000, 10), (100_000, 3)):
        campaigns, _ = reach_setup(n)
        Engine(campaigns[:10])  # warm the default host
        wall, cpu = timed(lambda: Engine(campaigns), repeats)  # noqa: B023
        frozen = _frozen(lambda: Engine(campaigns), repeats)  # noqa: B023
        row(f"Engine(...) with {n:,} campaigns", f"{wall:.2f}", f"{cpu:.2f}", f"{frozen:.2f}")
    campaigns, _ = reach_setup(10_000)
    engine = Engine(campaigns)
    rng = random.Random(7)
    edits = []
    for _ in range(50):
        old = rng.sample(campaigns, 10)
        new = [
            Campaign(
                c.id,
                c.name + " (edited)",
                c.mechanic,
                c.params,
                scope=c.scope,
                audience=c.audience,
                exclusive_group=c.exclusive_group,
                priority=c.priority,
            )
            for c in old
        ]
        edits.append((new, [c.id for c in old]))
    cycle = iter(edits * 10)

    def update() -> None:
        added, removed = next(cycle)
        engine.with_campaigns(added, removed)

    wall, cpu = timed(update, 200)
    row("with_campaigns: 10 of 10,000 replaced", f"{wall:.3f}", f"{cpu:.3f}")
    fresh = [
        Campaign(f"new-{i}", "new", "price_off", PriceOffParams(percent_off=Decimal(5)))
        for i in range(10)
    ]
    wall, cpu = timed(lambda: engine.with_campaigns(fresh), 200)
    row("with_campaigns: 10 new scopes added to 10,000", f"{wall:.3f}", f"{cpu:.3f}")
    small, _ = mix_campaigns(15)
    cart = make_cart(random.Random(3))
    reused = Engine(small)
    wall, cpu = timed(lambda: reused.price(cart, explain_all=True), 300)
    row("Engine.price, 15 campaigns, engine reused", f"{wall:.3f}", f"{cpu:.3f}")
    wall, cpu = timed(lambda: price(cart, small), 300)
    row("price(), 15 campaigns, engine built per call", f"{wall:.3f}", f"{cpu:.3f}")


SCENARIOS = {
    "mix": scenario_mix,
    "reach": scenario_reach,
    "conditions": scenario_conditions,
    "lines": scenario_lines,
    "groups": scenario_groups,
    "build": scenario_build,
}


def main(names: list[str]) -> None:
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}; pick from {list(SCENARIOS)}")
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs"
        f" ({cpu_model()})"
    )
    for name in names or list(SCENARIOS):
        SCENARIOS[name]()
    print(f"\n(load {load()} at the end)")


if __name__ == "__main__":
    main(sys.argv[1:])
