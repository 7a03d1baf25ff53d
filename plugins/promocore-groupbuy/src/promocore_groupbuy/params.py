"""The terms of a group-buy activity: group prices, team size and duration, limits."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

import attrs

from promocore import Checks, Money

#: The largest team a group buy may ask for.
MAX_TEAM_SIZE = 100
#: The longest a team may stay open, in minutes (30 days).
MAX_TEAM_MINUTES = 30 * 24 * 60


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen
class GroupPrice:
    """The group price of one sku.

    Attributes:
        sku: The sku sold in teams.
        price: What a member pays for one unit.
        leader_price: What the team's leader (who opened it) pays for one unit
            (团长优惠); ``None`` charges the leader the group price.
    """

    sku: str
    price: Money
    leader_price: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(isinstance(self.sku, str) and bool(self.sku.strip()), "sku", "is required")
        checks.check(self.price.amount >= 0, "price", "must be >= 0")
        if self.leader_price is not None:
            if self.leader_price.currency != self.price.currency:
                checks.add("leader_price", f"must be in {self.price.currency}")
            else:
                checks.check(
                    0 <= self.leader_price.amount <= self.price.amount,
                    "leader_price",
                    f"must be >= 0 and <= the group price ({self.price.display()})",
                )
        checks.raise_if_any()

    def unit_price(self, leader: bool) -> Money:
        """What one unit costs a leader (``leader=True``) or a member."""
        if leader and self.leader_price is not None:
            return self.leader_price
        return self.price


def _prices(items: Iterable[GroupPrice]) -> tuple[GroupPrice, ...]:
    return tuple(items)


@attrs.frozen
class GroupBuyParams:
    """Params of the ``group_buy`` mechanic.

    Attributes:
        prices: The group price of each sku in the activity, skus unique.
        team_size: Seats in a team, the leader's included (2 to 100).
        team_minutes: How long a team stays open after it is opened.
        per_customer_limit: Most units one customer may buy in the activity, over
            all their teams; ``None`` for no limit. Units of a refunded team count
            no more.
        per_order_limit: Most units one member may buy when opening or joining a
            team (and so on one cart line); ``None`` for no limit.
        virtual_share: Virtual completion (虚拟成团): a team that times out with at
            least this share of its seats taken by members completes anyway, the
            rest of the seats filled by filler seats; ``None`` refunds every team
            that times out short.
        stacks: Whether order- and coupon-stage campaigns may discount a line
            bought at the group price further.
    """

    prices: tuple[GroupPrice, ...] = attrs.field(converter=_prices)
    team_size: int
    team_minutes: int = 24 * 60
    per_customer_limit: int | None = None
    per_order_limit: int | None = None
    virtual_share: Decimal | None = None
    stacks: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.prices), "prices", "give the group price of at least one sku")
        seen: set[str] = set()
        for i, item in enumerate(self.prices):
            if item.sku in seen:
                checks.add(f"prices[{i}].sku", f"{item.sku!r} is listed twice")
            seen.add(item.sku)
            if self.prices and item.price.currency != self.prices[0].price.currency:
                checks.add(f"prices[{i}].price", "every price must be in one currency")
        checks.check(
            _whole(self.team_size) and 2 <= self.team_size <= MAX_TEAM_SIZE,
            "team_size",
            f"must be a whole number from 2 to {MAX_TEAM_SIZE}",
        )
        checks.check(
            _whole(self.team_minutes) and 1 <= self.team_minutes <= MAX_TEAM_MINUTES,
            "team_minutes",
            f"must be a whole number from 1 to {MAX_TEAM_MINUTES}",
        )
        for name in ("per_customer_limit", "per_order_limit"):
            value = getattr(self, name)
            checks.check(
                value is None or (_whole(value) and value >= 1),
                name,
                "must be a whole number >= 1, or None for no limit",
            )
        share = self.virtual_share
        if share is not None:
            checks.check(
                isinstance(share, Decimal) and share.is_finite() and 0 < share <= 1,
                "virtual_share",
                "must be a Decimal > 0 and <= 1",
            )
        checks.raise_if_any()

    @property
    def currency(self) -> str:
        """The currency of every price."""
        return self.prices[0].price.currency

    def price_of(self, sku: str) -> GroupPrice | None:
        """Return the group price of ``sku``, or ``None`` if it is not in the activity."""
        for item in self.prices:
            if item.sku == sku:
                return item
        return None

    @property
    def virtual_minimum(self) -> int | None:
        """Members a timed-out team needs to complete virtually (``None``: never).

        The share of the team size, rounded up; at least one member (the leader).
        """
        if self.virtual_share is None:
            return None
        return max(1, math.ceil(self.virtual_share * self.team_size))
