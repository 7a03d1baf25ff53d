"""The legal cap on a 定金 (earnest deposit).

Under article 586 of the Civil Code of the People's Republic of China, the amount
of a 定金 is agreed by the parties but may not exceed 20 % of the amount of the
main contract; the part above that has no effect as a 定金. Here the main contract
is the presale price times the quantity, and the cap is rounded down to the minor
unit so that the legal part never exceeds it.
"""

from __future__ import annotations

import attrs

from promocore.money import Money, Rounding

#: The most a 定金 may be, as a percentage of the contract amount.
DEPOSIT_CAP_PERCENT = 20


def deposit_cap(contract_amount: Money) -> Money:
    """Return the largest legal 定金 for ``contract_amount`` (20 %, rounded down)."""
    return contract_amount.percent(DEPOSIT_CAP_PERCENT, Rounding.DOWN)


def exceeds_deposit_cap(deposit: Money, presale_price: Money) -> bool:
    """True if a per-unit ``deposit`` is above 20 % of the per-unit ``presale_price``.

    Exact and independent of the quantity: ``5 * deposit > presale_price``.
    """
    return deposit.amount * 100 > presale_price.amount * DEPOSIT_CAP_PERCENT


@attrs.frozen
class DepositSplit:
    """A deposit split into the part with 定金 effect and a refundable prepayment.

    Attributes:
        legal: The part that is a 定金: forfeited when the customer defaults,
            returned at the compensation multiple when the merchant does.
        prepayment: The part above the legal cap: an ordinary prepayment, always
            refundable (zero unless the campaign allows an excess deposit).
    """

    legal: Money
    prepayment: Money

    @property
    def total(self) -> Money:
        """The whole deposit."""
        return self.legal + self.prepayment


def split_deposit(deposit: Money, presale_price: Money, quantity: int) -> DepositSplit:
    """Split ``deposit * quantity`` at the cap of ``presale_price * quantity``."""
    paid = deposit * quantity
    legal = paid.min(deposit_cap(presale_price * quantity))
    return DepositSplit(legal, paid - legal)
