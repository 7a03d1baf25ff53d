"""The terms of a flash sale: daily sessions, flash prices, stock and limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import attrs

from promocore import Checks, Money

_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
#: The longest an unpaid order may hold its units, in minutes.
MAX_HOLD_MINUTES = 24 * 60


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clock_minutes(text: str) -> int:
    found = _CLOCK.fullmatch(text)
    if found is None:
        raise ValueError(text)
    return int(found.group(1)) * 60 + int(found.group(2))


@attrs.frozen
class Slot:
    """A daily session, in the sale's local time: from ``starts`` to ``ends`` (``"HH:MM"``).

    ``ends`` is exclusive and later the same day (``"24:00"`` is not accepted; end at
    ``"23:59"``).
    """

    starts: str
    ends: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("starts", "ends"):
            value = getattr(self, name)
            checks.check(
                isinstance(value, str) and _CLOCK.fullmatch(value) is not None,
                name,
                "must be a time of day such as 10:00",
            )
        if not checks.problems:
            checks.check(self.end_minute > self.start_minute, "ends", "must be after starts")
        checks.raise_if_any()

    @property
    def start_minute(self) -> int:
        """Minutes after local midnight the session starts."""
        return _clock_minutes(self.starts)

    @property
    def end_minute(self) -> int:
        """Minutes after local midnight the session ends."""
        return _clock_minutes(self.ends)


@attrs.frozen
class FlashItem:
    """A sku on flash sale.

    Attributes:
        sku: The sku.
        price: The flash price of one unit.
        stock: Units on sale over the whole activity.
    """

    sku: str
    price: Money
    stock: int

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(isinstance(self.sku, str) and bool(self.sku.strip()), "sku", "is required")
        checks.check(self.price.amount >= 0, "price", "must be >= 0")
        checks.check(_whole(self.stock) and self.stock >= 1, "stock", "must be a whole number >= 1")
        checks.raise_if_any()


def _items(values: Iterable[FlashItem]) -> tuple[FlashItem, ...]:
    return tuple(values)


def _slots(values: Iterable[Slot]) -> tuple[Slot, ...]:
    return tuple(values)


@attrs.frozen
class Session:
    """One day's occurrence of a slot, as instants."""

    slot: Slot
    starts_at: datetime
    ends_at: datetime


@attrs.frozen
class FlashSaleParams:
    """Params of the ``flash_sale`` mechanic.

    Attributes:
        items: The skus on sale with their flash price and stock, skus unique.
        slots: The daily sessions, in order and not overlapping; the flash price holds
            only during a session, on any day inside the campaign's schedule.
        utc_offset: The time zone the sessions are in (``"+08:00"``).
        per_customer_limit: Most units one customer may buy in the activity, over all
            sessions and skus; ``None`` for no limit.
        one_sku_per_order: An order may buy one flash-sale sku only; other flash
            lines of the cart keep their price.
        hold_minutes: How long an unpaid order holds its units before they go back.
        stacks: Whether order- and coupon-stage campaigns may discount a line bought
            at the flash price further.
    """

    items: tuple[FlashItem, ...] = attrs.field(converter=_items)
    slots: tuple[Slot, ...] = attrs.field(converter=_slots)
    utc_offset: str = "+08:00"
    per_customer_limit: int | None = None
    one_sku_per_order: bool = False
    hold_minutes: int = 15
    stacks: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.items), "items", "put at least one sku on sale")
        seen: set[str] = set()
        for i, item in enumerate(self.items):
            if item.sku in seen:
                checks.add(f"items[{i}].sku", f"{item.sku!r} is listed twice")
            seen.add(item.sku)
            if item.price.currency != self.items[0].price.currency:
                checks.add(f"items[{i}].price", "every price must be in one currency")
        checks.check(bool(self.slots), "slots", "give at least one daily session")
        for i in range(1, len(self.slots)):
            if self.slots[i].start_minute < self.slots[i - 1].end_minute:
                checks.add(f"slots[{i}].starts", "sessions must be in order and not overlap")
        checks.check(
            isinstance(self.utc_offset, str) and _OFFSET.fullmatch(self.utc_offset) is not None,
            "utc_offset",
            "must look like +08:00",
        )
        checks.check(
            self.per_customer_limit is None
            or (_whole(self.per_customer_limit) and self.per_customer_limit >= 1),
            "per_customer_limit",
            "must be a whole number >= 1, or None for no limit",
        )
        checks.check(
            _whole(self.hold_minutes) and 1 <= self.hold_minutes <= MAX_HOLD_MINUTES,
            "hold_minutes",
            f"must be a whole number from 1 to {MAX_HOLD_MINUTES}",
        )
        checks.raise_if_any()

    @property
    def currency(self) -> str:
        """The currency of every price."""
        return self.items[0].price.currency

    @property
    def zone(self) -> timezone:
        """The time zone of the sessions."""
        found = _OFFSET.fullmatch(self.utc_offset)
        assert found is not None
        sign = -1 if found.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(found.group(2)), minutes=int(found.group(3))))

    @property
    def hold(self) -> timedelta:
        """How long an unpaid order holds its units."""
        return timedelta(minutes=self.hold_minutes)

    def item(self, sku: str) -> FlashItem | None:
        """Return the sale of ``sku``, or ``None`` if it is not on sale."""
        for item in self.items:
            if item.sku == sku:
                return item
        return None

    def session_at(self, moment: datetime) -> Session | None:
        """Return the session running at ``moment``, or ``None`` between sessions."""
        local = moment.astimezone(self.zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for slot in self.slots:
            starts = midnight + timedelta(minutes=slot.start_minute)
            ends = midnight + timedelta(minutes=slot.end_minute)
            if starts <= local < ends:
                return Session(slot, starts, ends)
        return None

    def next_session(self, moment: datetime) -> Session:
        """Return the first session starting after ``moment`` (the same day or the next)."""
        local = moment.astimezone(self.zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for day in (0, 1):
            for slot in self.slots:
                starts = midnight + timedelta(days=day, minutes=slot.start_minute)
                if starts > local:
                    return Session(slot, starts, starts + _length(slot))
        raise AssertionError("a day has at least one session")


def _length(slot: Slot) -> timedelta:
    return timedelta(minutes=slot.end_minute - slot.start_minute)
