"""The terms of a distribution program (分销): rates, ranks, binding, withdrawals and compliance.

A program pays up to three levels of promoters up the buyer's chain. Each level has a
[`Rate`][promocore.games.commission.params.Rate]: a percent of the line's commission base, or a
fixed amount per unit. Promoter ranks (晋升机制) and per-sku rates replace the default rates.
Percent commissions are rounded **down** to the minor unit (a promoter is never paid a fraction
of a fen that was not earned). Whether following a promoter's link binds a customer (绑定关系),
rebinds them or changes nothing is the
[`BindingPolicy`][promocore.games.commission.params.BindingPolicy].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from promocore._typed import tuple_of, typed_fields
from promocore.games.commission.compliance import (
    MAX_LEVELS,
    ComplianceNote,
    ComplianceProfile,
    compliance_notes,
    warn_about,
)
from promocore.measure import decides_measure
from promocore.money import Money, Rounding
from promocore.validation import Checks


class BindingMode(enum.Enum):
    """Which link binds a customer."""

    #: The first link binds; later links change nothing while the binding is active.
    FIRST_LINK = "first_link"
    #: Every link binds; a later link moves the customer to the new referrer.
    LAST_LINK = "last_link"
    #: Only a link followed while registering binds; later links change nothing.
    AT_REGISTRATION = "at_registration"


@attrs.frozen
class BindingPolicy:
    """How links bind customers.

    Attributes:
        mode: Which link wins.
        expire_days: A binding lapses this many days after it was made (a lapsed
            binding pays no commission and leaves the customer free to bind again,
            except in ``at_registration`` mode); ``None`` keeps bindings forever.
    """

    mode: BindingMode = BindingMode.FIRST_LINK
    expire_days: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.expire_days is not None:
            checks.check(
                not isinstance(self.expire_days, bool) and 1 <= self.expire_days <= 36_500,
                "expire_days",
                "must be a whole number of days from 1 to 36500",
            )
        checks.raise_if_any()

    def expiry(self, bound_at: datetime) -> datetime | None:
        """When a binding made at ``bound_at`` lapses, or ``None``."""
        if self.expire_days is None:
            return None
        return bound_at + timedelta(days=self.expire_days)


#: Tags (and cart-line ``refs`` names) that mark an activity item by default.
DEFAULT_ACTIVITY_TAGS = frozenset({"activity", "bargain", "group_buy", "flash_sale"})


#: The name campaigns use in their ``mechanic`` field.
NAME = "commission"


class RankBasis(enum.Enum):
    """What promoter ranks are measured by."""

    #: The promoter's settled level-1 sales (thresholds are amounts).
    SETTLED_SALES = "settled_sales"
    #: How many customers are bound to the promoter (thresholds are head counts).
    TEAM_SIZE = "team_size"


class CommissionBase(enum.Enum):
    """What a line's commission is a percentage of."""

    #: What the buyer pays for the line after every discount.
    PAYABLE = "payable"
    #: The same plus the line's share of the shipping fee.
    PAYABLE_WITH_SHIPPING = "payable_with_shipping"


@attrs.frozen
class Rate:
    """A commission rate for one level: a percent of the base, or a fixed amount per unit.

    Attributes:
        percent: Percent of the line's base (``"10"`` is 10 %), rounded down.
        per_unit: A fixed amount for each unit bought, capped at the line's base.
    """

    percent: Decimal | None = None
    per_unit: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if (self.percent is None) == (self.per_unit is None):
            checks.add("", "give exactly one of percent, per_unit")
        if self.percent is not None:
            checks.check(0 <= self.percent <= 100, "percent", "must be >= 0 and <= 100")
        if self.per_unit is not None:
            checks.check(self.per_unit.amount >= 0, "per_unit", "must be >= 0")
        checks.raise_if_any()

    def amount(self, base: Money, quantity: int) -> Money:
        """The commission this rate pays on a line of ``quantity`` units and ``base``."""
        if self.percent is not None:
            return base.percent(self.percent, Rounding.DOWN)
        assert self.per_unit is not None
        return (self.per_unit * quantity).min(base)

    def describe(self) -> str:
        """The rate in words (``"10%"``, ``"¥2.00/unit"``)."""
        if self.percent is not None:
            return f"{self.percent}%"
        assert self.per_unit is not None
        return f"{self.per_unit.display()}/unit"


def _rate_tuple(items: Iterable[Rate]) -> tuple[Rate, ...]:
    return tuple_of(items)


@attrs.frozen
@typed_fields
class SkuRates:
    """Rates for one sku, replacing the program's (or a rank's) rates for it.

    Attributes:
        sku: The sku.
        rates: One rate per level.
        rank: Apply only to promoters of this rank; ``None`` applies to every rank
            that has no rates of its own for the sku.
    """

    sku: str
    rates: tuple[Rate, ...] = attrs.field(converter=_rate_tuple)
    rank: str | None = None


@attrs.frozen
@typed_fields
class Rank:
    """A promoter rank: reaching ``threshold`` earns ``rates`` (晋升).

    Attributes:
        name: The rank's name (``"gold"``).
        threshold: Settled sales (an amount) or team size (a head count) needed,
            depending on the program's ``rank_by``.
        rates: One rate per level, replacing the program's default rates.
    """

    name: str
    threshold: Money | int
    rates: tuple[Rate, ...] = attrs.field(converter=_rate_tuple)


@attrs.frozen
class WithdrawalRules:
    """When and at what cost promoters withdraw their available balance.

    Attributes:
        minimum: The smallest withdrawal, or ``None`` for no minimum.
        fee_percent: Percent of the withdrawal kept as a fee.
        fee_fixed: A fixed fee per withdrawal, or ``None``.
        fee_rounding: How the percent fee is rounded to the minor unit.
    """

    minimum: Money | None = None
    fee_percent: Decimal = Decimal(0)
    fee_fixed: Money | None = None
    fee_rounding: Rounding = Rounding.HALF_UP

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.minimum is not None:
            checks.check(self.minimum.amount > 0, "minimum", "must be > 0")
        checks.check(0 <= self.fee_percent < 100, "fee_percent", "must be >= 0 and < 100")
        if self.fee_fixed is not None:
            checks.check(self.fee_fixed.amount >= 0, "fee_fixed", "must be >= 0")
        checks.raise_if_any()

    def fee(self, amount: Money) -> Money:
        """The fee on a withdrawal of ``amount``."""
        fee = amount.percent(self.fee_percent, self.fee_rounding)
        if self.fee_fixed is not None:
            fee = fee + self.fee_fixed
        return fee


def _sku_rates_tuple(items: Iterable[SkuRates]) -> tuple[SkuRates, ...]:
    return tuple_of(items)


def _rank_tuple(items: Iterable[Rank]) -> tuple[Rank, ...]:
    return tuple_of(items)


def _levels_of(params: CommissionParams) -> int:
    return len(params.rates) if isinstance(params.rates, tuple) else 1  # else refused later


def _rates(checks: Checks, path: str, rates: tuple[Rate, ...], levels: int) -> None:
    if len(rates) != levels:
        checks.add(path, f"give one rate per level ({levels}), got {len(rates)}")
    for i, rate in enumerate(rates):
        checks.check(isinstance(rate, Rate), f"{path}[{i}]", "must be a Rate")


@attrs.frozen
@typed_fields
class CommissionParams:
    """Params of the ``commission`` mechanic: one distribution program.

    Attributes:
        rates: One default rate per level, level 1 (the direct referrer) first.
        levels: How many levels are paid, 1 to 3 (more is refused); by default
            as many as ``rates`` has.
        sku_rates: Per-sku rates (optionally per rank) replacing the defaults.
        ranks: Promoter ranks, thresholds strictly increasing; a promoter is
            promoted to the highest rank reached and is never demoted.
        rank_by: What rank thresholds measure; in a file it decides whether a
            rank's ``threshold`` is read as an amount or as a head count.
        base: What percent rates apply to.
        max_share: The most an order's commissions may add up to, as a percent of
            what the buyer paid (net of refunds), 50 by default; larger sums are
            scaled down.
        activity_items: Whether activity items (bargain, group buy, flash sale)
            pay commission.
        activity_tags: Line tags, or cart-line ``refs`` names, marking activity items.
        self_purchase: Whether a promoter buying for themselves earns the level-1
            commission (自购返佣); off, their own referrer is level 1 as for anyone.
        freeze_days: Days commissions stay frozen after payment (the return
            window), 7 by default.
        withdrawal: Withdrawal minimum and fees.
        binding: How links bind customers to referrers.
        compliance: The compliance profile; ``prc`` (default) warns at three levels
            and about ranks by team size.
    """

    rates: tuple[Rate, ...] = attrs.field(converter=_rate_tuple)
    levels: int = attrs.field(default=attrs.Factory(_levels_of, takes_self=True))
    sku_rates: tuple[SkuRates, ...] = attrs.field(default=(), converter=_sku_rates_tuple)
    ranks: tuple[Rank, ...] = attrs.field(default=(), converter=_rank_tuple)
    rank_by: RankBasis = attrs.field(
        default=RankBasis.SETTLED_SALES,
        metadata=decides_measure({RankBasis.SETTLED_SALES: Money, RankBasis.TEAM_SIZE: int}),
    )
    base: CommissionBase = CommissionBase.PAYABLE
    max_share: Decimal = Decimal(50)
    activity_items: bool = False
    activity_tags: frozenset[str] = DEFAULT_ACTIVITY_TAGS
    self_purchase: bool = False
    freeze_days: int = 7
    withdrawal: WithdrawalRules = WithdrawalRules()
    binding: BindingPolicy = BindingPolicy()
    compliance: ComplianceProfile = ComplianceProfile.PRC

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        levels = self.levels
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
            checks.add("levels", "must be a whole number from 1 to 3")
            levels = len(self.rates)
        elif levels > MAX_LEVELS:
            checks.add(
                "levels",
                f"at most {MAX_LEVELS} levels: more tiers of commission are refused as "
                "multi-level selling (禁止传销条例)",
            )
            levels = len(self.rates)
        _rates(checks, "rates", self.rates, levels)
        self._check_ranks(checks, levels)
        self._check_sku_rates(checks, levels)
        checks.check(0 < self.max_share <= 100, "max_share", "must be > 0 and <= 100")
        checks.check(
            not isinstance(self.freeze_days, bool)
            and isinstance(self.freeze_days, int)
            and 0 <= self.freeze_days <= 365,
            "freeze_days",
            "must be a whole number of days from 0 to 365",
        )
        currencies = sorted({m.currency for m in self.amounts()})
        if len(currencies) > 1:
            checks.add("", f"every amount must be in one currency, found {', '.join(currencies)}")
        checks.raise_if_any()
        warn_about(
            self.compliance_notes(), stacklevel=4
        )  # past the generated __init__ and the type check

    def _check_ranks(self, checks: Checks, levels: int) -> None:
        want = Money if self.rank_by is RankBasis.SETTLED_SALES else int
        kind = "an amount" if want is Money else "a whole number of customers"
        names: set[str] = set()
        previous: int | None = None
        for i, rank in enumerate(self.ranks):
            path = f"ranks[{i}]"
            if not rank.name.strip():
                checks.add(f"{path}.name", "must not be empty")
            elif rank.name in names:
                checks.add(f"{path}.name", f"duplicate rank {rank.name!r}")
            names.add(rank.name)
            _rates(checks, f"{path}.rates", rank.rates, levels)
            threshold = rank.threshold
            if isinstance(threshold, bool) or not isinstance(threshold, want):
                checks.add(
                    f"{path}.threshold", f"must be {kind} when ranking by {self.rank_by.value}"
                )
                continue
            value = threshold.amount if isinstance(threshold, Money) else threshold
            if value <= 0:
                checks.add(f"{path}.threshold", "must be > 0")
            elif previous is not None and value <= previous:
                checks.add(f"{path}.threshold", "thresholds must increase strictly")
            previous = value

    def _check_sku_rates(self, checks: Checks, levels: int) -> None:
        names = {rank.name for rank in self.ranks}
        seen: set[tuple[str, str | None]] = set()
        for i, item in enumerate(self.sku_rates):
            path = f"sku_rates[{i}]"
            checks.check(bool(item.sku.strip()), f"{path}.sku", "must not be empty")
            if item.rank is not None and item.rank not in names:
                checks.add(f"{path}.rank", f"unknown rank {item.rank!r}")
            if (item.sku, item.rank) in seen:
                checks.add(path, f"duplicate rates for sku {item.sku!r} and rank {item.rank!r}")
            seen.add((item.sku, item.rank))
            _rates(checks, f"{path}.rates", item.rates, levels)

    def amounts(self) -> Iterator[Money]:
        """Every amount in the params (to check their currency)."""
        all_rates = [
            *self.rates,
            *(r for rank in self.ranks for r in rank.rates),
            *(r for item in self.sku_rates for r in item.rates),
        ]
        for rate in all_rates:
            if isinstance(rate, Rate) and rate.per_unit is not None:
                yield rate.per_unit
        for rank in self.ranks:
            if isinstance(rank.threshold, Money):
                yield rank.threshold
        rules = self.withdrawal
        for amount in (rules.minimum, rules.fee_fixed):
            if amount is not None:
                yield amount

    def compliance_notes(self) -> tuple[ComplianceNote, ...]:
        """The concerns the compliance profile raises about this program."""
        return compliance_notes(
            self.compliance,
            levels=self.levels,
            ranks_by_team_size=bool(self.ranks) and self.rank_by is RankBasis.TEAM_SIZE,
        )

    def rank_named(self, name: str | None) -> Rank | None:
        """The rank called ``name``, or ``None`` (no rank, or a rank no longer defined)."""
        for rank in self.ranks:
            if rank.name == name:
                return rank
        return None

    def rank_order(self, name: str | None) -> int:
        """Position of rank ``name`` from 0 (lowest); -1 for no rank."""
        for i, rank in enumerate(self.ranks):
            if rank.name == name:
                return i
        return -1

    def rank_for(self, sales: Money, team_size: int) -> Rank | None:
        """The highest rank reached with ``sales`` settled and ``team_size`` customers."""
        reached = None
        for rank in self.ranks:
            threshold = rank.threshold
            if isinstance(threshold, Money):
                met = sales.amount >= threshold.amount
            else:
                met = team_size >= threshold
            if met:
                reached = rank
        return reached

    def rate_for(self, sku: str, level: int, rank: str | None) -> Rate:
        """The rate paid at ``level`` (1-based) on ``sku`` to a promoter of ``rank``.

        Per-sku rates for the rank come first, then per-sku rates for every rank,
        then the rank's rates, then the program's default rates.
        """
        index = level - 1
        fallback: Rate | None = None
        for item in self.sku_rates:
            if item.sku == sku:
                if rank is not None and item.rank == rank:
                    return item.rates[index]
                if item.rank is None:
                    fallback = item.rates[index]
        if fallback is not None:
            return fallback
        found = self.rank_named(rank)
        if found is not None:
            return found.rates[index]
        return self.rates[index]
