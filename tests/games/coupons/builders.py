"""Small builders shared by the coupon tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from promocore.campaign import Campaign, Scope, Tier
from promocore.cart import Cart, Customer, LineItem
from promocore.games.coupons import Coupon, CouponOffer, CouponTemplate, Validity, issue_to
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 11, 10, 0, tzinfo=CST)
WEEK = Validity.days_after_claim(7)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def amount_template(
    tid: str,
    off: str,
    threshold: str | None = None,
    *,
    quantity: int = 100,
    scope: Scope | None = None,
    **kw: Any,
) -> CouponTemplate:
    offer_kw = {k: kw.pop(k) for k in ("stacks_with_order", "allow_free_order") if k in kw}
    offer = CouponOffer(
        amount_off=cny(off),
        threshold=cny(threshold) if threshold is not None else None,
        scope=scope or Scope(),
        **offer_kw,
    )
    return CouponTemplate(tid, tid, offer, kw.pop("validity", WEEK), quantity, **kw)


def percent_template(
    tid: str, percent: str, cap: str | None = None, threshold: str | None = None, **kw: Any
) -> CouponTemplate:
    offer = CouponOffer(
        percent_off=Decimal(percent),
        max_off=cny(cap) if cap is not None else None,
        threshold=cny(threshold) if threshold is not None else None,
    )
    return CouponTemplate(tid, tid, offer, kw.pop("validity", WEEK), kw.pop("quantity", 100), **kw)


def held(template: CouponTemplate, owner: str = "u1", at: datetime = NOW, code: str = "") -> Coupon:
    coupon, _ = issue_to(template, code or f"C-{template.id}", owner, f"k-{template.id}", at)
    return coupon


def line(sku: str, price: str, qty: int = 1, *categories: str) -> LineItem:
    return LineItem(sku, cny(price), qty, categories=frozenset(categories))


def cart(*lines: LineItem, customer: str = "u1", is_new: bool = False) -> Cart:
    return Cart("CNY", lines, Customer(customer, is_new=is_new), NOW)


def ladder(cid: str, threshold: str, off: str, group: str | None = None) -> Campaign:
    params = TieredDiscountParams(tiers=(Tier(cny(threshold), amount_off=cny(off)),))
    return Campaign(cid, cid, "tiered_discount", params, exclusive_group=group)
