"""The contingency reserve: a share of a budget spent only once released, and budget reports.

A [`Budget`][promocore.campaign.Budget] with a ``contingency`` share is defined as two ledger
accounts: the spendable part in ``budget:<id>`` and the reserve in ``contingency:<id>``.
[`release_contingency`][promocore.ledger.contingency.release_contingency] moves part of the
reserve into the budget; [`budget_report`][promocore.ledger.contingency.budget_report] shows
both.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from promocore.campaign import Campaign
from promocore.errors import ValidationError
from promocore.ledger.model import Balance, Draw
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.ledger.resources import Resources, contingency_account
from promocore.money import Money

__all__ = [
    "BudgetReport",
    "async_budget_report",
    "async_release_contingency",
    "budget_report",
    "release_contingency",
]


@attrs.frozen(kw_only=True)
class BudgetReport:
    """A campaign's budget as the ledger holds it, contingency reserve included.

    Attributes:
        campaign: The campaign's id.
        limit: The budget declared, contingency included.
        contingency: The contingency reserve declared.
        released: How much of the contingency reserve was released into the budget.
        spendable: What may be spent now: the budget account's limit (declared spendable
            part, releases, and budget returned by refunds).
        reserved: Held by checkouts not yet paid.
        committed: Spent for good.
        available: What is left to spend: ``spendable - reserved - committed``.
    """

    campaign: str
    limit: Money
    contingency: Money
    released: Money
    spendable: Money
    reserved: Money
    committed: Money
    available: Money

    @property
    def contingency_left(self) -> Money:
        """The part of the contingency reserve not released yet."""
        return self.contingency - self.released


def _report(campaign: Campaign, budget: Balance, contingency: Balance | None) -> BudgetReport:
    assert campaign.budget is not None
    currency = campaign.currency
    released = contingency.committed if contingency is not None else 0
    return BudgetReport(
        campaign=campaign.id,
        limit=campaign.budget.limit,
        contingency=campaign.budget.held_back,
        released=Money(released, currency),
        spendable=Money(budget.limit, currency),
        reserved=Money(budget.reserved, currency),
        committed=Money(budget.committed, currency),
        available=Money(budget.available, currency),
    )


def _budgeted(resources: Resources, campaign: str) -> Campaign:
    found = resources.campaigns.get(campaign)
    if found is None or found.budget is None:
        raise ValidationError.single("campaign", f"{campaign!r} is not a budgeted campaign here")
    return found


def budget_report(
    ledger: Ledger, resources: Resources, campaign: str, *, now: datetime | None = None
) -> BudgetReport:
    """Report ``campaign``'s budget: declared, held back, released, spent and left.

    Raises:
        ValidationError: the campaign is unknown to ``resources`` or has no budget.
    """
    found = _budgeted(resources, campaign)
    assert found.budget is not None
    budget = ledger.balance(resources.account_of(campaign), now=now)
    contingency = None
    if found.budget.held_back.amount:
        contingency = ledger.balance(contingency_account(campaign), now=now)
    return _report(found, budget, contingency)


async def async_budget_report(
    ledger: AsyncLedger, resources: Resources, campaign: str, *, now: datetime | None = None
) -> BudgetReport:
    """[`budget_report`][promocore.ledger.contingency.budget_report] on an asyncio ledger."""
    found = _budgeted(resources, campaign)
    assert found.budget is not None
    budget = await ledger.balance(resources.account_of(campaign), now=now)
    contingency = None
    if found.budget.held_back.amount:
        contingency = await ledger.balance(contingency_account(campaign), now=now)
    return _report(found, budget, contingency)


def _release_draw(resources: Resources, campaign: str, amount: object) -> Draw:
    found = _budgeted(resources, campaign)
    if not isinstance(amount, Money) or amount.currency != found.currency or amount.amount <= 0:
        raise ValidationError.single("amount", f"must be an amount > 0 in {found.currency}")
    return Draw.budget(contingency_account(campaign), amount)


def release_contingency(
    ledger: Ledger,
    resources: Resources,
    key: str,
    campaign: str,
    amount: Money,
    *,
    now: datetime | None = None,
) -> BudgetReport:
    """Move ``amount`` of ``campaign``'s contingency reserve into its budget; safe to retry.

    Args:
        ledger: Where the budget is.
        resources: Knows the campaign.
        key: The idempotency key of this release.
        campaign: The campaign's id.
        amount: How much to release, at most what is left of the reserve.
        now: The time of the call.

    Returns:
        The budget report after the release.

    Raises:
        ValidationError: an unknown or unbudgeted campaign, or a bad amount.
        ReservationRefusedError: less than ``amount`` is left of the reserve.
    """
    draw = _release_draw(resources, campaign, amount)
    ledger.reserve_and_commit(f"{key}:contingency", [draw], now=now)
    ledger.top_up(f"{key}:budget", resources.account_of(campaign), amount.amount)
    return budget_report(ledger, resources, campaign, now=now)


async def async_release_contingency(
    ledger: AsyncLedger,
    resources: Resources,
    key: str,
    campaign: str,
    amount: Money,
    *,
    now: datetime | None = None,
) -> BudgetReport:
    """[`release_contingency`][promocore.ledger.contingency.release_contingency], asyncio."""
    draw = _release_draw(resources, campaign, amount)
    await ledger.reserve_and_commit(f"{key}:contingency", [draw], now=now)
    await ledger.top_up(f"{key}:budget", resources.account_of(campaign), amount.amount)
    return await async_budget_report(ledger, resources, campaign, now=now)
