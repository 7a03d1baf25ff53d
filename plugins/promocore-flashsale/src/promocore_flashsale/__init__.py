"""Flash sales (秒杀) for promocore.

During daily sessions within the campaign's schedule, skus on sale cost their flash
price (the ``flash_sale`` mechanic, registered through the ``promocore`` entry point).
At checkout, [`FlashSaleService`][promocore_flashsale.service.FlashSaleService] holds the order's
units, the stock of each sku and the customer's per-customer count, in one ledger reservation, all
or nothing; paying sells them, cancelling or leaving the order unpaid gives them back. The ledger
never oversells, across any number of processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.runtime import Outcome as Outcome
    from promocore_flashsale.accounts import customer_account as customer_account
    from promocore_flashsale.accounts import define_accounts as define_accounts
    from promocore_flashsale.accounts import reservation_key as reservation_key
    from promocore_flashsale.accounts import stock_account as stock_account
    from promocore_flashsale.errors import CheckoutRefusedError as CheckoutRefusedError
    from promocore_flashsale.errors import CustomerLimitError as CustomerLimitError
    from promocore_flashsale.errors import FlashSaleError as FlashSaleError
    from promocore_flashsale.errors import IdempotencyConflictError as IdempotencyConflictError
    from promocore_flashsale.errors import NotInSessionError as NotInSessionError
    from promocore_flashsale.errors import NotPaidError as NotPaidError
    from promocore_flashsale.errors import OneSkuPerOrderError as OneSkuPerOrderError
    from promocore_flashsale.errors import OrderClosedError as OrderClosedError
    from promocore_flashsale.errors import SoldOutError as SoldOutError
    from promocore_flashsale.errors import UnknownOrderError as UnknownOrderError
    from promocore_flashsale.errors import UnknownSkuError as UnknownSkuError
    from promocore_flashsale.model import FlashOrder as FlashOrder
    from promocore_flashsale.model import OrderStatus as OrderStatus
    from promocore_flashsale.model import UnitsReturned as UnitsReturned
    from promocore_flashsale.params import FlashItem as FlashItem
    from promocore_flashsale.params import FlashSaleParams as FlashSaleParams
    from promocore_flashsale.params import Session as Session
    from promocore_flashsale.params import Slot as Slot
    from promocore_flashsale.rules import ORDERS as ORDERS
    from promocore_flashsale.service import FlashSaleService as FlashSaleService
    from promocore_flashsale.service import Hold as Hold
    from promocore_flashsale.service import flash_paid as flash_paid
    from promocore_flashsale.service import flash_units as flash_units


_EXPORTS = {
    "CheckoutRefusedError": "promocore_flashsale.errors",
    "CustomerLimitError": "promocore_flashsale.errors",
    "FlashItem": "promocore_flashsale.params",
    "FlashOrder": "promocore_flashsale.model",
    "FlashSaleError": "promocore_flashsale.errors",
    "FlashSaleParams": "promocore_flashsale.params",
    "FlashSaleService": "promocore_flashsale.service",
    "Hold": "promocore_flashsale.service",
    "IdempotencyConflictError": "promocore_flashsale.errors",
    "NotInSessionError": "promocore_flashsale.errors",
    "NotPaidError": "promocore_flashsale.errors",
    "ORDERS": "promocore_flashsale.rules",
    "OneSkuPerOrderError": "promocore_flashsale.errors",
    "OrderClosedError": "promocore_flashsale.errors",
    "OrderStatus": "promocore_flashsale.model",
    "Outcome": "promocore.games.runtime",
    "Session": "promocore_flashsale.params",
    "Slot": "promocore_flashsale.params",
    "SoldOutError": "promocore_flashsale.errors",
    "UnitsReturned": "promocore_flashsale.model",
    "UnknownOrderError": "promocore_flashsale.errors",
    "UnknownSkuError": "promocore_flashsale.errors",
    "customer_account": "promocore_flashsale.accounts",
    "define_accounts": "promocore_flashsale.accounts",
    "flash_paid": "promocore_flashsale.service",
    "flash_units": "promocore_flashsale.service",
    "reservation_key": "promocore_flashsale.accounts",
    "stock_account": "promocore_flashsale.accounts",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
