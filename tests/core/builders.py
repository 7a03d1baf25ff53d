"""Small builders and hypothesis strategies for the engine tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from promocore.campaign import Audience, Budget, Campaign, Limits, Schedule, Scope, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import price
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import Basis, Mode, TieredDiscountParams
from promocore.money import Money
from promocore.selection import Selection

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 10, 0, tzinfo=CST)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def line(sku: str, price: str, qty: int = 1, *categories: str) -> LineItem:
    return LineItem(sku, cny(price), qty, categories=frozenset(categories))


def cart(*lines: LineItem, tier: str | None = "gold", is_new: bool = False) -> Cart:
    return Cart("CNY", lines, Customer("u-1", tier=tier, is_new=is_new), NOW)


def ladder(cid: str, *tiers: tuple[str, str], group: str | None = None, **kw: Any) -> Campaign:
    params = TieredDiscountParams(tiers=tuple(Tier(cny(t), amount_off=cny(a)) for t, a in tiers))
    return Campaign(cid, cid, "tiered_discount", params, exclusive_group=group, **kw)


def percent_off(cid: str, percent: str, group: str | None = None, **kw: Any) -> Campaign:
    return Campaign(
        cid,
        cid,
        "price_off",
        PriceOffParams(percent_off=Decimal(percent)),
        exclusive_group=group,
        **kw,
    )


SKUS = ("A", "B", "C")
CATEGORIES = ("x", "y")


@st.composite
def carts(draw: st.DrawFn) -> Cart:
    n = draw(st.integers(min_value=1, max_value=3))
    lines = []
    for i in range(n):
        sku = draw(st.sampled_from(SKUS)) + str(i)
        lines.append(
            LineItem(
                sku,
                Money(draw(st.integers(min_value=0, max_value=50_000)), "CNY"),
                draw(st.integers(min_value=1, max_value=4)),
                categories=draw(st.frozensets(st.sampled_from(CATEGORIES), max_size=2)),
            )
        )
    customer = Customer(
        "u", tier=draw(st.sampled_from([None, "gold", "silver"])), is_new=draw(st.booleans())
    )
    return Cart("CNY", lines, customer, NOW)


def _money(lo: int, hi: int) -> st.SearchStrategy[Money]:
    return st.integers(min_value=lo, max_value=hi).map(lambda a: Money(a, "CNY"))


@st.composite
def price_off_params(draw: st.DrawFn) -> PriceOffParams:
    kind = draw(st.sampled_from(["percent", "amount", "unit"]))
    if kind == "percent":
        return PriceOffParams(percent_off=Decimal(draw(st.integers(min_value=1, max_value=100))))
    if kind == "amount":
        return PriceOffParams(amount_off=draw(_money(1, 20_000)))
    return PriceOffParams(unit_price=draw(_money(0, 40_000)))


@st.composite
def tiered_params(draw: st.DrawFn) -> TieredDiscountParams:
    cap = draw(st.none() | _money(1, 30_000))
    if draw(st.booleans()):
        thresholds = sorted(
            draw(st.sets(st.integers(min_value=1, max_value=200_000), min_size=1, max_size=3))
        )
        tiers = []
        for t in thresholds:
            if draw(st.booleans()):
                tiers.append(Tier(Money(t, "CNY"), amount_off=draw(_money(1, 30_000))))
            else:
                tiers.append(Tier(Money(t, "CNY"), percent_off=Decimal(draw(st.integers(1, 50)))))
        return TieredDiscountParams(tiers=tuple(tiers), cap=cap)
    if draw(st.booleans()):
        return TieredDiscountParams(
            mode=Mode.EVERY,
            step=draw(_money(1, 50_000)),
            amount_off=draw(_money(1, 5_000)),
            cap=cap,
        )
    thresholds = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=8), min_size=1, max_size=3))
    )
    return TieredDiscountParams(
        basis=Basis.QUANTITY,
        tiers=tuple(Tier(t, percent_off=Decimal(draw(st.integers(1, 40)))) for t in thresholds),
    )


@st.composite
def campaigns(
    draw: st.DrawFn, *, max_size: int = 5, groups: tuple[str, ...] = ("g1", "g2")
) -> list[Campaign]:
    n = draw(st.integers(min_value=0, max_value=max_size))
    out = []
    for i in range(n):
        item = draw(st.booleans())
        scope = draw(
            st.sampled_from(
                [
                    Scope(),
                    Scope(categories=frozenset({"x"})),
                    Scope(exclude_categories=frozenset({"y"})),
                    Scope(skus=frozenset({"A0", "B0", "C0"})),
                ]
            )
        )
        audience = draw(st.sampled_from([Audience(), Audience(tiers=frozenset({"gold"}))]))
        budget = draw(st.none() | _money(1, 20_000).map(Budget))
        out.append(
            Campaign(
                f"c{i}",
                f"campaign {i}",
                "price_off" if item else "tiered_discount",
                draw(price_off_params() if item else tiered_params()),
                exclusive_group=draw(st.sampled_from([None, *groups])),
                priority=draw(st.integers(min_value=0, max_value=2)),
                scope=scope,
                audience=audience,
                budget=budget,
                limits=Limits(per_order=draw(st.none() | st.integers(min_value=1, max_value=3))),
                schedule=draw(st.sampled_from([Schedule(), Schedule(ends_at=NOW)])),
            )
        )
    return out


def best_by_brute_force(cart: Cart, cs: list[Campaign]) -> int:
    """The largest discount over every choice of at most one campaign per group.

    Each choice is priced with every chosen campaign in a group of its own and
    applied in canonical order (priority mode), so nothing competes.
    """
    stackable = [c for c in cs if c.exclusive_group is None]
    exclusive = [c for c in cs if c.exclusive_group is not None]
    best = -1
    for size in range(len(exclusive) + 1):
        for subset in itertools.combinations(exclusive, size):
            groups = [c.exclusive_group for c in subset]
            if len(set(groups)) != len(groups):
                continue
            alone = [attrs.evolve(c, exclusive_group=f"solo-{c.id}") for c in subset]
            quote = price(cart, stackable + alone, selection=Selection.PRIORITY)
            exclusive_total = sum(
                a.amount.amount for a in quote.applied if a.campaign in {c.id for c in subset}
            )
            best = max(best, exclusive_total)
    return best
