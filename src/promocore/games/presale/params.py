"""The terms of a deposit-inflation presale (定金膨胀) and their validation."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from promocore.cart import check_aware
from promocore.games.presale.legal import DEPOSIT_CAP_PERCENT, deposit_cap, exceeds_deposit_cap
from promocore.money import Money, Rounding
from promocore.validation import Checks

#: The name campaigns use in their ``mechanic`` field.
NAME = "presale"


@attrs.frozen
class Window:
    """A span of time, from ``starts_at`` (inclusive) to ``ends_at`` (exclusive).

    Attributes:
        starts_at: When it opens; must carry a UTC offset.
        ends_at: When it closes; must be after ``starts_at``.
    """

    starts_at: datetime
    ends_at: datetime

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if not isinstance(value, datetime):
                checks.add(name, "must be a datetime")
            else:
                check_aware(checks, name, value)
        if not checks.problems and self.ends_at <= self.starts_at:
            checks.add("ends_at", "must be after starts_at")
        checks.raise_if_any()

    def contains(self, moment: datetime) -> bool:
        """True if ``moment`` is inside the window."""
        return self.starts_at <= moment < self.ends_at

    def describe(self) -> str:
        """The window as ``[start, end)`` in ISO 8601."""
        return f"[{self.starts_at.isoformat()}, {self.ends_at.isoformat()})"


class ThresholdBase(enum.Enum):
    """What order- and coupon-stage thresholds see of a presale line at final payment."""

    #: The final amount (presale price minus the deduction): the deduction comes first.
    FINAL_AMOUNT = "final_amount"
    #: The full presale price: the deduction comes after the order and coupon stages.
    PRESALE_PRICE = "presale_price"


class DepositPolicy(enum.Enum):
    """What happens to the deposit when the final payment is missed or the customer backs out."""

    #: The merchant keeps the deposit (定金不退); only a refundable prepayment part is returned.
    FORFEIT = "forfeit"
    #: The whole deposit is refunded.
    REFUND = "refund"


class ExcessDeposit(enum.Enum):
    """How a deposit above the legal cap (20 % of the contract amount) is treated."""

    #: Refuse the campaign.
    REFUSE = "refuse"
    #: Keep it; the part over the cap is an ordinary prepayment, always refundable.
    PREPAYMENT = "prepayment"


_MONEY_FIELDS = ("presale_price", "deposit", "deduction")


@attrs.frozen
class PresaleParams:
    """Params of the ``presale`` mechanic: one sku sold on deposit, with inflation.

    Amounts are per unit. The customer pays ``deposit`` per unit in the deposit
    window; in the final window the deposit counts as ``deduction`` per unit against
    ``presale_price``, and the customer pays the rest (尾款).

    Attributes:
        sku: The presale sku.
        presale_price: Price of one unit (the contract amount per unit).
        deposit: Deposit per unit (定金).
        deduction: What the deposit is worth at final payment, per unit (抵扣金额);
            at least ``deposit``, at most ``presale_price``.
        deposit_window: When deposits are taken (and orders created).
        final_window: When the final payment is taken; it must not open before the
            deposit window opens, nor close before it closes.
        stock: Units on sale.
        per_customer_limit: Most units one customer may hold, or ``None``.
        stacks: Whether the final payment stacks with order- and coupon-stage
            campaigns (跨店满减, coupons).
        threshold_base: What those campaigns measure the presale line at.
            ``presale_price`` needs the campaign to run at the ``payment`` stage.
        deposit_policy: What happens to the deposit when the final payment is
            missed or the customer cancels after paying it.
        compensation_multiple: What a merchant who cancels pays back, as a
            multiple of the deposit (双倍返还 is 2).
        compensation_rounding: How a fractional compensation is rounded.
        excess_deposit: What to do with a deposit above the legal cap of 20 % of
            the presale price: refuse the campaign (default) or treat the excess
            as a refundable prepayment.
    """

    sku: str
    presale_price: Money
    deposit: Money
    deduction: Money
    deposit_window: Window
    final_window: Window
    stock: int
    per_customer_limit: int | None = None
    stacks: bool = True
    threshold_base: ThresholdBase = ThresholdBase.FINAL_AMOUNT
    deposit_policy: DepositPolicy = DepositPolicy.FORFEIT
    compensation_multiple: Decimal = Decimal(2)
    compensation_rounding: Rounding = Rounding.HALF_UP
    excess_deposit: ExcessDeposit = ExcessDeposit.REFUSE

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(
            isinstance(self.sku, str) and bool(self.sku.strip()), "sku", "must not be empty"
        )
        if self._check_amounts(checks):
            self._check_legal_cap(checks)
        self._check_windows(checks)
        _check_count(checks, self.stock, "stock")
        if self.per_customer_limit is not None:
            _check_count(checks, self.per_customer_limit, "per_customer_limit")
        multiple = self.compensation_multiple
        if isinstance(multiple, Decimal) and multiple.is_finite():
            checks.check(multiple >= 1, "compensation_multiple", "must be >= 1")
        else:
            checks.add("compensation_multiple", "must be a finite Decimal")
        checks.raise_if_any()

    def _check_amounts(self, checks: Checks) -> bool:
        before = len(checks.problems)
        for name in _MONEY_FIELDS:
            if not isinstance(getattr(self, name), Money):
                checks.add(name, "must be Money")
        if len(checks.problems) > before:
            return False
        currency = self.presale_price.currency
        for name in ("deposit", "deduction"):
            value = getattr(self, name)
            if value.currency != currency:
                checks.add(name, f"is in {value.currency}, the presale price is in {currency}")
        if len(checks.problems) > before:
            return False
        checks.check(self.presale_price.amount > 0, "presale_price", "must be > 0")
        checks.check(self.deposit.amount > 0, "deposit", "must be > 0")
        checks.check(
            self.deduction >= self.deposit,
            "deduction",
            f"must be >= the deposit ({self.deposit.display()})",
        )
        checks.check(
            self.deduction <= self.presale_price,
            "deduction",
            f"must be <= the presale price ({self.presale_price.display()})",
        )
        return len(checks.problems) == before

    def _check_legal_cap(self, checks: Checks) -> None:
        if self.excess_deposit is ExcessDeposit.REFUSE and exceeds_deposit_cap(
            self.deposit, self.presale_price
        ):
            cap = deposit_cap(self.presale_price)
            checks.add(
                "deposit",
                f"{self.deposit.display()} exceeds the legal cap of a 定金: "
                f"{DEPOSIT_CAP_PERCENT}% of the presale price is {cap.display()} "
                "(PRC Civil Code art. 586: the excess has no deposit effect); lower the "
                "deposit, or set excess_deposit = 'prepayment' to take the excess as a "
                "refundable prepayment",
            )

    def _check_windows(self, checks: Checks) -> None:
        deposit, final = self.deposit_window, self.final_window
        if not (isinstance(deposit, Window) and isinstance(final, Window)):
            for name, window in (("deposit_window", deposit), ("final_window", final)):
                checks.check(isinstance(window, Window), name, "must be a Window")
            return
        checks.check(
            final.starts_at >= deposit.starts_at,
            "final_window.starts_at",
            f"must not be before the deposit window opens ({deposit.starts_at.isoformat()})",
        )
        checks.check(
            final.ends_at >= deposit.ends_at,
            "final_window.ends_at",
            "must not be before the deposit window closes "
            f"({deposit.ends_at.isoformat()}): a deposit paid last could never be completed",
        )

    @property
    def currency(self) -> str:
        """The currency of every amount."""
        return self.presale_price.currency

    @property
    def inflation(self) -> Money:
        """What the deposit gains per unit at final payment (``deduction - deposit``)."""
        return self.deduction - self.deposit


def _check_count(checks: Checks, value: object, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        checks.add(path, "must be a whole number >= 1")
