"""Helpers the laws share: asking the mechanic directly, or pricing through the engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from promocore.campaign import Campaign
from promocore.engine import Engine
from promocore.mechanic import Context, Decline, Proposal
from promocore.money import Money
from promocore.quote import Quote
from promocore.testing.law import LawBroken, Sample


def ask(sample: Sample, context: Context | None = None) -> Proposal | Decline | None:
    """Evaluate the sample's campaign on ``context`` (the sample's by default).

    Returns ``None`` when there is no context (nothing in scope).

    Raises:
        LawBroken: the mechanic answered something other than a Proposal or Decline.
    """
    context = context if context is not None else sample.context
    if context is None:
        return None
    result = sample.mechanic.evaluate(context)
    if not isinstance(result, Proposal | Decline):
        raise LawBroken(f"evaluate returned {type(result).__name__}, not a Proposal or Decline")
    return result


def price(
    sample: Sample,
    campaign: Campaign | None = None,
    budgets: Mapping[str, Money] | None = None,
) -> Quote:
    """Price the sample's cart with one campaign through the engine, explaining it always."""
    engine = Engine([campaign or sample.campaign], host=sample.host)
    return engine.price(sample.cart, at=sample.at, budgets=budgets, explain_all=True)


def granted(result: Proposal | Decline | None, currency: str) -> Money:
    """What a mechanic's answer takes off: its discounts' sum, zero for a decline."""
    if isinstance(result, Proposal):
        return result.amount(currency)
    return Money.zero(currency)


def per_line(proposal: Proposal, currency: str) -> dict[int, Money]:
    """Sum a proposal's discounts by line index."""
    sums: dict[int, Money] = defaultdict(lambda: Money.zero(currency))
    for discount in proposal.discounts:
        sums[discount.index] = sums[discount.index] + discount.amount
    return dict(sums)


def adjustments_of(quote: Quote, campaign: str) -> dict[int, Money]:
    """What ``campaign`` took off each quote line, by line index (lines it touched only)."""
    found: dict[int, Money] = {}
    for line in quote.lines:
        for adjustment in line.adjustments:
            if adjustment.campaign == campaign:
                before = found.get(line.index, Money.zero(quote.currency))
                found[line.index] = before + adjustment.amount
    return found
