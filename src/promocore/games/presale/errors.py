"""The exceptions the presale mechanic and its order service raise.

Each derives from [`PresaleError`][promocore.games.presale.errors.PresaleError], from the shared
base it is a case of (an illegal move is an
[`IllegalTransitionError`][promocore.errors.IllegalTransitionError], an unknown order a
[`NotFoundError`][promocore.errors.NotFoundError]) and from the builtin it refines, so
``except ValueError`` or ``except LookupError`` keeps working.
"""

from __future__ import annotations

from datetime import datetime

from promocore import errors as base


class PresaleError(base.PromocoreError):
    """Root of the errors specific to presales."""


class IllegalTransitionError(PresaleError, base.IllegalTransitionError):
    """The order's status does not allow this move (paying twice, cancelling a shipped order).

    Attributes:
        order_id: The order.
        status: Its status when the move was refused.
        action: What was attempted (``"pay the deposit"``).
    """

    def __init__(self, order_id: str, status: str, action: str, detail: str = "") -> None:
        self.order_id = order_id
        self.status = status
        self.action = action
        extra = f": {detail}" if detail else ""
        super().__init__(f"order {order_id!r} is {status}: cannot {action}{extra}")


class OutsideWindowError(IllegalTransitionError):
    """The move is only allowed inside a time window, and ``now`` is outside it.

    Attributes:
        now: The moment of the attempt.
    """

    def __init__(self, order_id: str, status: str, action: str, now: datetime, detail: str) -> None:
        self.now = now
        super().__init__(order_id, status, action, detail)


class AmountError(PresaleError, ValueError):
    """An amount is wrong: not the deposit due, out of range, or in another currency."""


class RefundExceedsPaidError(AmountError):
    """A refund would return more than the customer actually paid and has not got back."""


class IdempotencyConflictError(PresaleError, base.IdempotencyConflictError):
    """An id (payment, refund or order) was used again for a different request."""


class OrderNotFoundError(PresaleError, base.NotFoundError):
    """No presale order has this id."""


class UnavailableError(PresaleError, base.UnavailableError):
    """The presale cannot take this order: stock is sold out or the customer's limit is reached.

    Attributes:
        reasons: One sentence per limit that refused the order.
    """

    def __init__(self, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class HoldLostError(PresaleError, RuntimeError):
    """The stock held for an order was given back before its final payment was recorded."""


class QuoteUnavailableError(PresaleError, ValueError):
    """The presale campaign did not apply to the cart being quoted.

    Attributes:
        reason: The engine's reason code (``"ended"``, ``"audience_mismatch"``).
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)
