"""``tiered_discount``: order-stage ladders (满减/满折/满赠) and repeated steps (每满减).

``ladder`` grants the best tier met; ``every`` grants ``amount_off`` for each whole
``step`` reached, up to ``cap``. The basis is the payable amount of the lines in
scope, or their number of units (满N件).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from promocore.campaign import Campaign, Stage, Tier
from promocore.errors import Problem
from promocore.hookspecs import hookimpl
from promocore.limits import check_amount, check_instance, items
from promocore.measure import decides_measure
from promocore.mechanic import Context, Decline, Floor, Mechanic, Proposal, Upsell, spread
from promocore.money import Money, Rounding
from promocore.quote import Reason
from promocore.validation import Checks


class Basis(enum.Enum):
    """What thresholds are measured in."""

    AMOUNT = "amount"
    """What the lines in scope have left to pay (满300减50)."""
    QUANTITY = "quantity"
    """Units of the lines in scope (满2件8折)."""


class Mode(enum.Enum):
    """How tiers are applied."""

    LADDER = "ladder"
    """The best tier reached applies (满300减50 满500减100)."""
    EVERY = "every"
    """The reward repeats for every full step, up to a cap (每满100减10 最多减30)."""


Threshold = Money | int


def _tiers(values: Iterable[Tier]) -> tuple[Tier, ...]:
    return items(values)  # type: ignore[no-any-return]


@attrs.frozen
class TieredDiscountParams:
    """Params of ``tiered_discount``.

    Attributes:
        basis: ``amount`` (thresholds are amounts) or ``quantity`` (units). In a
            file it decides how ``threshold`` and ``step`` are read: ``300`` is
            ¥300.00 on an amount basis and 300 units on a quantity basis.
        mode: ``ladder`` (best tier met) or ``every`` (per step, repeated).
        tiers: Ladder tiers, thresholds strictly increasing.
        step: The step of ``every`` mode (an amount, or units on a quantity basis).
        amount_off: What each step of ``every`` mode grants.
        cap: The most the campaign grants in one order.
        rounding: How percent rewards are rounded to the minor unit.
    """

    basis: Basis = attrs.field(
        default=Basis.AMOUNT,
        metadata=decides_measure({Basis.AMOUNT: Money, Basis.QUANTITY: int}),
    )
    mode: Mode = Mode.LADDER
    tiers: tuple[Tier, ...] = attrs.field(default=(), converter=_tiers)
    step: Threshold | None = None
    amount_off: Money | None = None
    cap: Money | None = None
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_instance(checks, "basis", self.basis, Basis, "a Basis")
        check_instance(checks, "mode", self.mode, Mode, "a Mode")
        check_instance(checks, "rounding", self.rounding, Rounding, "a Rounding")
        for name in ("amount_off", "cap"):
            check_amount(checks, name, getattr(self, name), optional=True, what="Money or None")
        if not isinstance(self.tiers, tuple):
            checks.add_type("tiers", f"must be a sequence of Tier, got {type(self.tiers).__name__}")
        else:
            for i, tier in enumerate(self.tiers):
                check_instance(checks, f"tiers[{i}]", tier, Tier, "a Tier")
        check_instance(checks, "step", self.step, Money | int | None, "Money, an int or None")
        checks.raise_if_any()
        want = Money if self.basis is Basis.AMOUNT else int
        unit = "an amount" if self.basis is Basis.AMOUNT else "a whole number of units"
        if self.mode is Mode.LADDER:
            checks.check(bool(self.tiers), "tiers", "ladder mode needs at least one tier")
            for name in ("step", "amount_off"):
                checks.check(getattr(self, name) is None, name, "only used in every mode")
            previous: Threshold | None = None
            for i, tier in enumerate(self.tiers):
                if not isinstance(tier.threshold, want):
                    checks.add(
                        f"tiers[{i}].threshold", f"must be {unit} on a {self.basis.value} basis"
                    )
                    continue
                if previous is not None and _value(tier.threshold) <= _value(previous):
                    checks.add(f"tiers[{i}].threshold", "thresholds must increase strictly")
                previous = tier.threshold
        else:
            checks.check(not self.tiers, "tiers", "only used in ladder mode")
            if self.step is None:
                checks.add("step", "every mode needs a step")
            elif not isinstance(self.step, want):
                checks.add("step", f"must be {unit} on a {self.basis.value} basis")
            elif _value(self.step) <= 0:
                checks.add("step", "must be > 0")
            if self.amount_off is None:
                checks.add("amount_off", "every mode needs amount_off")
            else:
                checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
        if self.cap is not None:
            checks.check(self.cap.amount > 0, "cap", "must be > 0")
        checks.raise_if_any()


def _value(threshold: Threshold) -> int:
    return threshold.amount if isinstance(threshold, Money) else threshold


def _show(threshold: Threshold) -> str:
    return threshold.display() if isinstance(threshold, Money) else f"{threshold} unit(s)"


def _tier_grant(params: TieredDiscountParams, tier: Tier, base: Money) -> Money:
    """What reaching ``tier`` grants on ``base`` (gifts aside)."""
    if tier.amount_off is not None:
        amount = tier.amount_off.min(base)
    elif tier.percent_off is not None:
        amount = base.percent(tier.percent_off, params.rounding)
    else:
        return base - base
    return amount.min(params.cap) if params.cap is not None else amount


def _label(tier: Tier) -> str:
    if tier.amount_off is not None:
        return f"满{_show(tier.threshold)}减{tier.amount_off.display()}"
    if tier.percent_off is not None:
        return f"满{_show(tier.threshold)} {tier.percent_off}% off"
    return f"满{_show(tier.threshold)}赠"


def _upsell(target: Threshold, measure: int, saving: Money, now: Money) -> Upsell | None:
    extra = saving - now
    if extra.amount <= 0:
        return None
    if isinstance(target, Money):
        return Upsell(extra_saving=extra, add_amount=target.with_amount(target.amount - measure))
    return Upsell(extra_saving=extra, add_quantity=target - measure)


def _scaled(base: Money, measure: int, target: Threshold) -> Money:
    """The base the customer would have on reaching ``target``.

    On an amount basis that is the target itself; on a quantity basis the extra
    units are assumed to cost what the current ones cost on average (rounded down).
    """
    if isinstance(target, Money):
        return base.with_amount(max(base.amount, target.amount))
    if measure <= 0:
        return base
    return base.with_amount(base.amount * target // measure)


def _met(params: TieredDiscountParams, measure: int) -> list[Tier]:
    """The ladder tiers ``measure`` reaches, lowest first."""
    return [t for t in params.tiers if _value(t.threshold) <= measure]


def _best_tier(params: TieredDiscountParams, met: list[Tier], base: Money) -> tuple[Tier, Money]:
    """The tier met that grants the most (the highest one on a tie), and its grant."""
    tier, amount = met[-1], _tier_grant(params, met[-1], base)
    for other in met[:-1]:
        grant = _tier_grant(params, other, base)
        if grant > amount:
            tier, amount = other, grant
    return tier, amount


def _step(params: TieredDiscountParams) -> Threshold:
    assert params.step is not None
    return params.step


def _every_grant(params: TieredDiscountParams, steps: int) -> Money:
    """What ``steps`` whole steps grant in every mode, capped."""
    assert params.amount_off is not None
    amount = params.amount_off * steps
    return amount.min(params.cap) if params.cap is not None else amount


@attrs.frozen
class TieredDiscount:
    """The ``tiered_discount`` mechanic."""

    name: str = "tiered_discount"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = TieredDiscountParams
    bound_is_exact: ClassVar[bool] = True

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Check that the gifts of a ``tiered_discount`` campaign are valued in its currency."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Grant the ladder tier or the steps the lines in scope reach."""
        params: TieredDiscountParams = context.campaign.params
        base = context.base
        measure = base.amount if params.basis is Basis.AMOUNT else context.units
        if params.mode is Mode.LADDER:
            return self._ladder(context, params, base, measure)
        return self._every(context, params, base, measure)

    def floor(self, campaign: Campaign) -> Floor:
        """The first tier's threshold (ladder) or the step (every), on the params' basis."""
        params: TieredDiscountParams = campaign.params
        first = params.tiers[0].threshold if params.mode is Mode.LADDER else _step(params)
        if isinstance(first, Money):
            return Floor(amount=first)
        return Floor(units=first)

    def rate(self, campaign: Campaign, unit_price: Money) -> Fraction | None:
        """The best reward per unit of threshold (a percent, or amount off over threshold).

        A tier's reward is spread over the lines by what they have left to pay, which is at
        least the tier's threshold in all. On a quantity basis an amount off has no such
        rate (the units may cost next to nothing).
        """
        params: TieredDiscountParams = campaign.params
        if params.mode is Mode.EVERY:
            assert params.amount_off is not None
            step = _step(params)
            if not isinstance(step, Money):
                return None
            return min(Fraction(params.amount_off.amount, step.amount), Fraction(1))
        best = Fraction(0)
        for tier in params.tiers:
            if tier.percent_off is not None:
                best = max(best, Fraction(tier.percent_off) / 100)
            elif tier.amount_off is not None:
                if not isinstance(tier.threshold, Money):
                    return None
                best = max(best, Fraction(tier.amount_off.amount, tier.threshold.amount))
        return min(best, Fraction(1))

    def bound(self, context: Context) -> Money:
        """Exactly what `evaluate` grants; zero below the first tier or step."""
        params: TieredDiscountParams = context.campaign.params
        base = context.base
        measure = base.amount if params.basis is Basis.AMOUNT else context.units
        if params.mode is Mode.LADDER:
            met = _met(params, measure)
            return _best_tier(params, met, base)[1] if met else base.with_amount(0)
        steps = measure // _value(_step(params))
        return _every_grant(params, steps).min(base) if steps else base.with_amount(0)

    def _ladder(
        self, context: Context, params: TieredDiscountParams, base: Money, measure: int
    ) -> Proposal | Decline:
        met = _met(params, measure)
        above = params.tiers[len(met) :]
        if not met:
            first = params.tiers[0]
            saving = _tier_grant(params, first, _scaled(base, measure, first.threshold))
            upsell = _upsell(first.threshold, measure, saving, base - base)
            return Decline(
                Reason.BELOW_THRESHOLD,
                f"below the first tier ({_show(first.threshold)})",
                upsell,
            )
        tier, amount = _best_tier(params, met, base)
        upsell = None
        for nxt in above:
            saving = _tier_grant(params, nxt, _scaled(base, measure, nxt.threshold))
            upsell = _upsell(nxt.threshold, measure, saving, amount)
            if upsell is not None:
                break
        return Proposal(
            discounts=spread(amount, context.lines),
            message=f"{context.campaign.name}: {_label(tier)}, {amount.display()} off",
            gifts=tier.gifts,
            upsell=upsell,
        )

    def _every(
        self, context: Context, params: TieredDiscountParams, base: Money, measure: int
    ) -> Proposal | Decline:
        assert params.step is not None and params.amount_off is not None
        step = _value(params.step)
        steps = measure // step
        now = _every_grant(params, steps).min(base)
        upsell = None
        if params.cap is None or now < params.cap:
            nxt_threshold: Threshold = (
                params.step * (steps + 1) if isinstance(params.step, Money) else step * (steps + 1)
            )
            reached = _scaled(base, measure, nxt_threshold)
            upsell = _upsell(
                nxt_threshold, measure, _every_grant(params, steps + 1).min(reached), now
            )
        if steps == 0:
            return Decline(
                Reason.BELOW_THRESHOLD, f"below the first step ({_show(params.step)})", upsell
            )
        return Proposal(
            discounts=spread(now, context.lines),
            message=(
                f"{context.campaign.name}: {steps} × 每满{_show(params.step)}减"
                f"{params.amount_off.display()}, {now.display()} off"
            ),
            upsell=upsell,
        )


MECHANIC: Mechanic = TieredDiscount()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``tiered_discount``."""
    return [MECHANIC]


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a ``tiered_discount`` campaign beyond its params.

    Its gifts must be valued in the campaign's currency.
    """
    params = campaign.params
    if not isinstance(params, TieredDiscountParams):
        return [Problem("params", "must be TieredDiscountParams")]
    problems = []
    for i, tier in enumerate(params.tiers):
        for j, gift in enumerate(tier.gifts):
            for name in ("list_price", "cost"):
                value = getattr(gift, name)
                if value is not None and value.currency != campaign.currency:
                    problems.append(
                        Problem(
                            f"params.tiers[{i}].gifts[{j}].{name}",
                            f"is in {value.currency}, not {campaign.currency}",
                        )
                    )
    return problems
