"""What may be asked of a presale order; `transition` applies them."""

from __future__ import annotations

import attrs

from promocore.mechanics.presale.order import Party
from promocore.money import Money


@attrs.frozen
class PayDeposit:
    """Record the deposit payment ``payment_id`` of ``amount`` (must equal the deposit due)."""

    payment_id: str
    amount: Money


@attrs.frozen
class PayFinal:
    """Record the final payment ``payment_id`` of ``amount`` (the quoted final amount)."""

    payment_id: str
    amount: Money


@attrs.frozen
class Fulfill:
    """Record that the order shipped."""


@attrs.frozen
class Cancel:
    """Cancel the order on behalf of ``by``; the money is settled by who cancels and when."""

    by: Party
    reason: str = ""


@attrs.frozen
class Refund:
    """Refund ``amount`` after the final payment (partial refunds allowed) under ``refund_id``."""

    refund_id: str
    amount: Money
    reason: str = ""


@attrs.frozen
class Lapse:
    """Close an order whose payment window passed unpaid (what a sweep sends)."""


#: Every command.
Command = PayDeposit | PayFinal | Fulfill | Cancel | Refund | Lapse
