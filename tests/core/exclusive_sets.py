"""Sets of exclusive groups that all qualify, for the search's tests and its benchmark.

Each builder returns the campaigns and a cart; ``groups`` exclusive groups of two campaigns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from promocore.campaign import Audience, Campaign, Limits, Scope, Stage, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import Mode, TieredDiscountParams
from promocore.money import Money

from .builders import NOW

GOLD = Customer("u-1", tier="gold")
ExclusiveSet = Callable[[int], tuple[list[Campaign], Cart]]


def _cny(major: int) -> Money:
    return Money(major * 100, "CNY")


def _lines(rng: random.Random, prefix: str, count: int, category: str, most: int) -> list[LineItem]:
    return [
        LineItem(
            f"{prefix}-{k}",
            Money(rng.randint(3_000, 30_000), "CNY"),
            rng.randint(1, most),
            categories=frozenset({category}),
        )
        for k in range(count)
    ]


def _percent_off(cid: str, rng: random.Random, low: int, high: int, **options: Any) -> Campaign:
    return Campaign(
        cid,
        cid,
        "price_off",
        PriceOffParams(percent_off=Decimal(rng.randint(low, high))),
        priority=rng.randint(0, 3),
        **options,
    )


def hostile(groups: int, seed: int = 1, lines: int = 10) -> tuple[list[Campaign], Cart]:
    """Pairs of percent-offs over 2 to 4 random lines of ``lines``, most with a unit limit.

    The groups compete for some units of lines they share: no bound is tight and greedy
    choices are poor, the kind of set whose exact search is exponential.
    """
    rng = random.Random(seed)
    items = [
        LineItem(f"G{i}", Money(rng.randint(2_000, 30_000), "CNY"), rng.randint(2, 5))
        for i in range(lines)
    ]
    campaigns = []
    for g in range(groups):
        for j in range(2):
            skus = frozenset(rng.sample([item.sku for item in items], rng.randint(2, 4)))
            limit = rng.choice([None, 1, 2, 3])
            campaigns.append(
                _percent_off(
                    f"g{g:03d}-{j}",
                    rng,
                    5,
                    40,
                    scope=Scope(skus=skus),
                    exclusive_group=f"group-{g}",
                    limits=Limits(per_order=limit),
                )
            )
    return campaigns, Cart("CNY", items, GOLD, NOW)


def overlapping(groups: int, seed: int = 5) -> tuple[list[Campaign], Cart]:
    """Pairs of whole-line percent-offs on categories; each of 10 lines is in three of them."""
    rng = random.Random(seed)
    names = [f"k{g}" for g in range(groups)]
    items = [
        LineItem(
            f"L{i}",
            Money(rng.randint(2_000, 30_000), "CNY"),
            rng.randint(1, 3),
            categories=frozenset(rng.sample(names, 3)),
        )
        for i in range(10)
    ]
    campaigns = [
        _percent_off(
            f"g{g:03d}-{j}",
            rng,
            5,
            40,
            scope=Scope(categories=frozenset({names[g]})),
            exclusive_group=f"group-{g}",
        )
        for g in range(groups)
        for j in range(2)
    ]
    return campaigns, Cart("CNY", items, GOLD, NOW)


def brands(groups: int, seed: int = 1) -> tuple[list[Campaign], Cart]:
    """A cart of many brands: each brand's two activity prices, and member prices for all.

    ``groups - 1`` brands each have two lines and a group of two item-stage offers (a
    limited-time discount on both lines, a flash price on one unit of the first); the
    member group has two member prices (95折, and 92折 for gold members) over the whole
    cart, so each brand competes with the member price for its units.
    """
    rng = random.Random(seed)
    items: list[LineItem] = []
    campaigns = []
    for brand in range(groups - 1):
        category = f"brand-{brand}"
        own = _lines(rng, f"B{brand}", 2, category, 3)
        items.extend(own)
        campaigns.append(
            _percent_off(
                f"{category}-sale",
                rng,
                5,
                30,
                scope=Scope(categories=frozenset({category})),
                exclusive_group=category,
            )
        )
        flash = own[0].unit_price.amount * rng.randint(60, 95) // 100
        campaigns.append(
            Campaign(
                f"{category}-flash",
                f"brand {brand} flash price",
                "price_off",
                PriceOffParams(unit_price=Money(flash, "CNY")),
                scope=Scope(skus=frozenset({own[0].sku})),
                exclusive_group=category,
                limits=Limits(per_order=1),
                priority=rng.randint(0, 3),
            )
        )
    for k, percent in enumerate((5, 8)):
        campaigns.append(
            Campaign(
                f"member-{k}",
                f"member price {100 - percent}折",
                "price_off",
                PriceOffParams(percent_off=Decimal(percent)),
                audience=Audience(tiers=frozenset({"gold"})) if k else Audience(),
                exclusive_group="member",
                priority=rng.randint(0, 3),
            )
        )
    return campaigns, Cart("CNY", items, GOLD, NOW)


def stores(groups: int, seed: int = 1) -> tuple[list[Campaign], Cart]:
    """A multi-store cart: each store's own two offers, and a cross-store platform group.

    ``groups - 1`` stores each have two lines and a group of two order-stage offers (a 满减
    ladder and a store-wide percent off); the platform group has two 跨店每满减 steps over
    the whole cart, so every store competes with the platform for its units.
    """
    rng = random.Random(seed)
    items: list[LineItem] = []
    campaigns = []
    for store in range(groups - 1):
        category = f"store-{store}"
        items.extend(_lines(rng, f"S{store}", 2, category, 3))
        scope = Scope(categories=frozenset({category}))
        low = rng.randint(20, 60)
        campaigns.append(
            Campaign(
                f"{category}-ladder",
                f"store {store} 满{low}减{low // 5}",
                "tiered_discount",
                TieredDiscountParams(tiers=(Tier(_cny(low), amount_off=_cny(low // 5)),)),
                scope=scope,
                exclusive_group=category,
                priority=rng.randint(0, 3),
            )
        )
        campaigns.append(
            _percent_off(
                f"{category}-percent",
                rng,
                5,
                15,
                stage=Stage.ORDER,
                scope=scope,
                exclusive_group=category,
            )
        )
    for k, (step, off) in enumerate(((200, 30), (300, 50))):
        campaigns.append(
            Campaign(
                f"platform-{k}",
                f"跨店每满{step}减{off}",
                "tiered_discount",
                TieredDiscountParams(mode=Mode.EVERY, step=_cny(step), amount_off=_cny(off)),
                exclusive_group="platform",
                priority=rng.randint(0, 3),
            )
        )
    return campaigns, Cart("CNY", items, GOLD, NOW)
