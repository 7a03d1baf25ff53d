"""Laws some mechanics promise beyond the standard ones; declare them in a mechanic's profile.

A mechanic opts in with a ``laws`` attribute (``laws = (MONOTONE_IN_CART_VALUE,)``) or
through [`register_profile`][promocore.testing.profiles.register_profile].
"""

from __future__ import annotations

from promocore.mechanic import Proposal
from promocore.testing._contexts import grown
from promocore.testing._pricing import ask
from promocore.testing.law import Law, LawBroken, Sample


def _given(result: object, currency: str) -> int:
    return result.amount(currency).amount if isinstance(result, Proposal) else 0


def _monotone(sample: Sample) -> None:
    context = sample.context
    if context is None or not context.lines:
        return
    from hypothesis import strategies as st

    position: int = sample.draw(st.integers(0, len(context.lines) - 1))
    before = _given(ask(sample), context.currency)
    bigger = grown(context, position)
    after = _given(ask(sample, bigger), context.currency)
    if after < before:
        raise LawBroken(
            f"one more unit of line {context.lines[position].index} lowered the discount "
            f"from {before} to {after} minor units"
        )


def _unit_limit(sample: Sample) -> None:
    context = sample.context
    result = ask(sample)
    if context is None or context.unit_limit is None or not isinstance(result, Proposal):
        return
    units = sum(d.units for d in result.discounts if d.amount.amount)
    if units > context.unit_limit:
        raise LawBroken(f"discounted {units} unit(s); the per-order limit is {context.unit_limit}")


MONOTONE_IN_CART_VALUE = Law(
    "monotone_in_cart_value",
    "Adding one more unit of a line in scope never lowers the discount.",
    _monotone,
)
RESPECTS_UNIT_LIMIT = Law(
    "respects_unit_limit",
    "No more units are discounted than the campaign's per-order limit.",
    _unit_limit,
)
