"""Shared builders for the group-buy tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from promocore_groupbuy import GroupBuyParams, GroupPrice

from promocore import Campaign, Money, Scope

NOW = datetime(2026, 6, 18, 10, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def params(**changes: Any) -> GroupBuyParams:
    fields: dict[str, Any] = {
        "prices": (
            GroupPrice("tea", cny("59.00"), leader_price=cny("49.00")),
            GroupPrice("cup", cny("19.90")),
        ),
        "team_size": 3,
        "team_minutes": 60,
    }
    fields.update(changes)
    return GroupBuyParams(**fields)


def campaign(**changes: Any) -> Campaign:
    return Campaign(
        id=changes.pop("id", "gb-618"),
        name="618 拼团",
        mechanic="group_buy",
        params=params(**changes),
        scope=Scope(),
    )


SHARE_60 = Decimal("0.6")
