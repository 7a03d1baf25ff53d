"""The laws every mechanic must obey, built-in or third-party.

Context laws ask the mechanic directly with a drawn [`Context`][promocore.mechanic.Context];
engine laws price a drawn cart with the campaign through [`Engine`][promocore.engine.Engine].
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING

import attrs

from promocore.campaign import Budget
from promocore.config import campaign_from_dict, campaign_to_dict
from promocore.mechanic import Decline, Mechanic, Proposal
from promocore.money import Money
from promocore.plugins import PluginHost
from promocore.quote import GrantKind, Reason
from promocore.testing._pricing import adjustments_of, ask, per_line, price
from promocore.testing.law import Law, LawBroken, Sample
from promocore.testing.probe_laws import (
    BOUND_COVERS_GRANT,
    HINTS_ARE_EXACT,
    KEEPS_NO_STATE,
    MATCHES_REFERENCE,
)
from promocore.testing.profiles import profile_of

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

_REASON_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _deterministic(sample: Sample) -> None:
    first = ask(sample)
    if sample.context is not None:
        again = ask(sample, copy.deepcopy(sample.context))
        if first != again:
            raise LawBroken(f"equal contexts gave different answers:\n  {first!r}\n  {again!r}")
    if price(sample) != price(sample):
        raise LawBroken("pricing the same cart twice gave different quotes")


def _payable_never_negative(sample: Sample) -> None:
    result = ask(sample)
    if isinstance(result, Proposal) and sample.context is not None:
        views = {view.index: view for view in sample.context.lines}
        for discount in result.discounts:
            if discount.amount.amount < 0:
                raise LawBroken(f"line {discount.index}: negative discount {discount.amount}")
        for index, amount in per_line(result, sample.context.currency).items():
            view = views.get(index)
            if view is None:
                raise LawBroken(f"discounted line {index}, which it was not given")
            if amount > view.payable:
                raise LawBroken(
                    f"line {index}: discount {amount} exceeds the payable {view.payable}, "
                    f"leaving {view.payable - amount}"
                )
    for line in price(sample).lines:
        if line.total.amount < 0:
            raise LawBroken(f"quote line {line.index} pays {line.total}")


def _within_base(sample: Sample) -> None:
    result = ask(sample)
    if not isinstance(result, Proposal) or sample.context is None:
        return
    context = sample.context
    views = {view.index: view for view in context.lines}
    for discount in result.discounts:
        view = views.get(discount.index)
        if view is None:
            raise LawBroken(f"discounted line {discount.index}, which it was not given")
        if not 0 <= discount.units <= view.units:
            raise LawBroken(
                f"line {discount.index}: covers {discount.units} unit(s), {view.units} were offered"
            )
    for index, amount in per_line(result, context.currency).items():
        if amount > views[index].base:
            raise LawBroken(f"line {index}: discount {amount} exceeds its base {views[index].base}")
    given = result.amount(context.currency)
    if given > context.base:
        raise LawBroken(f"discounts total {given}, more than the base {context.base}")


def _no_effect_outside(sample: Sample) -> None:
    campaign, cart, at = sample.campaign, sample.cart, sample.at
    quote = price(sample)
    touched = adjustments_of(quote, campaign.id)
    in_scope = any(campaign.scope.includes(line) for line in cart.lines)
    for index in touched:
        if quote.lines[index].shipping:  # every scope with goods covers their shipping
            if not in_scope:
                raise LawBroken(f"discounted the shipping line {index}, no goods in scope")
        elif not campaign.scope.includes(cart.lines[index]):
            raise LawBroken(f"discounted line {index} ({cart.lines[index].sku}), out of scope")
    barred: set[str] = set()
    if campaign.schedule.not_started(at):
        barred.add(Reason.NOT_STARTED)
    if campaign.schedule.ended(at):
        barred.add(Reason.ENDED)
    if campaign.audience.mismatch(cart.customer) is not None:
        barred.add(Reason.AUDIENCE_MISMATCH)
    if not in_scope:
        barred.add(Reason.OUT_OF_SCOPE)
    if not barred:
        return
    gifts = [line for line in quote.lines if line.gift_of == campaign.id]
    effects = [e for e in quote.effects if e.campaign == campaign.id]
    if touched or gifts or effects or quote.applied_amount(campaign.id).amount:
        raise LawBroken(f"applied although barred ({', '.join(sorted(barred))})")
    reason = quote.reason(campaign.id)
    if reason not in barred:
        raise LawBroken(f"not applied with reason {reason!r}, expected one of {sorted(barred)}")


def _allocations_sum_exactly(sample: Sample) -> None:
    result = ask(sample)
    if isinstance(result, Proposal) and sample.context is not None:
        for discount in result.discounts:
            if discount.amount.currency != sample.context.currency:
                raise LawBroken(f"line {discount.index}: discount in {discount.amount.currency}")
    quote = price(sample)
    campaign = sample.campaign
    zero = Money.zero(quote.currency)
    for applied in quote.applied:
        spread = sum(adjustments_of(quote, applied.campaign).values(), zero)
        if spread != applied.amount:
            raise LawBroken(f"applied {applied.amount} but its line adjustments sum to {spread}")
    discounts = sum(
        (
            g.value
            for g in quote.grants
            if g.campaign == campaign.id and g.kind in ("discount", "shipping")
        ),
        zero,
    )
    if discounts != quote.applied_amount(campaign.id):
        raise LawBroken(
            f"its discount grants sum to {discounts} but it gave "
            f"{quote.applied_amount(campaign.id)}"
        )
    drawn = sum((d.amount for d in quote.budget_draws if d.campaign == campaign.id), zero)
    if campaign.budget is not None and drawn != quote.granted(campaign.id):
        raise LawBroken(
            f"draws {drawn} from the budget but granted {quote.granted(campaign.id)} in all"
        )
    for line in quote.lines:
        if line.total != line.subtotal - line.discount:
            raise LawBroken(f"quote line {line.index}: total is not subtotal minus discounts")
    if quote.total != quote.subtotal - quote.discount:
        raise LawBroken("quote total is not subtotal minus discount")


#: Effect kinds that give something away: an effect of one of them must declare its value.
GIVING_KINDS = frozenset(
    {GrantKind.POINTS, GrantKind.COUPON, GrantKind.CASH_BACK, GrantKind.COMMISSION}
)


def _grants_are_valued(sample: Sample) -> None:
    result = ask(sample)
    context = sample.context
    if not isinstance(result, Proposal) or context is None:
        return
    for effect in result.effects:
        value = effect.value
        if value is None:
            if effect.kind in GIVING_KINDS:
                about = "" if effect.amount is None else f" (it is about {effect.amount})"
                raise LawBroken(
                    f"effect {effect.kind!r} gives something away but declares no value, "
                    f"so no budget counts it{about}"
                )
            continue
        if value.currency != context.currency or value.amount < 0:
            raise LawBroken(f"effect {effect.kind!r} is valued at {value}")
        if effect.campaign != context.campaign.id:
            raise LawBroken(f"effect {effect.kind!r} names campaign {effect.campaign!r}")


def _explains_itself(sample: Sample) -> None:
    result = ask(sample)
    if isinstance(result, Decline):
        if not isinstance(result.reason, str) or not _REASON_CODE.fullmatch(str(result.reason)):
            raise LawBroken(f"declined with reason {result.reason!r}, not a snake_case code")
        if not isinstance(result.message, str) or not result.message.strip():
            raise LawBroken(f"declined ({result.reason}) without a message")
        if result.upsell is not None and result.upsell.extra_saving.amount <= 0:
            raise LawBroken("declined with an upsell that saves nothing")
    quote = price(sample)
    campaign = sample.campaign.id
    applied = [a for a in quote.applied if a.campaign == campaign]
    refused = [n for n in quote.not_applied if n.campaign == campaign]
    if len(applied) + len(refused) != 1:
        raise LawBroken(f"appears {len(applied)} time(s) applied, {len(refused)} not applied")
    for item in refused:
        if not item.reason or not item.message.strip():
            raise LawBroken(f"not applied without a reason and a message: {item!r}")


def _respects_budget(sample: Sample) -> None:
    campaign = sample.campaign
    cid = campaign.id
    probe = attrs.evolve(campaign, budget=Budget(Money(1, campaign.currency)))
    if sample.host.validate_campaign(probe):
        return  # the mechanic takes no budget; the engine refuses budgeted campaigns
    free = price(sample, attrs.evolve(campaign, budget=None))
    unbounded, unbounded_off = free.granted(cid), free.applied_amount(cid)
    left: int = sample.draw(_left_strategy(unbounded.amount))
    remaining = Money(left, campaign.currency)
    budget = Budget(Money(max(left, unbounded.amount, 1), campaign.currency))
    quote = price(sample, attrs.evolve(campaign, budget=budget), {cid: remaining})
    granted, off = quote.granted(cid), quote.applied_amount(cid)
    if granted > remaining:
        raise LawBroken(f"granted {granted} in all (effects and gifts included), {remaining} left")
    if unbounded <= remaining and granted != unbounded:
        raise LawBroken(f"granted {granted} with {remaining} left; without a budget {unbounded}")
    if off != unbounded_off.min(remaining):
        raise LawBroken(
            f"took {off} off with {remaining} left; without a budget it takes {unbounded_off} "
            f"off, so it should take {unbounded_off.min(remaining)}"
        )
    zero = Money.zero(campaign.currency)
    withheld = sum((w.grant.value for w in quote.withheld if w.grant.campaign == cid), zero)
    is_applied = any(a.campaign == cid for a in quote.applied)
    if is_applied and granted + withheld + (unbounded_off - off) != unbounded:
        raise LawBroken(
            f"granted {granted} and withheld {withheld} of {unbounded}: some value vanished"
        )
    drawn = sum((d.amount for d in quote.budget_draws if d.campaign == cid), zero)
    if drawn != granted:
        raise LawBroken(f"draws {drawn} from its budget but granted {granted}")
    was_applied = any(a.campaign == cid for a in free.applied)
    if left == 0 and is_applied:
        raise LawBroken("applied with nothing left in its budget")
    if was_applied and not is_applied and quote.reason(cid) != Reason.BUDGET_EXHAUSTED:
        raise LawBroken(
            f"applies without a budget, not with {remaining} left, and says {quote.reason(cid)!r}"
        )


def _left_strategy(unbounded: int) -> SearchStrategy[int]:
    from hypothesis import strategies as st

    return st.just(0) | st.integers(0, max(unbounded, 1) * 2)


def _config_round_trip(sample: Sample) -> None:
    campaign = sample.campaign
    data = campaign_to_dict(campaign, host=sample.host)
    try:
        text = json.dumps(data, ensure_ascii=False)
    except TypeError as exc:
        raise LawBroken(f"campaign_to_dict gave data JSON cannot hold: {exc}") from None
    back = campaign_from_dict(json.loads(text), currency=campaign.currency, host=sample.host)
    if back != campaign:
        raise LawBroken(
            f"the campaign changed through the config loader:\n  {campaign!r}\n  {back!r}"
        )


DETERMINISTIC = Law(
    "deterministic",
    "Equal contexts get equal answers, and pricing a cart twice gives equal quotes.",
    _deterministic,
)
PAYABLE_NEVER_NEGATIVE = Law(
    "payable_never_negative",
    "No discount is negative and no line is discounted below zero.",
    _payable_never_negative,
)
WITHIN_BASE = Law(
    "within_base",
    "A line is never discounted more than the base offered, nor on more units than offered.",
    _within_base,
)
NO_EFFECT_OUTSIDE = Law(
    "no_effect_outside_scope_audience_schedule",
    "Through the engine, out-of-scope lines are untouched, and out of audience or schedule "
    "the campaign does nothing and says why.",
    _no_effect_outside,
)
ALLOCATIONS_SUM_EXACTLY = Law(
    "allocations_sum_exactly",
    "What a campaign is said to give equals its line adjustments and budget draws, exactly.",
    _allocations_sum_exactly,
)
EXPLAINS_ITSELF = Law(
    "explains_itself",
    "A decline carries a snake_case reason and a message; the quote explains the campaign once.",
    _explains_itself,
)
RESPECTS_BUDGET = Law(
    "respects_budget",
    "Through the engine, the total value the campaign grants (discounts, gifts, valued "
    "effects) is at most its remaining budget and is what its budget draws; discounts are "
    "cut to exactly what is left, and what does not fit is withheld, not lost.",
    _respects_budget,
)
GRANTS_ARE_VALUED = Law(
    "grants_are_valued",
    "Every effect that gives something away (points, coupons, cash back, commissions) declares "
    "its value in the cart's currency, never below zero, so budgets count it.",
    _grants_are_valued,
)
CONFIG_ROUND_TRIP = Law(
    "config_round_trip",
    "The campaign survives campaign_to_dict, JSON and campaign_from_dict unchanged.",
    _config_round_trip,
)

#: The laws every mechanic must obey.
STANDARD_LAWS: tuple[Law, ...] = (
    DETERMINISTIC,
    PAYABLE_NEVER_NEGATIVE,
    WITHIN_BASE,
    NO_EFFECT_OUTSIDE,
    ALLOCATIONS_SUM_EXACTLY,
    EXPLAINS_ITSELF,
    RESPECTS_BUDGET,
    GRANTS_ARE_VALUED,
    CONFIG_ROUND_TRIP,
    KEEPS_NO_STATE,
    BOUND_COVERS_GRANT,
    HINTS_ARE_EXACT,
    MATCHES_REFERENCE,
)


def laws_for(mechanic: Mechanic, *, host: PluginHost | None = None) -> tuple[Law, ...]:
    """Return the standard laws followed by the extra laws ``mechanic`` declares.

    With ``host``, the laws of a plugin's ``promocore_testing_profile`` answer count too.
    """
    profile = profile_of(mechanic, host=host)
    extra = tuple(law for law in profile.laws if law not in STANDARD_LAWS)
    return STANDARD_LAWS + extra
