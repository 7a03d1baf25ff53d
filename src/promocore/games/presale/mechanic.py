"""``presale``: deposit-inflation presales (定金膨胀), priced in two phases.

In the deposit phase the presale line is priced down to the deposit due and closed
to every later stage (a deposit stacks with nothing). In the final phase the
deposit's deduction comes off the presale price; the final payment then stacks
with order- and coupon-stage campaigns when the terms allow it. Where thresholds
measure the line depends on the stage the campaign runs at: at the ``item`` stage
(default) the deduction comes first, so they see the final amount; at the
``payment`` stage it comes last, so they see the full presale price
(``threshold_base = "presale_price"`` requires that stage).

A final-payment line for more units than the stock or the per-customer limit allows is
refused with [`RefRefusedError`][promocore.errors.RefRefusedError]: no order could hold
them. That the order it names exists, is the customer's and waits for its final payment is
checked against the store at checkout
([`PresaleService.verify`][promocore.games.presale.service.PresaleService.verify]).
"""

from __future__ import annotations

from typing import Any

import attrs

from promocore.campaign import Campaign, Stage
from promocore.cart import LineItem
from promocore.errors import Problem, RefRefusedError
from promocore.games.presale.legal import split_deposit
from promocore.games.presale.lines import ORDER_REF, PHASE_REF, Phase, line_phase
from promocore.games.presale.params import NAME, PresaleParams, ThresholdBase, Window
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, LineDiscount, LineView, Mechanic, Proposal
from promocore.quote import Effect, Reason

#: Effect kinds the mechanic reports in quotes.
DEPOSIT_EFFECT = "presale_deposit"
FINAL_EFFECT = "presale_final"

_LATER_STAGES = frozenset({Stage.ITEM, Stage.ORDER, Stage.COUPON, Stage.PAYMENT})


def pricing_stage(params: PresaleParams) -> Stage:
    """Return the stage a presale campaign with ``params`` must run at.

    ``payment`` when the final payment stacks and thresholds see the full presale
    price (the deduction must come after the order and coupon stages); ``item``
    otherwise.
    """
    if params.stacks and params.threshold_base is ThresholdBase.PRESALE_PRICE:
        return Stage.PAYMENT
    return Stage.ITEM


def _window_decline(window: Window, context: Context, what: str) -> Decline | None:
    if context.at < window.starts_at:
        return Decline(
            Reason.NOT_STARTED, f"the {what} window opens at {window.starts_at.isoformat()}"
        )
    if context.at >= window.ends_at:
        return Decline(Reason.ENDED, f"the {what} window closed at {window.ends_at.isoformat()}")
    return None


def _line_decline(params: PresaleParams, line: LineItem) -> Decline | None:
    if line.unit_price != params.presale_price:
        return Decline(
            Reason.INELIGIBLE,
            f"the line is priced at {line.unit_price.display()}, not at the presale price "
            f"{params.presale_price.display()}",
        )
    return None


def _check_quantity(params: PresaleParams, line: LineItem, index: int) -> None:
    """Refuse a final-payment line for more units than any order of ``params`` holds.

    Raises:
        RefRefusedError: the line's quantity is above the stock or the per-customer limit.
    """
    limits = [(params.stock, "units were on sale")]
    if params.per_customer_limit is not None:
        limits.append((params.per_customer_limit, "units are allowed per customer"))
    for limit, what in limits:
        if line.quantity > limit:
            raise RefRefusedError.single(
                f"lines[{index}].quantity",
                f"a final payment for {line.quantity} unit(s) claims a deduction of "
                f"{(params.deduction * line.quantity).display()}, but only {limit} {what}",
            )


@attrs.frozen
class _Part:
    discount: LineDiscount
    effect: Effect
    message: str


@attrs.frozen
class Presale:
    """The ``presale`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.ITEM
    params_type: type[Any] = PresaleParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.presale.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Refuse presale campaigns whose stage, budget, scope or schedule cannot work."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price the presale lines of the cart in the phase their refs name."""
        params: PresaleParams = context.campaign.params
        views = [
            v
            for v in context.lines
            if v.line.sku == params.sku and v.line.ref(PHASE_REF) is not None
        ]
        if not views:
            return Decline(
                Reason.NOT_REFERENCED,
                f"no line buys {params.sku} on presale (a presale line carries the ref "
                f"{PHASE_REF!r})",
            )
        phases = {line_phase(v.line) for v in views}
        if len(phases) > 1:
            return Decline(Reason.INELIGIBLE, "a cart pays one phase of a presale, not both")
        phase = phases.pop()
        if not isinstance(phase, Phase):
            return Decline(Reason.INELIGIBLE, f"unknown {PHASE_REF} {phase!r} (deposit or final)")
        if phase is Phase.DEPOSIT:
            return self._deposit(context, params, views)
        return self._final(context, params, views)

    def _deposit(
        self, context: Context, params: PresaleParams, views: list[LineView]
    ) -> Proposal | Decline:
        refused = _window_decline(params.deposit_window, context, "deposit")
        if refused is not None:
            return refused
        parts: list[_Part] = []
        for view in views:
            line = view.line
            refused = (
                _line_decline(params, line)
                or self._units_decline(view)
                or self._quantity_decline(context, params, line)
            )
            if refused is not None:
                return refused
            if view.base != line.subtotal:
                return Decline(
                    Reason.INELIGIBLE,
                    "a deposit stacks with no other campaign, and this line was already discounted",
                )
            due = params.deposit * line.quantity
            split = split_deposit(params.deposit, params.presale_price, line.quantity)
            detail: dict[str, object] = {
                "phase": Phase.DEPOSIT.value,
                "quantity": line.quantity,
                "deposit": due,
                "legal_deposit": split.legal,
                "prepayment": split.prepayment,
                "deduction": params.deduction * line.quantity,
                "final_window_starts_at": params.final_window.starts_at.isoformat(),
                "final_window_ends_at": params.final_window.ends_at.isoformat(),
            }
            order_id = line.ref(ORDER_REF)
            if order_id is not None:
                detail["order"] = order_id
            note = (
                f"; {split.prepayment.display()} of it is over the 20% cap of a 定金 and is a "
                "refundable prepayment"
                if split.prepayment.amount
                else ""
            )
            parts.append(
                _Part(
                    LineDiscount(view.index, view.base - due, view.units),
                    Effect(context.campaign.id, DEPOSIT_EFFECT, due, detail),
                    f"pay the deposit {due.display()} now ({params.deposit.display()} × "
                    f"{line.quantity}, worth {(params.deduction * line.quantity).display()} "
                    f"at final payment from {params.final_window.starts_at.isoformat()}){note}",
                )
            )
        return self._proposal(context, parts, _LATER_STAGES)

    def _final(
        self, context: Context, params: PresaleParams, views: list[LineView]
    ) -> Proposal | Decline:
        refused = _window_decline(params.final_window, context, "final-payment")
        if refused is not None:
            return refused
        needed = pricing_stage(params)
        if context.stage is not needed:
            return Decline(
                Reason.INELIGIBLE,
                f"with these terms the final payment is priced at the {needed.value} stage, "
                f"not {context.stage.value}",
            )
        parts: list[_Part] = []
        for view in views:
            line = view.line
            order_id = line.ref(ORDER_REF)
            if not order_id:
                return Decline(
                    Reason.NOT_REFERENCED,
                    f"a final payment names its presale order (ref {ORDER_REF!r})",
                )
            # The order's quantity was checked against the limits when it was made, so a
            # line above them claims a deduction no order can hold.
            _check_quantity(params, line, view.index)
            refused = _line_decline(params, line) or self._units_decline(view)
            if refused is not None:
                return refused
            worth = params.deduction * line.quantity
            deduction = worth.min(view.base)
            deposit = params.deposit * line.quantity
            inflation = worth - deposit
            capped = (
                f", capped at {deduction.display()} so the final payment is not below zero"
                if deduction != worth
                else ""
            )
            parts.append(
                _Part(
                    LineDiscount(view.index, deduction, view.units),
                    Effect(
                        context.campaign.id,
                        FINAL_EFFECT,
                        deduction,
                        {
                            "phase": Phase.FINAL.value,
                            "order": order_id,
                            "quantity": line.quantity,
                            "deposit": deposit,
                            "deduction": worth,
                            "inflation": inflation,
                        },
                    ),
                    f"定金 {deposit.display()} 抵 {worth.display()} ({inflation.display()} 膨胀) "
                    f"on {line.quantity} unit(s){capped}",
                )
            )
        closes: frozenset[Stage] = frozenset()
        if context.stage is Stage.ITEM:
            closes = frozenset({Stage.ITEM})
            if not params.stacks:
                closes |= {Stage.ORDER, Stage.COUPON}
        return self._proposal(context, parts, closes)

    @staticmethod
    def _units_decline(view: LineView) -> Decline | None:
        if view.units < view.line.quantity or view.base != view.payable:
            return Decline(
                Reason.UNITS_TAKEN,
                "a presale line is priced whole, and an exclusive campaign took some of its units",
            )
        return None

    @staticmethod
    def _quantity_decline(
        context: Context, params: PresaleParams, line: LineItem
    ) -> Decline | None:
        limits = [(params.stock, "units are on sale")]
        if params.per_customer_limit is not None:
            limits.append((params.per_customer_limit, "units are allowed per customer"))
        if context.unit_limit is not None:
            limits.append((context.unit_limit, "units are allowed per order"))
        for limit, what in limits:
            if line.quantity > limit:
                return Decline(Reason.LIMIT_REACHED, f"only {limit} {what}")
        return None

    @staticmethod
    def _proposal(context: Context, parts: list[_Part], closes: frozenset[Stage]) -> Proposal:
        return Proposal(
            discounts=tuple(p.discount for p in parts),
            message=f"{context.campaign.name}: " + "; ".join(p.message for p in parts),
            effects=tuple(p.effect for p in parts),
            closes=closes,
        )


MECHANIC: Mechanic = Presale()


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a presale campaign beyond its params.

    Checks the currency, that it has no budget, that it runs at the stage its
    terms need (see [`pricing_stage`][promocore.games.presale.mechanic.pricing_stage]), that its
    scope covers the sku and that its schedule covers both windows.
    """
    params = campaign.params
    if not isinstance(params, PresaleParams):
        return [Problem("params", "must be PresaleParams")]
    problems: list[Problem] = []
    if params.currency != campaign.currency:
        problems.append(
            Problem(
                "params",
                f"amounts are in {params.currency}, the campaign is in {campaign.currency}",
            )
        )
    if campaign.budget is not None:
        problems.append(
            Problem("budget", "a presale takes no budget: its deduction is a term of every order")
        )
    needed = pricing_stage(params)
    actual = campaign.stage or MECHANIC.stage
    if actual is not needed:
        why = (
            "thresholds must see the full presale price, so the deduction comes after the "
            "order and coupon stages"
            if needed is Stage.PAYMENT
            else "the deduction must come before the order and coupon stages"
        )
        problems.append(Problem("stage", f"must be {needed.value!r}: {why}"))
    scope = campaign.scope
    if params.sku in scope.exclude_skus or (
        scope.skus and not scope.categories and params.sku not in scope.skus
    ):
        problems.append(Problem("scope", f"does not cover the presale sku {params.sku!r}"))
    schedule = campaign.schedule
    if schedule.starts_at is not None and schedule.starts_at > params.deposit_window.starts_at:
        problems.append(Problem("starts_at", "must not be after the deposit window opens"))
    if schedule.ends_at is not None and schedule.ends_at < params.final_window.ends_at:
        problems.append(Problem("ends_at", "must not be before the final-payment window closes"))
    return problems


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``presale``."""
    return [MECHANIC]
