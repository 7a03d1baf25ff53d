"""Flash sales (秒杀) for promocore.

During daily sessions within the campaign's schedule, skus on sale cost their flash
price (the ``flash_sale`` mechanic, registered through the ``promocore`` entry point).
At checkout, [`FlashSaleService`][promocore_flashsale.service.FlashSaleService] holds the order's
units, the stock of each sku and the customer's per-customer count, in one ledger reservation, all
or nothing; paying sells them, cancelling or leaving the order unpaid gives them back. The ledger
never oversells, across any number of processes.
"""

from promocore_flashsale.accounts import (
    customer_account,
    define_accounts,
    reservation_key,
    stock_account,
)
from promocore_flashsale.errors import (
    CheckoutRefusedError,
    CustomerLimitError,
    FlashSaleError,
    IdempotencyConflictError,
    NotInSessionError,
    OneSkuPerOrderError,
    OrderClosedError,
    SoldOutError,
    UnknownSkuError,
)
from promocore_flashsale.params import FlashItem, FlashSaleParams, Session, Slot
from promocore_flashsale.service import FlashSaleService, Hold, flash_units

__all__ = [
    "CheckoutRefusedError",
    "CustomerLimitError",
    "FlashItem",
    "FlashSaleError",
    "FlashSaleParams",
    "FlashSaleService",
    "Hold",
    "IdempotencyConflictError",
    "NotInSessionError",
    "OneSkuPerOrderError",
    "OrderClosedError",
    "Session",
    "Slot",
    "SoldOutError",
    "UnknownSkuError",
    "customer_account",
    "define_accounts",
    "flash_units",
    "reservation_key",
    "stock_account",
]
