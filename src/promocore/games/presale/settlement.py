"""Who gets what when a presale order ends early: the money rules, as pure functions.

* The customer backs out (or misses the final payment) after paying the deposit:
  under the ``forfeit`` policy the merchant keeps the 定金 part and refunds any
  prepayment above the legal cap; under ``refund`` everything is refunded.
* The merchant cancels: everything paid is refunded, and the merchant pays on
  top ``(compensation_multiple - 1) * 定金`` so the customer gets the 定金 back at
  the compensation multiple (双倍返还 for 2).
* Before anything is paid nothing moves; after the final payment a customer's
  cancellation refunds what is left of what they paid.

Refunds never exceed what was paid: the inflation of the deposit is never money
the customer paid, so it is never refunded.
"""

from __future__ import annotations

import attrs

from promocore.games.presale.model import Party, PresaleOrder, Status
from promocore.games.presale.params import DepositPolicy
from promocore.money import Money


@attrs.frozen
class Settlement:
    """How the money of an ending order is divided.

    Attributes:
        refund: Returned to the customer out of what they paid.
        forfeited: Kept by the merchant.
        compensation: Paid by the merchant on top of the refund.
    """

    refund: Money
    forfeited: Money
    compensation: Money


def compensation(order: PresaleOrder) -> Money:
    """What a merchant who cancels pays on top of refunding the 定金."""
    terms = order.terms
    extra = terms.compensation_multiple - 1
    return order.deposit_split.legal.multiply(extra, terms.compensation_rounding)


def settle(order: PresaleOrder, by: Party) -> Settlement:
    """Divide the money of ``order`` ending now because of ``by``.

    For a lapse (the final window passed unpaid) pass
    [`Party.CUSTOMER`][promocore.games.presale.model.Party.CUSTOMER].
    """
    zero = Money.zero(order.currency)
    left = order.refundable
    if order.status is Status.CREATED or order.deposit is None:
        return Settlement(zero, zero, zero)
    if by is Party.MERCHANT:
        return Settlement(left, zero, compensation(order))
    if order.status is Status.DEPOSIT_PAID and order.terms.deposit_policy is DepositPolicy.FORFEIT:
        legal = order.deposit_split.legal
        return Settlement(left - legal, legal, zero)
    return Settlement(left, zero, zero)
