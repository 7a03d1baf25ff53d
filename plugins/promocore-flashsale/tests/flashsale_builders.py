"""Shared builders for the flash-sale tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from promocore_flashsale import FlashItem, FlashSaleParams, Slot

from promocore import Campaign, Money

#: 10:05 in Beijing, inside the 10:00 session.
IN_SESSION = datetime(2026, 11, 11, 2, 5, tzinfo=UTC)
#: 12:00 in Beijing, between sessions.
BETWEEN = datetime(2026, 11, 11, 4, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


def params(**changes: Any) -> FlashSaleParams:
    fields: dict[str, Any] = {
        "items": (FlashItem("phone", cny("999.00"), 10), FlashItem("case", cny("9.90"), 100)),
        "slots": (Slot("10:00", "10:30"), Slot("20:00", "21:00")),
    }
    fields.update(changes)
    return FlashSaleParams(**fields)


def campaign(**changes: Any) -> Campaign:
    return Campaign(
        id=changes.pop("id", "fs-1111"),
        name="双11秒杀",
        mechanic="flash_sale",
        params=params(**changes),
    )
