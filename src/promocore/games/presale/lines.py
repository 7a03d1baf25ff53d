"""How a cart line says it is a presale purchase, and in which phase.

Pricing is pure, so the phase and the customer's presale order reach the
mechanic through the cart line itself, as two refs:

* ``presale_phase``: ``"deposit"`` (paying the deposit now) or ``"final"``
  (paying the rest in the final-payment window). This is the explicit phase input;
  the time alone cannot tell, since the two windows may overlap.
* ``presale``: the id of the customer's presale order (required for the final
  phase, optional for the deposit phase while no order exists yet).

The line is priced at the presale price.
[`presale_line`][promocore.games.presale.lines.presale_line] builds such a line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from promocore.cart import LineItem
from promocore.games.presale.params import PresaleParams

#: Line ref naming the presale order.
ORDER_REF = "presale"
#: Line ref naming the phase (a [`Phase`][promocore.games.presale.lines.Phase] value).
PHASE_REF = "presale_phase"


class Phase(enum.Enum):
    """The two payments of a presale."""

    #: Paying the deposit (定金).
    DEPOSIT = "deposit"
    #: Paying the rest (尾款), the deposit counting for its deduction.
    FINAL = "final"


def presale_line(
    params: PresaleParams,
    quantity: int,
    phase: Phase,
    *,
    order_id: str | None = None,
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> LineItem:
    """Return the cart line of a presale purchase in ``phase``.

    Args:
        params: The presale's terms.
        quantity: Units bought.
        phase: Which payment the cart is for.
        order_id: The customer's presale order; required for the final phase.
        categories: The sku's categories, for the scopes of other campaigns.
        tags: The sku's tags.

    Raises:
        ValidationError: a bad quantity.
        ValueError: the final phase without an order id.
    """
    if phase is Phase.FINAL and not order_id:
        raise ValueError("the final phase needs the presale order's id")
    refs = {PHASE_REF: phase.value}
    if order_id:
        refs[ORDER_REF] = order_id
    return LineItem(
        sku=params.sku,
        unit_price=params.presale_price,
        quantity=quantity,
        categories=frozenset(categories),
        tags=frozenset(tags),
        refs=refs,
    )


def line_phase(line: LineItem) -> Phase | str | None:
    """Return the phase a line names, the raw text if it is not a phase, or ``None``."""
    raw = line.ref(PHASE_REF)
    if raw is None:
        return None
    try:
        return Phase(raw)
    except ValueError:
        return raw
