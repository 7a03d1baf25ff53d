"""The errors flash sales raise; every one is a `PromocoreError` and a case of a shared base.

A refused checkout for lack of stock or of the customer's allowance is an ``UnavailableError``,
a move the order's state does not allow an ``IllegalTransitionError``, an unknown sku or order a
``NotFoundError``, a reused order or refund id an ``IdempotencyConflictError``.
"""

from __future__ import annotations

from collections.abc import Iterable

from promocore import (
    IdempotencyConflictError as SharedIdempotencyConflictError,
)
from promocore import (
    IllegalTransitionError,
    NotFoundError,
    PromocoreError,
    UnavailableError,
)


class FlashSaleError(PromocoreError):
    """Root of the errors of flash sales."""


class CheckoutRefusedError(FlashSaleError, RuntimeError):
    """An order cannot be placed at the flash price; nothing was held."""


class NotInSessionError(CheckoutRefusedError):
    """No session of the sale is running now."""


class SoldOutError(CheckoutRefusedError, UnavailableError):
    """Too few units are left of some skus; ``skus`` names them."""

    def __init__(self, message: str, skus: Iterable[str]) -> None:
        self.skus = tuple(skus)
        super().__init__(message)


class CustomerLimitError(CheckoutRefusedError, UnavailableError):
    """The customer would buy more than the per-customer limit."""


class OneSkuPerOrderError(CheckoutRefusedError):
    """The sale allows one flash-sale sku per order."""


class UnknownSkuError(FlashSaleError, NotFoundError):
    """The sku is not on sale."""


class OrderClosedError(FlashSaleError, IllegalTransitionError):
    """The order's hold was released, timed out, or paid already (for a release)."""


class IdempotencyConflictError(FlashSaleError, SharedIdempotencyConflictError):
    """An order id was used again for different units, or a refund id for another return."""


class UnknownOrderError(FlashSaleError, NotFoundError):
    """No flash-sale order has this id (in this service's store)."""


class NotPaidError(FlashSaleError, IllegalTransitionError):
    """Units come back only from a paid order (cancel an unpaid one)."""
