"""Budget burn: how fast a campaign spends its budget and when the budget runs out.

Many teams hold back a contingency reserve (typically 10–15 %) of a campaign's
budget for late orders, refunds reversed and make-goods. The *spendable* budget
is the budget minus that reserve; the projection says when the spendable budget,
and then the whole budget, would run out if spending went on at the rate seen
so far (or over a recent window). Time is an input: nothing here reads a clock.

Examples:
    >>> from datetime import datetime, timedelta, timezone
    >>> from promocore.money import Money
    >>> start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> burn = budget_burn(
    ...     Money(1_000_000, "CNY"), 300_000, start=start, now=start + timedelta(days=3),
    ...     end=start + timedelta(days=10),
    ... )
    >>> burn.burn_per_day.display(), burn.spendable.display()
    ('¥1000.00', '¥9000.00')
    >>> burn.projected_exhaustion.isoformat()
    '2026-11-10T00:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from promocore._arrays import (
    CurrencyTracker,
    amount_array,
    amount_total,
    exact_sum,
    report,
    same_length,
)
from promocore.analytics._rates import exact_ratio, ratio
from promocore.analytics._times import instant, time_array, to_datetime64
from promocore.money import Money, Rounding
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["DEFAULT_RESERVE", "BudgetBurn", "budget_burn"]

#: Share of the budget held back as a contingency reserve unless told otherwise.
DEFAULT_RESERVE = Decimal("0.10")

_DAY_US = 86_400_000_000


def _us(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _after(moment: datetime, micros: Fraction) -> datetime | None:
    """Return ``moment`` plus ``micros`` microseconds (rounded up), or None past year 9999."""
    try:
        return moment + timedelta(microseconds=-((-micros.numerator) // micros.denominator))
    except OverflowError:
        return None


def _rounded(value: Fraction, rounding: Rounding) -> int:
    return int(exact_ratio(value.numerator, value.denominator, 0, rounding))


@attrs.frozen
class BudgetBurn:
    """How a campaign's budget is being spent, and what that pace leads to.

    Attributes:
        budget: Total budget.
        reserve_rate: Share of the budget held back as contingency.
        reserve: The contingency reserve (budget × rate, rounded up).
        spendable: Budget minus reserve: what the campaign plans to spend.
        spent: Spent so far.
        start: When spending started.
        now: The moment of the review.
        end: Planned end of the campaign, or None.
        window: The trailing window the burn rate was measured over, or None when
            measured since ``start``.
        burn_per_day: Spend per day at the measured rate (rounded half up).
        projected_exhaustion: When the spendable budget runs out at that rate;
            ``now`` if it already has; None when nothing is being spent.
        projected_budget_exhaustion: When the whole budget, reserve included,
            runs out at that rate; None when nothing is being spent.
        projected_spend_at_end: Spend at ``end`` at that rate, capped at the
            budget (None without ``end``).
        pace_per_day_to_end: The daily spend that would use exactly the rest of
            the spendable budget by ``end`` (rounded down; None without ``end``).
    """

    budget: Money
    reserve_rate: Decimal
    reserve: Money
    spendable: Money
    spent: Money
    start: datetime
    now: datetime
    end: datetime | None
    window: timedelta | None
    burn_per_day: Money
    projected_exhaustion: datetime | None
    projected_budget_exhaustion: datetime | None
    projected_spend_at_end: Money | None
    pace_per_day_to_end: Money | None

    @property
    def remaining(self) -> Money:
        """Return spendable minus spent (negative once the reserve is being used)."""
        return self.spendable - self.spent

    @property
    def using_reserve(self) -> bool:
        """Return True when spending has gone past the spendable budget."""
        return self.spent > self.spendable

    @property
    def utilisation(self) -> Decimal | None:
        """Return spent / spendable, to 4 decimals (half even); None if nothing is spendable."""
        if self.spendable.amount == 0:
            return None
        return exact_ratio(self.spent.amount, self.spendable.amount, 4, Rounding.HALF_EVEN)

    @property
    def exhausts_before_end(self) -> bool | None:
        """Return True when the spendable budget runs out before ``end`` at this pace."""
        if self.end is None:
            return None
        return self.projected_exhaustion is not None and self.projected_exhaustion < self.end

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain values (amounts as major-unit strings of ``currency``)."""
        out: dict[str, Any] = {"currency": self.budget.currency}
        out |= {f.name: unstructure(getattr(self, f.name)) for f in attrs.fields(type(self))}
        out["remaining"] = unstructure(self.remaining)
        out["using_reserve"] = self.using_reserve
        out["utilisation"] = unstructure(self.utilisation)
        out["exhausts_before_end"] = self.exhausts_before_end
        return out


def _spend_total(
    checks: Checks,
    tracker: CurrencyTracker,
    spend: object,
    spend_at: object,
    start: datetime,
    now: datetime,
    window: timedelta | None,
) -> tuple[int, int]:
    """Return (spent in total, spent within the window) in minor units."""
    if spend_at is None:
        spent = amount_total(spend, "spend", checks, tracker)
        if window is not None:
            checks.add("window", "needs spend_at, the time of each spend")
        return spent, spent
    amounts = amount_array(spend, "spend", checks, tracker, minimum=None)
    times = time_array(spend_at, "spend_at", checks, allow_missing=False)
    same_length(checks, [("spend", amounts), ("spend_at", times)])
    if checks.problems:
        return 0, 0
    report(checks, "spend_at", times > to_datetime64(now), "is after now")
    report(checks, "spend_at", times < to_datetime64(start), "is before start")
    spent = exact_sum(amounts)
    if window is None:
        return spent, spent
    recent = times > to_datetime64(now - window)
    return spent, exact_sum(amounts[recent])


def budget_burn(
    budget: object,
    spend: object,
    *,
    start: datetime,
    now: datetime,
    end: datetime | None = None,
    reserve: object = DEFAULT_RESERVE,
    spend_at: object = None,
    window: timedelta | None = None,
    currency: str | None = None,
) -> BudgetBurn:
    """Measure the burn rate of a campaign budget and project when it runs out.

    Args:
        budget: Total budget (Money or minor units).
        spend: What was spent: one amount, or an array or iterable of amounts
            (one per order, say), summed exactly. Entries may be negative (refunds).
        start: When spending started (an aware datetime).
        now: The moment of the review; after ``start``.
        end: Planned end of the campaign, if any; after ``start``.
        reserve: Share of the budget held back as contingency, in [0, 1);
            10 % by default, 10–15 % is common.
        spend_at: When each entry of ``spend`` happened (aware datetimes or UTC
            ``datetime64``); needed for ``window``.
        window: Measure the burn rate over this trailing window instead of since
            ``start``: recent pace predicts better once a campaign has settled.
        currency: ISO 4217 code when the amounts are plain minor units.

    Returns:
        The burn report.

    Raises:
        ValidationError: an amount, an instant, the reserve or the window is invalid.
    """
    checks = Checks()
    tracker = CurrencyTracker(checks, currency)
    total_budget = amount_total(budget, "budget", checks, tracker)
    checks.check(total_budget >= 0, "budget", f"must be >= 0 (got {total_budget})")
    rate = ratio(reserve, "reserve", checks, low=Decimal(0), high=Decimal(1), high_open=True)
    t0 = instant(start, "start", checks)
    t1 = instant(now, "now", checks)
    t_end = None if end is None else instant(end, "end", checks)
    if not checks.problems:
        checks.check(t1 > t0, "now", "must be after start")
        checks.check(t_end is None or t_end > t0, "end", "must be after start")
    if window is not None and (not isinstance(window, timedelta) or window <= timedelta(0)):
        checks.add("window", f"must be a positive timedelta (got {window!r})")
        window = None
    if checks.problems:
        checks.raise_if_any()
    spent, recent = _spend_total(checks, tracker, spend, spend_at, t0, t1, window)
    code = tracker.resolve()
    checks.raise_if_any()

    measured = t1 - t0 if window is None else min(window, t1 - t0)
    per_us = Fraction(recent, _us(measured))  # minor units per microsecond
    reserve_money = Money(total_budget, code).multiply(rate, Rounding.UP)
    spendable = total_budget - reserve_money.amount
    burn_day = per_us * _DAY_US
    burn_per_day = Money(_rounded(burn_day, Rounding.HALF_UP), code)

    def exhaustion(limit: int) -> datetime | None:
        if spent >= limit:
            return t1
        if per_us <= 0:
            return None
        return _after(t1, (limit - spent) / per_us)

    at_end = pace = None
    if t_end is not None:
        left_us = max(_us(t_end - t1), 0)
        projected = Fraction(spent) + max(per_us, Fraction(0)) * left_us
        projected = min(projected, Fraction(max(total_budget, spent)))
        at_end = Money(_rounded(projected, Rounding.HALF_UP), code)
        pace_fraction = Fraction(max(spendable - spent, 0) * _DAY_US, max(left_us, 1))
        pace = Money(_rounded(pace_fraction, Rounding.DOWN) if left_us > 0 else 0, code)
    return BudgetBurn(
        budget=Money(total_budget, code),
        reserve_rate=rate,
        reserve=reserve_money,
        spendable=Money(spendable, code),
        spent=Money(spent, code),
        start=t0,
        now=t1,
        end=t_end,
        window=window,
        burn_per_day=burn_per_day,
        projected_exhaustion=exhaustion(spendable),
        projected_budget_exhaustion=exhaustion(total_budget),
        projected_spend_at_end=at_end,
        pace_per_day_to_end=pace,
    )
