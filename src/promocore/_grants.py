"""What a campaign's proposal grants, valued in money, and how a budget caps it.

Every grant has a value: a line discount its amount, a gift its units at their declared cost
(else their list price), an effect its declared ``value``. A budget caps the total: discounts
first (shrunk in proportion, exactly), then gifts in order (as many whole units as fit), then
valued effects in order (each whole or not at all). What does not fit is withheld.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from promocore.campaign import Gift, Stage
from promocore.cart import Cart
from promocore.mechanic import Proposal
from promocore.money import Money, allocate, total
from promocore.quote import Effect, Grant, GrantKind


def proposal_value(proposal: Proposal, currency: str) -> Money:
    """The total value of what ``proposal`` grants: discounts, gifts, valued effects."""
    return total(_values(proposal), currency)


def _values(proposal: Proposal) -> Iterator[Money]:
    for discount in proposal.discounts:
        yield discount.amount
    for gift in proposal.gifts:
        yield gift.value
    for effect in proposal.effects:
        if effect.value is not None:
            yield effect.value


def gift_grant(campaign: str, stage: Stage, gift: Gift, line: int | None = None) -> Grant:
    """The grant of ``gift``, on quote line ``line`` if it is given."""
    return Grant(
        campaign=campaign,
        kind=GrantKind.GIFT,
        value=gift.value,
        stage=stage,
        line=line,
        sku=gift.sku,
        quantity=gift.quantity,
    )


def effect_grant(campaign: str, stage: Stage, effect: Effect) -> Grant | None:
    """The grant of ``effect``, or ``None`` if it gives nothing (no ``value``).

    An effect whose detail names an integer ``line`` (and a ``sku``) is on that line.
    """
    if effect.value is None:
        return None
    detail = dict(effect.detail)
    line = detail.get("line")
    sku = detail.get("sku")
    return Grant(
        campaign=campaign,
        kind=effect.kind,
        value=effect.value,
        stage=stage,
        line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        sku=sku if isinstance(sku, str) else None,
    )


def proposal_grants(
    campaign: str, stage: Stage, proposal: Proposal, cart: Cart, first_gift_line: int
) -> list[Grant]:
    """The grants of an applied ``proposal``: its discounts, gifts and valued effects.

    Its gift lines are numbered from ``first_gift_line`` on.
    """
    grants = [
        Grant(
            campaign=campaign,
            kind=GrantKind.DISCOUNT,
            value=d.amount,
            stage=stage,
            line=d.index,
            sku=cart.lines[d.index].sku,
            quantity=d.units,
        )
        for d in proposal.discounts
        if d.amount.amount
    ]
    for k, gift in enumerate(proposal.gifts):
        grants.append(gift_grant(campaign, stage, gift, first_gift_line + k))
    for effect in proposal.effects:
        grant = effect_grant(campaign, stage, effect)
        if grant is not None:
            grants.append(grant)
    return grants


@attrs.frozen
class Capped:
    """A proposal cut down to a budget, with what was left out.

    Attributes:
        proposal: What is still granted.
        amount: The sum of its discounts.
        withheld: The grants that did not fit (gift units, effects), in order.
        capped: True if anything was cut.
    """

    proposal: Proposal
    amount: Money
    withheld: tuple[Grant, ...]
    capped: bool


def cap(campaign: str, stage: Stage, proposal: Proposal, remaining: Money) -> Capped:
    """Cut ``proposal`` so that its total value is at most ``remaining``.

    Discounts come first, shrunk in proportion so that they sum exactly to what is left
    when they do not fit; then gifts, as many whole units of each as fit; then valued
    effects, each whole or not at all.
    """
    currency = remaining.currency
    amount = proposal.amount(currency)
    if proposal_value(proposal, currency) <= remaining:
        return Capped(proposal, amount, (), False)
    discounts = proposal.discounts
    if amount > remaining:
        weights = [d.amount for d in discounts]
        parts = allocate(remaining, weights, caps=weights)
        discounts = tuple(attrs.evolve(d, amount=p) for d, p in zip(discounts, parts, strict=True))
        amount = remaining
    left = remaining.amount - amount.amount
    withheld: list[Grant] = []
    gifts: list[Gift] = []
    for gift in proposal.gifts:
        unit = gift.unit_value.amount
        fits = gift.quantity if unit == 0 else min(gift.quantity, left // unit)
        left -= unit * fits
        if fits:
            gifts.append(gift if fits == gift.quantity else attrs.evolve(gift, quantity=fits))
        if fits < gift.quantity:
            rest = attrs.evolve(gift, quantity=gift.quantity - fits)
            withheld.append(gift_grant(campaign, stage, rest))
    effects: list[Effect] = []
    for effect in proposal.effects:
        value = effect.value
        if value is not None and value.amount > left:
            grant = effect_grant(campaign, stage, effect)
            assert grant is not None
            withheld.append(attrs.evolve(grant, line=None))
            continue
        if value is not None:
            left -= value.amount
        effects.append(effect)
    capped = attrs.evolve(proposal, discounts=discounts, gifts=tuple(gifts), effects=tuple(effects))
    return Capped(capped, amount, tuple(withheld), True)
