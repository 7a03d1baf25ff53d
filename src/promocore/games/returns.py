"""Returns of units: what a return refunds, computed from what was paid, to the minor unit.

Every game that sells units accepts returns of some of them. A sale of ``quantity`` units
was paid ``paid`` (after every discount: never the list price). After ``returned`` units came
back and ``refunded`` went back to the customer (by earlier returns, and by refunds of an
amount where the game has them), a return of ``units`` more refunds

    (paid − refunded) × units ÷ (quantity − returned), rounded down,

and everything still kept when the last units come back. So the refunds of returns add up to
exactly what was paid once every unit is back, no return ever refunds more than its share,
``units / quantity`` of what was paid counted from the first return on, and returning the
units one at a time or all at once refunds the same in the end.

What a return gives back besides money is each game's business (stock, budget, a coupon,
points, commission). Per-customer purchase counts are kept: a returned purchase still counts
toward the customer's limit, so buying and returning cannot lift it. A sale that never
completed (a cancelled or unpaid order, an expired team) is not a return: it gives everything
back.
"""

from __future__ import annotations

from promocore.errors import ValidationError
from promocore.money import Money


def units_left(quantity: int, returned: int) -> int:
    """Units of a sale of ``quantity`` still kept after ``returned`` came back."""
    return quantity - returned


def check_return(units: object, *, quantity: int, returned: int, path: str = "units") -> int:
    """Return ``units`` if that many of the sale's units may come back.

    Raises:
        ValidationError: ``units`` is not a whole number >= 1, or more than are kept.
    """
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValidationError.single(path, "must be a whole number >= 1")
    left = units_left(quantity, returned)
    if units > left:
        raise ValidationError.single(
            path, f"at most {left} of the {quantity} unit(s) bought are left to return"
        )
    return units


def unit_refund(
    paid: Money, quantity: int, units: int, *, returned: int = 0, refunded: Money | None = None
) -> Money:
    """What returning ``units`` of a sale refunds.

    Args:
        paid: What the sale was paid in all (what the customer gave: deposits, final
            payments, after every discount).
        quantity: Units sold.
        units: Units coming back now.
        returned: Units that came back before.
        refunded: What went back to the customer before (returns and refunds of an amount);
            zero by default.

    Returns:
        ``(paid − refunded) × units ÷ (quantity − returned)`` rounded down, or everything
        left when ``units`` are the last ones.

    Raises:
        ValidationError: a bad quantity, more units than are kept, or more refunded than paid.

    Examples:
        ¥10.00 paid for three units, returned one at a time:

        >>> paid = Money(1_000, "CNY")
        >>> unit_refund(paid, 3, 1).display()
        '¥3.33'
        >>> unit_refund(paid, 3, 1, returned=1, refunded=Money(333, "CNY")).display()
        '¥3.33'
        >>> unit_refund(paid, 3, 1, returned=2, refunded=Money(666, "CNY")).display()
        '¥3.34'
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError.single("quantity", "must be a whole number >= 1")
    if isinstance(returned, bool) or not isinstance(returned, int) or not returned >= 0:
        raise ValidationError.single("returned", "must be a whole number >= 0")
    check_return(units, quantity=quantity, returned=returned)
    given = refunded if refunded is not None else Money.zero(paid.currency)
    kept = paid - given
    if kept.amount < 0:
        raise ValidationError.single("refunded", f"is more than the {paid.display()} paid")
    left = units_left(quantity, returned)
    if units == left:
        return kept
    return kept.with_amount(kept.amount * units // left)
