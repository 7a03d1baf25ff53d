"""The exceptions raised by distribution commissions.

Every error derives from [`CommissionError`][promocore.games.commission.errors.CommissionError]
(itself a [`PromocoreError`][promocore.errors.PromocoreError]) and, where one fits, from the builtin
it refines, so ``except ValueError`` or ``except LookupError`` keep working. The shared bases apply
too: a refused binding is an [`IllegalTransitionError`][promocore.errors.IllegalTransitionError], an
unknown promoter or order a [`NotFoundError`][promocore.errors.NotFoundError], a balance too small
an [`UnavailableError`][promocore.errors.UnavailableError].
"""

from __future__ import annotations

from collections.abc import Sequence

from promocore import errors as base


class CommissionError(base.PromocoreError):
    """Root of the errors raised by distribution commissions."""


class BindingRefusedError(CommissionError, base.IllegalTransitionError, ValueError):
    """A customer cannot be bound to this referrer."""


class SelfBindingError(BindingRefusedError):
    """A customer tried to bind to themselves."""

    def __init__(self, customer: str) -> None:
        self.customer = customer
        super().__init__(f"customer {customer!r} cannot be their own referrer")


class BindingCycleError(BindingRefusedError):
    """Binding would close a loop: the customer is already up the referrer's chain.

    Attributes:
        customer: The customer being bound.
        referrer: The referrer asked for.
        upline: The referrer's chain, nearest first, up to and including the customer.
    """

    def __init__(self, customer: str, referrer: str, upline: Sequence[str]) -> None:
        self.customer = customer
        self.referrer = referrer
        self.upline = tuple(upline)
        path = " -> ".join((referrer, *self.upline))
        super().__init__(
            f"binding {customer!r} to {referrer!r} would make a cycle ({customer} -> {path})"
        )


class NotAPromoterError(CommissionError, base.NotFoundError):
    """The customer named as a referrer or beneficiary has not joined as a promoter."""

    def __init__(self, who: str) -> None:
        self.who = who
        super().__init__(f"{who!r} is not a promoter (call join first)")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownOrderError(CommissionError, base.NotFoundError):
    """No commissions were recorded for this order."""

    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"no commissions recorded for order {order_id!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class IdempotencyConflictError(CommissionError, base.IdempotencyConflictError):
    """An id was used again for a different request (another order, refund or withdrawal)."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key!r} was already used for a different request")


class RefundExceedsPaidError(CommissionError, ValueError):
    """A refund would give back more than was paid for a line."""


class WithdrawalRefusedError(CommissionError, ValueError):
    """A withdrawal was refused; ``reason`` is a machine-readable code."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class InsufficientBalanceError(WithdrawalRefusedError, base.UnavailableError):
    """A withdrawal asked for more than the promoter's available balance."""
