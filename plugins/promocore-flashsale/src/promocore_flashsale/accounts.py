"""The ledger accounts of a flash sale: one stock per sku, one usage counter per customer."""

from __future__ import annotations

from promocore.ledger import AccountSpec, Ledger
from promocore_flashsale.params import FlashSaleParams


def stock_account(activity: str, sku: str) -> str:
    """The name of the stock account of ``sku`` in the sale ``activity``."""
    return f"flash_sale:{activity}:stock:{sku}"


def customer_account(activity: str) -> str:
    """The name of the per-customer usage account of the sale ``activity``."""
    return f"flash_sale:{activity}:per_customer"


def reservation_key(activity: str, order_id: str) -> str:
    """The ledger key of an order's hold."""
    return f"flash_sale:{activity}:order:{order_id}"


def define_accounts(ledger: Ledger, activity: str, params: FlashSaleParams) -> None:
    """Define the sale's accounts; existing ones keep their limits (raise them with top-ups)."""
    for item in params.items:
        ledger.define(AccountSpec.stock(stock_account(activity, item.sku), item.stock))
    if params.per_customer_limit is not None:
        ledger.define(AccountSpec.usage(customer_account(activity), params.per_customer_limit))
