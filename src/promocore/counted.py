"""Counted resources: periodic caps, the promotion-fatigue cap, and what is left of each.

A campaign declares its counted resources on its [`Budget`][promocore.campaign.Budget] (the
spend budget and its contingency reserve) and its [`Limits`][promocore.campaign.Limits] (gift
stock, "first N" redemptions, per-customer redemptions and granted value, periodic caps).
Checkout reserves all of them in one ledger call (see
[`promocore.ledger.resources`][promocore.ledger.resources]). Pricing never reads a ledger: what
is left comes in as a [`Remaining`][promocore.counted.Remaining], passed to
[`Engine.price`][promocore.engine.Engine.price] as ``budgets=``.

Periods are calendar windows in a time zone: a day, an ISO week (Monday to Sunday), or a
calendar month. [`window`][promocore.counted.window] names the window a moment falls in.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

import attrs

from promocore._zones import DEFAULT_TIME_ZONE, check_time_zone, zone
from promocore.money import Money
from promocore.validation import Checks


class Period(enum.Enum):
    """A calendar window a periodic cap counts in."""

    DAY = "day"
    """A calendar day."""
    WEEK = "week"
    """An ISO week, Monday to Sunday."""
    MONTH = "month"
    """A calendar month."""


def window(period: Period, at: datetime, time_zone: str) -> str:
    """Name the window of ``period`` that ``at`` falls in, in ``time_zone``.

    Examples:
        >>> from datetime import UTC, datetime
        >>> at = datetime(2026, 11, 10, 17, 30, tzinfo=UTC)  # 01:30 on the 11th in Shanghai
        >>> window(Period.DAY, at, "Asia/Shanghai"), window(Period.DAY, at, "UTC")
        ('2026-11-11', '2026-11-10')
        >>> window(Period.WEEK, at, "Asia/Shanghai"), window(Period.MONTH, at, "Asia/Shanghai")
        ('2026-W46', '2026-11')
    """
    local = at.astimezone(zone(time_zone))
    if period is Period.DAY:
        return local.date().isoformat()
    if period is Period.WEEK:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local.year}-{local.month:02d}"


def _positive(checks: Checks, value: object, path: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        checks.add(path, "must be a whole number >= 1")


def _positive_money(checks: Checks, value: object, path: str) -> None:
    if value is not None and (not isinstance(value, Money) or value.amount <= 0):
        checks.add(path, "must be an amount > 0")


@attrs.frozen
class PeriodCap:
    """A cap per calendar window: at most ``redemptions`` orders, or ``value`` granted.

    Attributes:
        period: The window it counts in (in the campaign's time zone).
        redemptions: Orders the campaign may be used in per window.
        value: Value the campaign may grant per window, in its currency.
    """

    period: Period
    redemptions: int | None = None
    value: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if not isinstance(self.period, Period):
            checks.add("period", "must be a Period ('day', 'week' or 'month')")
        _positive(checks, self.redemptions, "redemptions")
        _positive_money(checks, self.value, "value")
        if self.redemptions is None and self.value is None:
            checks.add("", "a period cap needs redemptions or value")
        checks.raise_if_any()


@attrs.frozen
class FatigueCap:
    """A cap on promotions per customer and period, across every campaign.

    Counts what each customer's orders received: at most ``campaigns`` campaigns applied,
    or ``value`` granted in all, per window. Campaigns that do not fit are left out of the
    order at checkout, the most valuable kept first.

    Attributes:
        period: The window it counts in.
        campaigns: Campaign applications a customer may receive per window.
        value: Value a customer may receive per window.
        time_zone: The IANA time zone the windows are in (Asia/Shanghai unless named).
    """

    period: Period
    campaigns: int | None = None
    value: Money | None = None
    time_zone: str = DEFAULT_TIME_ZONE

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if not isinstance(self.period, Period):
            checks.add("period", "must be a Period ('day', 'week' or 'month')")
        _positive(checks, self.campaigns, "campaigns")
        _positive_money(checks, self.value, "value")
        if self.campaigns is None and self.value is None:
            checks.add("", "a fatigue cap needs campaigns or value")
        check_time_zone(checks, self.time_zone, "time_zone")
        checks.raise_if_any()


#: Why a campaign is left out of a quote by the promotion-fatigue cap.
FATIGUE_REASON = "the customer's promotion cap for the period is reached"


def over_fatigue(
    values: Iterable[tuple[str, int]], campaigns: int | None, value: int | None
) -> list[str]:
    """The campaigns to leave out so that what is kept fits a fatigue cap.

    Keeps the most valuable first (ties in the order given) while they fit: at most
    ``campaigns`` of them, worth at most ``value`` minor units in all.

    Args:
        values: ``(campaign id, value granted)`` per campaign applied, in quote order.
        campaigns: Campaigns still allowed; ``None`` for no count cap.
        value: Value still allowed; ``None`` for no value cap.

    Examples:
        >>> over_fatigue([("a", 100), ("b", 500), ("c", 300)], 2, None)
        ['a']
        >>> over_fatigue([("a", 100), ("b", 500), ("c", 300)], None, 450)
        ['b']
    """
    listed = list(values)
    order = sorted(range(len(listed)), key=lambda i: (-listed[i][1], i))
    kept = total = 0
    out: list[str] = []
    for i in order:
        cid, amount = listed[i]
        if (campaigns is None or kept < campaigns) and (value is None or total + amount <= value):
            kept += 1
            total += amount
        else:
            out.append(cid)
    return sorted(out, key=lambda cid: next(i for i, (c, _) in enumerate(listed) if c == cid))


def _money_map(values: Mapping[str, Money]) -> dict[str, Money]:
    return dict(values)


def _text_map(values: Mapping[str, str]) -> dict[str, str]:
    return dict(values)


def _units_map(values: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return dict(values)


@attrs.frozen(eq=False)
class Remaining(Mapping[str, Money]):
    """What is left of the counted resources, for one pricing.

    A mapping of the money each campaign may still grant (its budget, or less when a
    per-customer or per-period value cap leaves less), so it can be passed wherever
    ``budgets=`` is taken; the engine also honours its other parts.

    Attributes:
        money: Money each campaign may still grant.
        blocked: Campaigns that may not apply at all, with why (a redemption cap reached).
        gifts: Gift units left per ``(campaign id, sku)``; a gift not listed is not capped.
        fatigue_campaigns: Campaigns the customer may still receive in the period, if a
            fatigue cap counts them; the engine keeps the most valuable that fit.
        fatigue_value: Value (minor units) the customer may still receive in the period,
            if a fatigue cap counts it.
    """

    money: dict[str, Money] = attrs.field(factory=dict, converter=_money_map)
    blocked: dict[str, str] = attrs.field(factory=dict, converter=_text_map)
    gifts: dict[tuple[str, str], int] = attrs.field(factory=dict, converter=_units_map)
    fatigue_campaigns: int | None = None
    fatigue_value: int | None = None

    @property
    def fatigued(self) -> bool:
        """True if a fatigue cap limits the quote."""
        return self.fatigue_campaigns is not None or self.fatigue_value is not None

    def _key(self) -> tuple[object, ...]:
        return (
            tuple(sorted(self.money.items())),
            tuple(sorted(self.blocked.items())),
            tuple(sorted(self.gifts.items())),
            self.fatigue_campaigns,
            self.fatigue_value,
        )

    def __getitem__(self, campaign: str) -> Money:
        return self.money[campaign]

    def __iter__(self) -> Iterator[str]:
        return iter(self.money)

    def __len__(self) -> int:
        return len(self.money)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Remaining):
            return self._key() == other._key()
        if isinstance(other, Mapping):
            plain = not (self.blocked or self.gifts or self.fatigued)
            return plain and self.money == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def updated(self, newer: Remaining) -> Remaining:
        """This, with what ``newer`` read in its place; blocks of both are kept."""
        fatigued = newer.fatigued
        return Remaining(
            {**self.money, **newer.money},
            {**self.blocked, **newer.blocked},
            {**self.gifts, **newer.gifts},
            newer.fatigue_campaigns if fatigued else self.fatigue_campaigns,
            newer.fatigue_value if fatigued else self.fatigue_value,
        )
