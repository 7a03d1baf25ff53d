"""Quotes for the two payments of a presale, explained step by step.

[`quote_deposit`][promocore.games.presale.quotes.quote_deposit] prices the deposit (the presale
campaign alone: a deposit stacks with nothing).
[`quote_final`][promocore.games.presale.quotes.quote_final] prices the final payment through an
[`Engine`][promocore.engine.Engine] holding the presale campaign and the other campaigns, so
order-stage ladders and coupons stack on it when the terms allow. Both are pure: the order is passed
in, nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from promocore.campaign import Campaign
from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.games.presale.errors import (
    IllegalTransitionError,
    OutsideWindowError,
    QuoteUnavailableError,
)
from promocore.games.presale.legal import DEPOSIT_CAP_PERCENT, deposit_cap, split_deposit
from promocore.games.presale.lines import Phase, presale_line
from promocore.games.presale.model import PresaleOrder, Status
from promocore.games.presale.params import NAME, PresaleParams, Window
from promocore.money import Money, total
from promocore.plugins import PluginHost
from promocore.quote import Quote, QuoteLine, Reason

#: Terms that must not change between an order's creation and its final quote.
_PRICING_TERMS = ("sku", "presale_price", "deposit", "deduction", "stacks", "threshold_base")


@attrs.frozen
class Step:
    """One line of a presale quote's explanation.

    Attributes:
        code: What the step is: ``contract``, ``deposit``, ``prepayment``,
            ``deduction``, ``final_due``, a stage name (``order``, ``coupon``...)
            for a stacked campaign, or ``final_amount``.
        amount: The amount of the step; discounts are negative.
        message: The step in words.
        campaign: The campaign behind the step, if any.
    """

    code: str
    amount: Money
    message: str
    campaign: str | None = None


@attrs.frozen
class DepositQuote:
    """What to pay now to secure a presale.

    Attributes:
        campaign_id: The presale campaign.
        quantity: Units.
        pay_now: The deposit due: deposit times quantity.
        legal_deposit: The part of it that is a 定金.
        prepayment: The part above the legal cap, an ordinary refundable
            prepayment (zero unless the campaign allows an excess deposit).
        deduction: What the deposit counts for at final payment.
        final_due: The final payment before other campaigns stack on it.
        final_window: When the final payment is taken.
        quote: The engine's quote of the deposit cart.
        steps: The explanation.
    """

    campaign_id: str
    quantity: int
    pay_now: Money
    legal_deposit: Money
    prepayment: Money
    deduction: Money
    final_due: Money
    final_window: Window
    quote: Quote
    steps: tuple[Step, ...]


@attrs.frozen
class FinalQuote:
    """What to pay in the final-payment window.

    Attributes:
        order_id: The presale order.
        campaign_id: The presale campaign.
        quantity: Units.
        contract_amount: Presale price times quantity.
        deposit_paid: The deposit already paid.
        deduction: What the deposit counted for on the line (its worth, unless
            the final payment would otherwise go below zero).
        stacked: What other campaigns took off the presale line.
        final_amount: What to pay for the presale line now; never below zero.
        pay_now: What to pay for the whole cart (other lines included).
        quote: The engine's quote of the final cart (the presale line first).
        steps: The explanation of the presale line.
    """

    order_id: str
    campaign_id: str
    quantity: int
    contract_amount: Money
    deposit_paid: Money
    deduction: Money
    stacked: Money
    final_amount: Money
    pay_now: Money
    quote: Quote
    steps: tuple[Step, ...]

    @property
    def total_paid(self) -> Money:
        """Deposit plus final amount: what the presale line costs the customer in all."""
        return self.deposit_paid + self.final_amount

    @property
    def inflation(self) -> Money:
        """What the deposit gained: deduction minus deposit (never negative)."""
        gained = self.deduction - self.deposit_paid
        return gained.max(Money.zero(gained.currency))


def _presale_params(campaign: Campaign) -> PresaleParams:
    if campaign.mechanic != NAME or not isinstance(campaign.params, PresaleParams):
        raise ValidationError.single("campaign", "must be a presale campaign")
    return campaign.params


def _applied_or_raise(quote: Quote, campaign: Campaign, *, paid_off: bool = False) -> None:
    if any(a.campaign == campaign.id for a in quote.applied):
        return
    if paid_off and quote.reason(campaign.id) == Reason.UNITS_TAKEN:
        return
    for item in quote.not_applied:
        if item.campaign == campaign.id:
            raise QuoteUnavailableError(
                item.reason, f"presale {campaign.id!r} does not apply: {item.message}"
            )
    raise QuoteUnavailableError(
        "not_considered", f"presale {campaign.id!r} was not considered for the cart"
    )


def quote_deposit(
    campaign: Campaign,
    *,
    quantity: int,
    at: datetime,
    customer: Customer | None = None,
    order_id: str | None = None,
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
    host: PluginHost | None = None,
) -> DepositQuote:
    """Quote the deposit of ``quantity`` units of a presale at ``at``.

    Args:
        campaign: The presale campaign.
        quantity: Units to buy.
        at: The moment to price at (inside the deposit window).
        customer: Who buys (checked against the campaign's audience).
        order_id: The order, if it exists already.
        categories: The sku's categories.
        tags: The sku's tags.
        host: Where mechanics come from.

    Raises:
        ValidationError: not a presale campaign, or a bad quantity or time.
        QuoteUnavailableError: the campaign does not apply (outside the deposit
            window, over a limit, audience); ``reason`` has the engine's code.
    """
    params = _presale_params(campaign)
    line = presale_line(
        params, quantity, Phase.DEPOSIT, order_id=order_id, categories=categories, tags=tags
    )
    cart = Cart(params.currency, (line,), customer, at)
    quote = Engine([campaign], host=host).price(cart, at=at)
    _applied_or_raise(quote, campaign)
    priced = quote.lines[0]
    split = split_deposit(params.deposit, params.presale_price, quantity)
    contract = params.presale_price * quantity
    deduction = params.deduction * quantity
    final_due = contract - deduction
    steps = [
        Step(
            "contract",
            contract,
            f"presale price {params.presale_price.display()} × {quantity} = {contract.display()}",
        ),
        Step(
            "deposit",
            priced.total,
            f"pay now: 定金 {params.deposit.display()} × {quantity} = {priced.total.display()}",
            campaign.id,
        ),
    ]
    if split.prepayment.amount:
        steps.append(
            Step(
                "prepayment",
                split.prepayment,
                f"{split.prepayment.display()} of the deposit is above the legal cap of a 定金 "
                f"({DEPOSIT_CAP_PERCENT}% of {contract.display()} = "
                f"{deposit_cap(contract).display()}): it is an ordinary prepayment, refundable",
                campaign.id,
            )
        )
    steps += [
        Step(
            "deduction",
            deduction,
            f"at final payment the deposit counts as {deduction.display()} "
            f"({(deduction - priced.total).display()} more than paid)",
            campaign.id,
        ),
        Step(
            "final_due",
            final_due,
            f"final payment before other campaigns: {final_due.display()}, "
            f"due in {params.final_window.describe()}",
        ),
    ]
    return DepositQuote(
        campaign_id=campaign.id,
        quantity=quantity,
        pay_now=priced.total,
        legal_deposit=split.legal,
        prepayment=split.prepayment,
        deduction=deduction,
        final_due=final_due,
        final_window=params.final_window,
        quote=quote,
        steps=tuple(steps),
    )


def _find_campaign(engine: Engine, campaign_id: str) -> Campaign:
    for campaign in engine.campaigns:
        if campaign.id == campaign_id:
            return campaign
    raise ValidationError.single("engine", f"has no campaign {campaign_id!r}")


def _check_terms(order: PresaleOrder, params: PresaleParams) -> None:
    changed = [n for n in _PRICING_TERMS if getattr(order.terms, n) != getattr(params, n)]
    if order.terms.final_window != params.final_window:
        changed.append("final_window")
    if changed:
        raise QuoteUnavailableError(
            "terms_changed",
            f"presale {order.campaign_id!r} changed since order {order.id!r} was made "
            f"({', '.join(changed)}); price the order with the campaign it was made under",
        )


def quote_final(
    engine: Engine,
    order: PresaleOrder,
    *,
    at: datetime,
    other_lines: Iterable[LineItem] = (),
    customer: Customer | None = None,
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
    budgets: Mapping[str, Money] | None = None,
    usage: Mapping[str, int] | None = None,
) -> FinalQuote:
    """Quote the final payment of ``order`` at ``at``.

    The presale line comes first in the cart, followed by ``other_lines`` (items
    bought together with the final payment count toward thresholds).

    Args:
        engine: An engine holding the order's presale campaign and the campaigns
            that may stack on the final payment.
        order: The customer's order; its deposit must be paid.
        at: The moment to price at (inside the final-payment window).
        other_lines: Other items in the same checkout.
        customer: The customer; by default one with the order's customer id.
        categories: The presale sku's categories, for other campaigns' scopes.
        tags: The presale sku's tags.
        budgets: Remaining budgets, as for [`Engine.price`][promocore.engine.Engine.price].
        usage: Per-customer usage, as for [`Engine.price`][promocore.engine.Engine.price].

    Raises:
        IllegalTransitionError: the order is not waiting for its final payment.
        OutsideWindowError: ``at`` is outside the final-payment window.
        ValidationError: the engine lacks the campaign, or another customer.
        QuoteUnavailableError: the campaign's terms changed, or it does not apply.
    """
    if order.status is not Status.DEPOSIT_PAID:
        raise IllegalTransitionError(order.id, order.status.value, "quote the final payment")
    window = order.terms.final_window
    if not window.contains(at):
        raise OutsideWindowError(
            order.id,
            order.status.value,
            "quote the final payment",
            at,
            f"the final-payment window is {window.describe()}",
        )
    campaign = _find_campaign(engine, order.campaign_id)
    _check_terms(order, _presale_params(campaign))
    buyer = customer if customer is not None else Customer(order.customer_id)
    if buyer.id != order.customer_id:
        raise ValidationError.single("customer", f"order {order.id!r} is not {buyer.id!r}'s")
    line = presale_line(
        order.terms,
        order.quantity,
        Phase.FINAL,
        order_id=order.id,
        categories=categories,
        tags=tags,
    )
    cart = Cart(order.currency, (line, *other_lines), buyer, at)
    quote = engine.price(cart, at=at, budgets=budgets, usage=usage)
    priced = quote.lines[0]
    # Earlier stages may leave nothing to pay, so there is nothing left to deduct.
    _applied_or_raise(quote, campaign, paid_off=priced.total.amount == 0)
    deduction = total(
        (a.amount for a in priced.adjustments if a.campaign == campaign.id), order.currency
    )
    deposit_paid = order.deposit.amount if order.deposit is not None else order.deposit_due
    return FinalQuote(
        order_id=order.id,
        campaign_id=campaign.id,
        quantity=order.quantity,
        contract_amount=order.contract_amount,
        deposit_paid=deposit_paid,
        deduction=deduction,
        stacked=priced.discount - deduction,
        final_amount=priced.total,
        pay_now=quote.total,
        quote=quote,
        steps=_final_steps(order, campaign, quote, priced, deposit_paid),
    )


def _final_steps(
    order: PresaleOrder, campaign: Campaign, quote: Quote, priced: QuoteLine, deposit_paid: Money
) -> tuple[Step, ...]:
    terms = order.terms
    names = {a.campaign: a.name for a in quote.applied}
    steps = [
        Step(
            "contract",
            order.contract_amount,
            f"presale price {terms.presale_price.display()} × {order.quantity} = "
            f"{order.contract_amount.display()}",
        )
    ]
    deducted = False
    for adjustment in priced.adjustments:
        amount = adjustment.amount
        if adjustment.campaign == campaign.id:
            deducted = True
            worth = order.deduction
            capped = (
                f", capped at {amount.display()} so the final payment is not below zero"
                if amount != worth
                else ""
            )
            message = (
                f"定金 {deposit_paid.display()} 抵 {worth.display()}: "
                f"{deposit_paid.display()} paid + {order.inflation.display()} 膨胀{capped}"
            )
            steps.append(Step("deduction", -amount, message, campaign.id))
        else:
            name = names.get(adjustment.campaign, adjustment.campaign)
            steps.append(
                Step(
                    adjustment.stage.value,
                    -amount,
                    f"{adjustment.stage.value} stage, {name}: -{amount.display()}",
                    adjustment.campaign,
                )
            )
    if not deducted:
        steps.append(
            Step(
                "deduction",
                Money.zero(order.currency),
                f"定金 {deposit_paid.display()} 抵 {order.deduction.display()}: nothing left "
                "to deduct, the final payment is already zero",
                campaign.id,
            )
        )
    steps.append(
        Step(
            "final_amount",
            priced.total,
            f"final payment {priced.total.display()}; in all {deposit_paid.display()} deposit + "
            f"{priced.total.display()} = {(deposit_paid + priced.total).display()}",
        )
    )
    return tuple(steps)
