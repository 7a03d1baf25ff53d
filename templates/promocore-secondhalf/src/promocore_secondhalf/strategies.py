"""What promocore.testing needs to know about ``second_half_price``; only tests import it.

Importing the module registers the mechanic's testing profile: the params to draw, and a
reference that works out in Decimal what the mechanic must grant, so the laws catch a
minor unit its own rounding loses or creates.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import strategies as st

from promocore import Context, Money, Rounding
from promocore.testing import register_profile
from promocore_secondhalf.mechanic import NAME, SecondHalfParams


def params(currency: str) -> st.SearchStrategy[SecondHalfParams]:
    """Draw params: a percent off with one decimal place, and any rounding."""
    percents = st.decimals(min_value=Decimal("0.1"), max_value=100, places=1)
    return st.builds(SecondHalfParams, percent_off=percents, rounding=st.sampled_from(Rounding))


def reference(context: Context) -> dict[int, Money]:
    """Each line's discount: the second units' share of what is left, times the percent."""
    chosen: SecondHalfParams = context.campaign.params
    found: dict[int, Money] = {}
    for view in context.lines:
        pairs = view.units // 2
        share = view.base.amount * pairs // view.units  # what those units have left to pay
        with localcontext() as exact:
            exact.prec = 60
            off = Decimal(share) * chosen.percent_off / 100
            amount = int(off.quantize(Decimal(1), rounding=chosen.rounding.value))
        if amount:
            found[view.index] = Money(amount, context.currency)
    return found


register_profile(NAME, params=params, reference=reference)
