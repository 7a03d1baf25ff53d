"""Builders shared by the tests of the pricing shapes: carts in yuan, one campaign priced."""

from __future__ import annotations

from typing import Any

from promocore.campaign import Campaign
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import price
from promocore.quote import Quote
from tests.core.builders import NOW, cny


def goods(
    *lines: tuple[str, str, int], shipping: str | None = None, tier: str | None = None
) -> Cart:
    """A cart of ``(sku, unit price in yuan, quantity)`` lines."""
    items = [LineItem(sku, cny(unit), qty) for sku, unit, qty in lines]
    fee = cny(shipping) if shipping is not None else None
    return Cart("CNY", items, Customer("u-1", tier=tier), NOW, shipping=fee)


def campaign(mechanic: str, params: Any, cid: str | None = None, **kw: Any) -> Campaign:
    """A campaign of ``mechanic`` with ``params``, named by its id."""
    name = cid or mechanic
    return Campaign(name, name, mechanic, params, **kw)


def quote(cart: Cart, *campaigns: Campaign) -> Quote:
    """``cart`` priced against ``campaigns``, every campaign explained."""
    return price(cart, list(campaigns))


def off(q: Quote) -> dict[str, str]:
    """What each line's sku saved, in yuan (lines saving nothing left out)."""
    return {line.sku: line.discount.format() for line in q.lines if line.discount.amount}
