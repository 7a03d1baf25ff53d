"""The terms of a bargaining activity (砍价): prices, helpers, limits and stock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs

from promocore.campaign import Stage
from promocore.money import Money
from promocore.validation import Checks

#: The name campaigns use in their ``mechanic`` field.
NAME = "bargain"

#: Stages a bargain line is closed to unless the params say otherwise.
DEFAULT_CLOSED_STAGES: frozenset[Stage] = frozenset({Stage.ORDER, Stage.COUPON})


def _one_minor_unit(params: BargainParams) -> Money:
    start = params.start_price
    return Money(1, start.currency if isinstance(start, Money) else "CNY")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _stages(values: frozenset[Stage]) -> frozenset[Stage]:
    return frozenset(values)


@attrs.frozen
class BargainParams:
    """Params of the ``bargain`` mechanic: one item, cut by friends toward a floor.

    A session starts at ``start_price``; the initiator may cut first, then each
    helping friend cuts, until the price reaches ``floor_price`` (好友助力砍至底价).
    The cuts are planned so that the floor is reached after exactly
    ``helpers_needed`` helps, or sooner when new helpers cut bigger.

    Attributes:
        sku: The item being bargained for.
        start_price: The price a session starts at.
        floor_price: The lowest price a session can reach (``0`` gives the item free).
        helpers_needed: Helps that take a session from its start to the floor.
        min_cut: The smallest cut; defaults to one minor unit (¥0.01).
        initiator_cuts_first: The initiator makes the first cut when starting
            (it comes on top of the helpers' cuts).
        helps_per_helper: How many sessions one customer may help in the activity.
        sessions_per_customer: How many sessions one customer may start.
        duration_minutes: How long a session takes help before it expires.
        stock: Units that may be ordered at a bargain price in all; ``None`` for no limit.
        buy_above_floor: A session may be ordered at its current price before it
            reaches the floor.
        new_helper_boost: Multiplies the cut of a helper who never ordered
            (``"2"`` doubles it); ``None`` treats every helper alike.
        closed_stages: Stages that may not discount a bargain line further
            (by default order and coupon discounts skip it).
    """

    sku: str
    start_price: Money
    floor_price: Money
    helpers_needed: int
    min_cut: Money = attrs.field(default=attrs.Factory(_one_minor_unit, takes_self=True))
    initiator_cuts_first: bool = True
    helps_per_helper: int = 1
    sessions_per_customer: int = 1
    duration_minutes: int = 24 * 60
    stock: int | None = None
    buy_above_floor: bool = False
    new_helper_boost: Decimal | None = None
    closed_stages: frozenset[Stage] = attrs.field(default=DEFAULT_CLOSED_STAGES, converter=_stages)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(
            isinstance(self.sku, str) and bool(self.sku.strip()), "sku", "must not be empty"
        )
        before = len(checks.problems)
        self._check_prices(checks)
        for name in ("helpers_needed", "helps_per_helper", "sessions_per_customer"):
            value = getattr(self, name)
            checks.check(_whole(value) and value >= 1, name, "must be a whole number >= 1")
        if len(checks.problems) == before:
            self._check_span(checks)
        checks.check(
            _whole(self.duration_minutes) and self.duration_minutes >= 1,
            "duration_minutes",
            "must be a whole number >= 1",
        )
        checks.check(
            self.stock is None or (_whole(self.stock) and self.stock >= 1),
            "stock",
            "must be a whole number >= 1, or None for no limit",
        )
        if self.new_helper_boost is not None:
            checks.check(
                isinstance(self.new_helper_boost, Decimal) and 1 < self.new_helper_boost <= 100,
                "new_helper_boost",
                "must be a Decimal > 1 and <= 100",
            )
        checks.check(
            all(isinstance(stage, Stage) for stage in self.closed_stages),
            "closed_stages",
            "must hold stages",
        )
        checks.raise_if_any()

    def _check_prices(self, checks: Checks) -> None:
        before = len(checks.problems)
        for name in ("start_price", "floor_price", "min_cut"):
            value = getattr(self, name)
            if not isinstance(value, Money):
                checks.add(name, "must be Money")
            elif (
                isinstance(self.start_price, Money) and value.currency != self.start_price.currency
            ):
                checks.add(
                    name, f"is in {value.currency}, start_price is in {self.start_price.currency}"
                )
        if len(checks.problems) > before:
            return
        checks.check(self.start_price.amount > 0, "start_price", "must be > 0")
        checks.check(self.floor_price.amount >= 0, "floor_price", "must be >= 0")
        checks.check(
            self.floor_price < self.start_price,
            "floor_price",
            f"must be below start_price ({self.start_price.display()}), "
            f"got {self.floor_price.display()}",
        )
        checks.check(self.min_cut.amount > 0, "min_cut", "must be > 0")

    def _check_span(self, checks: Checks) -> None:
        needed = self.min_cut * self.cuts
        if needed > self.span:
            who = (
                "helpers_needed + 1 (the initiator's cut)"
                if self.initiator_cuts_first
                else ("helpers_needed")
            )
            checks.add(
                "helpers_needed",
                f"{who} × min_cut = {self.cuts} × {self.min_cut.display()} = "
                f"{needed.display()} exceeds start_price − floor_price = {self.span.display()}",
            )

    @property
    def currency(self) -> str:
        """The currency of every price."""
        return self.start_price.currency

    @property
    def span(self) -> Money:
        """What all the cuts of a session add up to: ``start_price − floor_price``."""
        return self.start_price - self.floor_price

    @property
    def cuts(self) -> int:
        """Cuts from start to floor: the helpers' plus the initiator's, if any."""
        return self.helpers_needed + (1 if self.initiator_cuts_first else 0)

    @property
    def duration(self) -> timedelta:
        """How long a session takes help."""
        return timedelta(minutes=self.duration_minutes)
