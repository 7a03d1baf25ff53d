"""The errors flash sales raise; every one is a `PromocoreError`."""

from __future__ import annotations

from collections.abc import Iterable

from promocore import PromocoreError


class FlashSaleError(PromocoreError):
    """Root of the errors of flash sales."""


class CheckoutRefusedError(FlashSaleError, RuntimeError):
    """An order cannot be placed at the flash price; nothing was held."""


class NotInSessionError(CheckoutRefusedError):
    """No session of the sale is running now."""


class SoldOutError(CheckoutRefusedError):
    """Too few units are left of some skus; ``skus`` names them."""

    def __init__(self, message: str, skus: Iterable[str]) -> None:
        self.skus = tuple(skus)
        super().__init__(message)


class CustomerLimitError(CheckoutRefusedError):
    """The customer would buy more than the per-customer limit."""


class OneSkuPerOrderError(CheckoutRefusedError):
    """The sale allows one flash-sale sku per order."""


class UnknownSkuError(FlashSaleError, LookupError):
    """The sku is not on sale."""


class OrderClosedError(FlashSaleError, RuntimeError):
    """The order's hold was released, timed out, or paid already (for a release)."""


class IdempotencyConflictError(FlashSaleError, ValueError):
    """An order id was used again for different units."""
