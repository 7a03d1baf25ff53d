"""Small builders shared by the bargain tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from promocore.campaign import Campaign
from promocore.games.bargain import BargainParams
from promocore.money import Money

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 11, 10, 0, tzinfo=SHANGHAI)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def terms(**overrides: Any) -> BargainParams:
    fields: dict[str, Any] = {
        "sku": "tea",
        "start_price": cny("100"),
        "floor_price": cny("9.90"),
        "helpers_needed": 3,
    }
    fields.update(overrides)
    return BargainParams(**fields)


def campaign(params: BargainParams | None = None, *, id: str = "kan", **fields: Any) -> Campaign:
    return Campaign(
        id=id,
        name=fields.pop("name", "Tea bargain"),
        mechanic="bargain",
        params=params if params is not None else terms(),
        **fields,
    )


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
