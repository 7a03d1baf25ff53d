"""``order_reward``: what a paid order earns afterwards: a coupon (满额返券) or cash back (返现).

A post-stage mechanic: it changes no price. An order whose lines in scope leave at least
``threshold`` to pay earns the reward, reported as an effect with a ``value``, so it is a grant
its campaign's budget counts:

* ``coupon``: a ``coupon_granted`` effect; ``amount`` is the coupons' face value, ``value`` their
  declared ``cost`` (what a redemption costs the merchant) or else their face value;
* ``cash_back`` (a fixed amount) or ``cash_back_percent`` (a share of what is paid, rounded with
  ``rounding``, at most ``cap``): a ``cash_back`` effect whose ``amount`` and ``value`` are the
  cash.

Issuing the coupons or paying the cash is the backend's job once the order is paid (the
coupons game issues coupons from a template).
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from promocore._typed import typed_fields
from promocore.campaign import Campaign, Stage
from promocore.errors import Problem
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, Mechanic, Proposal
from promocore.money import Money, Rounding
from promocore.quote import Effect, GrantKind, Reason
from promocore.validation import Checks

#: The name campaigns use in their ``mechanic`` field.
NAME = "order_reward"


class RewardReason(enum.StrEnum):
    """Reason codes of ``order_reward`` besides the engine's."""

    #: A percent cash back rounds to nothing on what the order pays.
    NOTHING_EARNED = "nothing_earned"


@attrs.frozen
@typed_fields
class CouponReward:
    """Coupons granted for a later order.

    Attributes:
        template: The coupon template (or batch) the backend issues them from.
        face_value: What one coupon takes off a later order.
        cost: What one coupon costs the merchant when redeemed, if not its face value;
            the budget counts this.
        quantity: Coupons granted per order.
    """

    template: str
    face_value: Money
    cost: Money | None = None
    quantity: int = 1

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.template.strip()), "template", "must not be empty")
        checks.check(self.face_value.amount > 0, "face_value", "must be > 0")
        if self.cost is not None:
            checks.check(self.cost.amount >= 0, "cost", "must be >= 0")
            if self.cost.currency != self.face_value.currency:
                checks.add("cost", f"is in {self.cost.currency}, not {self.face_value.currency}")
        checks.check(self.quantity >= 1, "quantity", "must be >= 1")
        checks.raise_if_any()

    @property
    def value(self) -> Money:
        """What the coupons are worth as a grant: ``cost``, else ``face_value``, per coupon."""
        unit = self.cost if self.cost is not None else self.face_value
        return unit * self.quantity


@attrs.frozen
class OrderRewardParams:
    """Params of ``order_reward``: give one of ``coupon``, ``cash_back``, ``cash_back_percent``.

    Attributes:
        threshold: What the lines in scope must leave to pay to earn the reward; ``None``
            for any order.
        coupon: Coupons granted.
        cash_back: A fixed amount returned after the order.
        cash_back_percent: A percent of what the lines in scope pay, returned after the
            order (``"5"`` returns 5 %).
        cap: The most a percent cash back returns in one order.
        rounding: How a percent cash back is rounded to the minor unit.
    """

    threshold: Money | None = None
    coupon: CouponReward | None = None
    cash_back: Money | None = None
    cash_back_percent: Decimal | None = None
    cap: Money | None = None
    rounding: Rounding = Rounding.DOWN

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        given = [
            n for n in ("coupon", "cash_back", "cash_back_percent") if getattr(self, n) is not None
        ]
        if len(given) != 1:
            checks.add("", "give exactly one of coupon, cash_back, cash_back_percent")
        if self.threshold is not None:
            checks.check(self.threshold.amount > 0, "threshold", "must be > 0")
        if self.cash_back is not None:
            checks.check(self.cash_back.amount > 0, "cash_back", "must be > 0")
        if self.cash_back_percent is not None:
            checks.check(
                0 < self.cash_back_percent <= 100, "cash_back_percent", "must be > 0 and <= 100"
            )
        if self.cap is not None:
            checks.check(self.cash_back_percent is not None, "cap", "only caps cash_back_percent")
            checks.check(self.cap.amount > 0, "cap", "must be > 0")
        checks.raise_if_any()

    def amounts(self) -> list[tuple[str, Money]]:
        """Every amount of the params, with its path."""
        found = [
            (name, value)
            for name in ("threshold", "cash_back", "cap")
            if (value := getattr(self, name)) is not None
        ]
        if self.coupon is not None:
            found.append(("coupon.face_value", self.coupon.face_value))
            if self.coupon.cost is not None:
                found.append(("coupon.cost", self.coupon.cost))
        return found


@attrs.frozen
class OrderReward:
    """The ``order_reward`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.POST
    params_type: type[Any] = OrderRewardParams

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Check an ``order_reward`` campaign: post stage, amounts in its currency."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Grant the reward if the lines in scope pay at least the threshold."""
        params: OrderRewardParams = context.campaign.params
        campaign = context.campaign
        paid = context.base
        threshold = params.threshold
        if threshold is not None and paid < threshold:
            return Decline(
                Reason.BELOW_THRESHOLD,
                f"{paid.display()} paid; add {(threshold - paid).display()} more to reach "
                f"{threshold.display()} and earn it",
            )
        coupon = params.coupon
        if coupon is not None:
            face = coupon.face_value * coupon.quantity
            detail = {"template": coupon.template, "quantity": coupon.quantity, "paid": paid}
            effect = Effect(campaign.id, GrantKind.COUPON, face, detail, value=coupon.value)
            message = (
                f"{campaign.name}: {coupon.quantity} × {coupon.face_value.display()} coupon(s) "
                f"granted for {paid.display()} paid"
            )
            return Proposal(message=message, effects=(effect,))
        if params.cash_back is not None:
            cash = params.cash_back
        else:
            assert params.cash_back_percent is not None
            cash = paid.percent(params.cash_back_percent, params.rounding)
            if params.cap is not None:
                cash = cash.min(params.cap)
            if cash.amount <= 0:
                return Decline(
                    RewardReason.NOTHING_EARNED,
                    f"{params.cash_back_percent}% of {paid.display()} paid rounds to nothing",
                )
        effect = Effect(campaign.id, GrantKind.CASH_BACK, cash, {"paid": paid}, value=cash)
        message = f"{campaign.name}: {cash.display()} back for {paid.display()} paid"
        return Proposal(message=message, effects=(effect,))


MECHANIC: Mechanic = OrderReward()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``order_reward``."""
    return [MECHANIC]


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with an ``order_reward`` campaign beyond its params.

    It runs at the post stage, and its amounts are in its currency.
    """
    params = campaign.params
    if not isinstance(params, OrderRewardParams):
        return [Problem("params", "must be OrderRewardParams")]
    problems = []
    if campaign.stage not in (None, Stage.POST):
        problems.append(
            Problem("stage", "order rewards run at the post stage: they change no price")
        )
    for path, amount in params.amounts():
        if amount.currency != campaign.currency:
            problems.append(
                Problem(f"params.{path}", f"is in {amount.currency}, not {campaign.currency}")
            )
    return problems
