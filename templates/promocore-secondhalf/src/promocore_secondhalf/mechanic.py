"""The ``second_half_price`` mechanic, and the hook that provides it to promocore."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from promocore import (
    Context,
    Decline,
    LineDiscount,
    Mechanic,
    Proposal,
    Rounding,
    Stage,
    ValidationError,
    hookimpl,
)

NAME = "second_half_price"


@attrs.frozen
class SecondHalfParams:
    """Of every two units of a line, the second is ``percent_off`` off.

    Attributes:
        percent_off: Percent off the second unit of each pair (50 is 第二件半价).
        rounding: How the discount is rounded to the minor unit.
    """

    percent_off: Decimal = Decimal(50)
    rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        if not 0 < self.percent_off <= 100:
            raise ValidationError.single("percent_off", "must be > 0 and <= 100")


@attrs.frozen
class SecondHalf:
    """第二件半价: the second unit of every pair of a line at ``percent_off`` off."""

    name: str = NAME
    stage: Stage = Stage.ITEM
    params_type: type[Any] = SecondHalfParams
    #: Where promocore.testing finds the strategies and reference (imported by tests only).
    testing_profile: str = "promocore_secondhalf.strategies"

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Take ``percent_off`` off the second unit of each pair, from what it has left to pay."""
        params: SecondHalfParams = context.campaign.params
        discounts = []
        for view in context.lines:
            pairs = view.units // 2
            if not pairs:
                continue
            seconds = view.take(pairs)  # the second units and what they have left to pay
            amount = seconds.base.percent(params.percent_off, params.rounding)
            if amount.amount:
                discounts.append(LineDiscount(view.index, amount, pairs, seconds.base))
        if not discounts:
            return Decline("below_threshold", "buy two of an item to get the second cheaper")
        return Proposal(
            discounts=tuple(discounts),
            message=f"{context.campaign.name}: second unit {params.percent_off}% off",
        )


MECHANIC: Mechanic = SecondHalf()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``second_half_price``."""
    return [MECHANIC]
