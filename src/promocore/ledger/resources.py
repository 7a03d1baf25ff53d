"""Every counted resource of a set of campaigns as ledger accounts, draws and reads.

A campaign declares counted resources on its [`Budget`][promocore.campaign.Budget] and
[`Limits`][promocore.campaign.Limits]; a shop may add a
[`FatigueCap`][promocore.counted.FatigueCap] across campaigns.
[`Resources`][promocore.ledger.resources.Resources] turns them into ledger accounts
(``define``), into the draws a quote makes (``draws``,
reserved by [`checkout`][promocore.ledger.checkout.checkout] in one all-or-nothing call), and
reads what is left of them as a [`Remaining`][promocore.counted.Remaining] to price with
(``remaining``: the pre-read; the ledger call at checkout is the truth).

| resource | account | kind | drawn per order |
| --- | --- | --- | --- |
| spend budget | ``budget:<id>`` | budget | the value granted |
| contingency reserve | ``contingency:<id>`` | budget | nothing (released into the budget) |
| gift stock | ``gift:<id>:<sku>`` | stock | the gift units |
| "first N" orders | ``redemptions:<id>`` | stock | 1 |
| per customer | ``uses:<id>`` | usage, per customer | 1 |
| value per customer | ``customer-value:<id>`` | usage, per customer | the value granted |
| per period | ``period:<id>:<period>:redemptions`` | usage, per window | 1 |
| value per period | ``period:<id>:<period>:value`` | usage, per window | the value granted |
| fatigue | ``fatigue:<period>:campaigns`` | usage, per customer and window | campaigns applied |
| fatigue value | ``fatigue:<period>:value`` | usage, per customer and window | the value granted |

Returns: cancelling an unpaid order releases its reservation, which gives everything back.
Refunding a paid order ([`give_back`][promocore.ledger.refunds.give_back]) returns the budget
its returned units took, the gift units that came back and, once every bought unit is back, the
"first N" redemption. Per-customer counts, per-period counts and promotion fatigue are kept, as
for every game ([`promocore.games.returns`][promocore.games.returns]): buying and returning
cannot lift a limit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import attrs

from promocore.campaign import Campaign
from promocore.counted import FatigueCap, Period, Remaining, window
from promocore.errors import ValidationError
from promocore.ledger.model import AccountSpec, Draw, Reservation
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.money import Money
from promocore.quote import Quote
from promocore.validation import Checks

__all__ = [
    "AccountNamer",
    "Counted",
    "Resource",
    "Resources",
    "budget_account",
    "contingency_account",
    "customer_uses_account",
    "customer_value_account",
    "fatigue_account",
    "gift_account",
    "granted_value",
    "period_account",
    "redemptions_account",
]

#: Names the ledger account holding a campaign's budget.
AccountNamer = Callable[[str], str]


def budget_account(campaign: str) -> str:
    """Return the default name of the account holding ``campaign``'s budget."""
    return f"budget:{campaign}"


def contingency_account(campaign: str) -> str:
    """Name the account holding ``campaign``'s contingency reserve until released."""
    return f"contingency:{campaign}"


def redemptions_account(campaign: str) -> str:
    """Name the account counting the orders ``campaign`` may still be used in ("first N")."""
    return f"redemptions:{campaign}"


def customer_uses_account(campaign: str) -> str:
    """Name the usage account counting each customer's orders with ``campaign``."""
    return f"uses:{campaign}"


def customer_value_account(campaign: str) -> str:
    """Name the usage account counting the value ``campaign`` granted each customer."""
    return f"customer-value:{campaign}"


def period_account(campaign: str, period: Period, what: str) -> str:
    """Name the usage account of a periodic cap (``what``: ``redemptions`` or ``value``)."""
    return f"period:{campaign}:{period.value}:{what}"


def gift_account(campaign: str, sku: str) -> str:
    """Name the stock account of ``campaign``'s gifts of ``sku``."""
    return f"gift:{campaign}:{sku}"


def fatigue_account(period: Period, what: str) -> str:
    """Name the usage account of the fatigue cap (``what``: ``campaigns`` or ``value``)."""
    return f"fatigue:{period.value}:{what}"


def granted_value(quote: Quote, campaign: str) -> Money:
    """What ``campaign`` grants in ``quote``, in money: the value its caps count.

    The total value of its grants: discounts, gifts and valued effects.
    """
    return quote.granted(campaign)


class Resource(enum.Enum):
    """What one draw of a checkout counts."""

    BUDGET = "budget"
    """The campaign's spend budget: the value of its grants."""
    GIFT_STOCK = "gift_stock"
    """Gift units of one sku."""
    REDEMPTIONS = "redemptions"
    """One of the "first N" orders."""
    CUSTOMER_USES = "customer_uses"
    """One of the customer's orders with the campaign."""
    CUSTOMER_VALUE = "customer_value"
    """Value granted to the customer."""
    PERIOD_REDEMPTIONS = "period_redemptions"
    """One of the period's orders with the campaign."""
    PERIOD_VALUE = "period_value"
    """Value granted in the period."""
    FATIGUE_CAMPAIGNS = "fatigue_campaigns"
    """Campaigns the customer received in the period, across campaigns."""
    FATIGUE_VALUE = "fatigue_value"
    """Value the customer received in the period, across campaigns."""


@attrs.frozen
class Counted:
    """One draw of a checkout, with the resource it counts.

    Attributes:
        draw: The ledger draw.
        resource: What it counts.
        campaign: The campaign it counts for; ``None`` for the fatigue cap.
        sku: The gift sku, for gift stock.
        period: The period, for periodic caps and the fatigue cap.
    """

    draw: Draw
    resource: Resource
    campaign: str | None = None
    sku: str | None = None
    period: Period | None = None


def _campaigns(values: Iterable[Campaign] | Mapping[str, Campaign]) -> dict[str, Campaign]:
    if isinstance(values, Mapping):
        return dict(values)
    return {c.id: c for c in values}


@attrs.frozen
class Resources:
    """The counted resources of a set of campaigns, and the fatigue cap across them.

    Attributes:
        campaigns: The campaigns by id (an iterable of campaigns is accepted).
        fatigue: The per-customer promotion-fatigue cap, if any.
        account_of: Names the account of a campaign's budget.
    """

    campaigns: dict[str, Campaign] = attrs.field(factory=dict, converter=_campaigns)
    fatigue: FatigueCap | None = None
    account_of: AccountNamer = budget_account

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for cid, campaign in self.campaigns.items():
            if not isinstance(campaign, Campaign):
                checks.add(
                    f"campaigns[{cid!r}]", f"must be a Campaign, got {type(campaign).__name__}"
                )
        if self.fatigue is not None and not isinstance(self.fatigue, FatigueCap):
            checks.add("fatigue", "must be a FatigueCap")
        checks.raise_if_any()

    def specs(self) -> list[AccountSpec]:
        """Every account the campaigns' resources need, with their declared limits."""
        out: list[AccountSpec] = []
        for cid, campaign in self.campaigns.items():
            budget, limits = campaign.budget, campaign.limits
            if budget is not None:
                out.append(AccountSpec.budget(self.account_of(cid), budget.spendable))
                if budget.held_back.amount:
                    out.append(AccountSpec.budget(contingency_account(cid), budget.held_back))
            for sku, units in limits.gift_stock:
                out.append(AccountSpec.stock(gift_account(cid, sku), units))
            if limits.redemptions is not None:
                out.append(AccountSpec.stock(redemptions_account(cid), limits.redemptions))
            if limits.per_customer is not None:
                out.append(AccountSpec.usage(customer_uses_account(cid), limits.per_customer))
            if limits.per_customer_value is not None:
                value = limits.per_customer_value.amount
                out.append(AccountSpec.usage(customer_value_account(cid), value))
            for cap in limits.periods:
                if cap.redemptions is not None:
                    name = period_account(cid, cap.period, "redemptions")
                    out.append(AccountSpec.usage(name, cap.redemptions))
                if cap.value is not None:
                    name = period_account(cid, cap.period, "value")
                    out.append(AccountSpec.usage(name, cap.value.amount))
        fatigue = self.fatigue
        if fatigue is not None:
            if fatigue.campaigns is not None:
                name = fatigue_account(fatigue.period, "campaigns")
                out.append(AccountSpec.usage(name, fatigue.campaigns))
            if fatigue.value is not None:
                name = fatigue_account(fatigue.period, "value")
                out.append(AccountSpec.usage(name, fatigue.value.amount))
        return out

    def define(self, ledger: Ledger) -> None:
        """Create every account (existing ones keep their limits)."""
        for spec in self.specs():
            ledger.define(spec)

    async def async_define(self, ledger: AsyncLedger) -> None:
        """[`define`][promocore.ledger.resources.Resources.define] on an asyncio ledger."""
        for spec in self.specs():
            await ledger.define(spec)

    def involved(self, quote: Quote) -> list[str]:
        """The campaigns of ``quote`` whose resources its draws count, in quote order."""
        out: dict[str, None] = {}
        for draw in quote.budget_draws:
            out[draw.campaign] = None
        for item in quote.applied:
            if item.campaign in self.campaigns:
                out[item.campaign] = None
        return list(out)

    def draws(self, quote: Quote, customer: str | None = None) -> list[Counted]:
        """Every draw ``quote`` makes on the counted resources, budgets first.

        Raises:
            ValidationError: a campaign that counts per customer applied and ``customer``
                is not given.
        """
        out: list[Counted] = []
        amounts: dict[str, Money] = {}
        for budget_draw in quote.budget_draws:
            if budget_draw.amount.amount > 0:
                cid, amount = budget_draw.campaign, budget_draw.amount
                previous = amounts.get(cid)
                amounts[cid] = amount if previous is None else previous + amount
        for cid, amount in amounts.items():
            out.append(Counted(Draw.budget(self.account_of(cid), amount), Resource.BUDGET, cid))
        applied = [a for a in quote.applied if a.campaign in self.campaigns]
        for item in applied:
            cid = item.campaign
            campaign = self.campaigns[cid]
            limits = campaign.limits
            value = granted_value(quote, cid).amount
            gifts: dict[str, int] = {}
            for sku, units in item.gifts:
                if limits.gift_units(sku) is not None:
                    gifts[sku] = gifts.get(sku, 0) + units
            for sku, units in gifts.items():
                draw = Draw.stock(gift_account(cid, sku), units)
                out.append(Counted(draw, Resource.GIFT_STOCK, cid, sku=sku))
            if limits.redemptions is not None:
                out.append(
                    Counted(Draw.stock(redemptions_account(cid), 1), Resource.REDEMPTIONS, cid)
                )
            if limits.per_customer is not None or limits.per_customer_value is not None:
                who = _customer(customer, cid)
                if limits.per_customer is not None:
                    draw = Draw.use(customer_uses_account(cid), who)
                    out.append(Counted(draw, Resource.CUSTOMER_USES, cid))
                if limits.per_customer_value is not None and value > 0:
                    draw = Draw(customer_value_account(cid), value, subject=who)
                    out.append(Counted(draw, Resource.CUSTOMER_VALUE, cid))
            for cap in limits.periods:
                when = window(cap.period, quote.at, campaign.time_zone)
                if cap.redemptions is not None:
                    draw = Draw(period_account(cid, cap.period, "redemptions"), 1, subject=when)
                    out.append(Counted(draw, Resource.PERIOD_REDEMPTIONS, cid, period=cap.period))
                if cap.value is not None and value > 0:
                    draw = Draw(period_account(cid, cap.period, "value"), value, subject=when)
                    out.append(Counted(draw, Resource.PERIOD_VALUE, cid, period=cap.period))
        fatigue = self.fatigue
        if fatigue is not None and customer is not None and quote.applied:
            subject = _fatigue_subject(fatigue, customer, quote.at)
            if fatigue.campaigns is not None:
                count = len(quote.applied)
                draw = Draw(fatigue_account(fatigue.period, "campaigns"), count, subject=subject)
                out.append(Counted(draw, Resource.FATIGUE_CAMPAIGNS, period=fatigue.period))
            total = sum(granted_value(quote, a.campaign).amount for a in quote.applied)
            if fatigue.value is not None and total > 0:
                draw = Draw(fatigue_account(fatigue.period, "value"), total, subject=subject)
                out.append(Counted(draw, Resource.FATIGUE_VALUE, period=fatigue.period))
        return out

    def reads(
        self, campaigns: Iterable[str], customer: str | None, at: datetime
    ) -> list[tuple[str, str | None]]:
        """The ``(account, subject)`` counters that say what is left for ``campaigns``.

        A campaign not among the known ones is read as a budget only.
        """
        out: list[tuple[str, str | None]] = []
        for cid in campaigns:
            out.extend(self._reads_of(cid, customer, at))
        fatigue = self.fatigue
        if fatigue is not None and customer is not None:
            subject = _fatigue_subject(fatigue, customer, at)
            if fatigue.campaigns is not None:
                out.append((fatigue_account(fatigue.period, "campaigns"), subject))
            if fatigue.value is not None:
                out.append((fatigue_account(fatigue.period, "value"), subject))
        return list(dict.fromkeys(out))

    def _reads_of(
        self, campaign_id: str, customer: str | None, at: datetime
    ) -> list[tuple[str, str | None]]:
        """The counters of one campaign's own resources (the fatigue cap's are not)."""
        cid = campaign_id
        campaign = self.campaigns.get(cid)
        if campaign is None:
            return [(self.account_of(cid), None)]
        out: list[tuple[str, str | None]] = []
        limits = campaign.limits
        if campaign.budget is not None:
            out.append((self.account_of(cid), None))
        out.extend((gift_account(cid, sku), None) for sku, _ in limits.gift_stock)
        if limits.redemptions is not None:
            out.append((redemptions_account(cid), None))
        if customer is not None:
            if limits.per_customer is not None:
                out.append((customer_uses_account(cid), customer))
            if limits.per_customer_value is not None:
                out.append((customer_value_account(cid), customer))
        for cap in limits.periods:
            when = window(cap.period, at, campaign.time_zone)
            if cap.redemptions is not None:
                out.append((period_account(cid, cap.period, "redemptions"), when))
            if cap.value is not None:
                out.append((period_account(cid, cap.period, "value"), when))
        return out

    def remaining(
        self,
        ledger: Ledger,
        campaigns: Iterable[str] | None = None,
        *,
        at: datetime,
        customer: str | None = None,
        now: datetime | None = None,
    ) -> Remaining:
        """Read what is left for ``campaigns`` (default: all), to price a cart with.

        Pass the result as ``budgets=`` to [`Engine.price`][promocore.engine.Engine.price]:
        the quote then leaves out what no longer fits. This is a pre-read: checkout's
        reservation is the truth, and reprices if something ran out meanwhile.

        Args:
            ledger: Where the resources are.
            campaigns: Ids of known campaigns; by default every one.
            at: The moment priced (it picks the periodic windows).
            customer: The customer priced for (per-customer limits and fatigue).
            now: The time of the reads (default: the ledger's clock).

        Raises:
            ValidationError: a campaign id is not among the known ones.
        """
        ids = self._known(campaigns)
        reads = self.reads(ids, customer, at)
        available = {(a, s): ledger.balance(a, s, now=now).available for a, s in reads}
        return self.remaining_from(available, ids, customer, at, currency="CNY")

    async def async_remaining(
        self,
        ledger: AsyncLedger,
        campaigns: Iterable[str] | None = None,
        *,
        at: datetime,
        customer: str | None = None,
        now: datetime | None = None,
    ) -> Remaining:
        """[`remaining`][promocore.ledger.resources.Resources.remaining] on an asyncio ledger."""
        ids = self._known(campaigns)
        available = {}
        for a, s in self.reads(ids, customer, at):
            available[(a, s)] = (await ledger.balance(a, s, now=now)).available
        return self.remaining_from(available, ids, customer, at, currency="CNY")

    def _known(self, campaigns: Iterable[str] | None) -> list[str]:
        ids = list(self.campaigns) if campaigns is None else list(campaigns)
        unknown = [cid for cid in ids if cid not in self.campaigns]
        if unknown:
            raise ValidationError.single("campaigns", f"unknown campaign ids {unknown!r}")
        return ids

    def remaining_from(
        self,
        available: Mapping[tuple[str, str | None], int],
        campaigns: Iterable[str],
        customer: str | None,
        at: datetime,
        *,
        currency: str,
    ) -> Remaining:
        """What is left for ``campaigns``, from the counters ``reads`` named.

        Args:
            available: What is available per counter read.
            campaigns: The campaigns to say what is left for.
            customer: The customer priced for.
            at: The moment priced (periodic windows).
            currency: The currency of campaigns not among the known ones.
        """
        money: dict[str, Money] = {}
        blocked: dict[str, str] = {}
        gifts: dict[tuple[str, str], int] = {}
        ids = list(campaigns)
        for cid in ids:
            campaign = self.campaigns.get(cid)
            if campaign is None:
                left = max(available.get((self.account_of(cid), None), 0), 0)
                money[cid] = Money(left, currency)
                continue
            self._left_of(campaign, available, customer, at, money, blocked, gifts)
        count = value = None
        if self.fatigue is not None and customer is not None:
            count, value = self._fatigue_left(self.fatigue, available, customer, at)
        return Remaining(money, blocked, gifts, count, value)

    def _left_of(
        self,
        campaign: Campaign,
        available: Mapping[tuple[str, str | None], int],
        customer: str | None,
        at: datetime,
        money: dict[str, Money],
        blocked: dict[str, str],
        gifts: dict[tuple[str, str], int],
    ) -> None:
        cid, limits = campaign.id, campaign.limits
        caps: list[int] = []
        if campaign.budget is not None:
            caps.append(
                available.get((self.account_of(cid), None), campaign.budget.spendable.amount)
            )
        for sku, units in limits.gift_stock:
            gifts[(cid, sku)] = max(available.get((gift_account(cid, sku), None), units), 0)
        if limits.redemptions is not None:
            left = available.get((redemptions_account(cid), None), limits.redemptions)
            if left <= 0:
                blocked[cid] = f"its first {limits.redemptions} order(s) have used it"
        if customer is not None:
            if limits.per_customer is not None:
                left = available.get((customer_uses_account(cid), customer), limits.per_customer)
                if left <= 0:
                    blocked[cid] = f"already used {limits.per_customer} time(s), its limit"
            if limits.per_customer_value is not None:
                most = limits.per_customer_value.amount
                left = available.get((customer_value_account(cid), customer), most)
                if left <= 0:
                    blocked[cid] = (
                        f"already granted this customer {limits.per_customer_value}, its limit"
                    )
                caps.append(left)
        for cap in limits.periods:
            when = window(cap.period, at, campaign.time_zone)
            if cap.redemptions is not None:
                name = period_account(cid, cap.period, "redemptions")
                if available.get((name, when), cap.redemptions) <= 0:
                    blocked[cid] = f"used up for this {cap.period.value} ({when})"
            if cap.value is not None:
                name = period_account(cid, cap.period, "value")
                left = available.get((name, when), cap.value.amount)
                if left <= 0:
                    blocked[cid] = f"granted its {cap.value} for this {cap.period.value} ({when})"
                caps.append(left)
        if caps:
            money[cid] = Money(max(min(caps), 0), campaign.currency)

    def _fatigue_left(
        self,
        fatigue: FatigueCap,
        available: Mapping[tuple[str, str | None], int],
        customer: str,
        at: datetime,
    ) -> tuple[int | None, int | None]:
        subject = _fatigue_subject(fatigue, customer, at)
        count = value = None
        if fatigue.campaigns is not None:
            name = fatigue_account(fatigue.period, "campaigns")
            count = max(available.get((name, subject), fatigue.campaigns), 0)
        if fatigue.value is not None:
            name = fatigue_account(fatigue.period, "value")
            value = max(available.get((name, subject), fatigue.value.amount), 0)
        return count, value

    def from_grants(
        self,
        held: Reservation,
        campaigns: Iterable[str],
        customer: str | None,
        at: datetime,
        *,
        currency: str,
        fresh: Mapping[tuple[str, str | None], int] | None = None,
    ) -> Remaining:
        """What is left for ``campaigns`` if only what ``held`` holds were available.

        Pricing again with it reproduces the quote a repriced checkout reserved for. A
        campaign ``held`` holds nothing for is left out for the reason ``fresh`` (the
        counters read now) gives, so the quote explains it as the checkout did: nothing
        of its budget or gift stock, blocked by a used-up limit, or, under a fatigue cap,
        what is left now for the engine to leave it out again.
        """
        granted: dict[tuple[str, str | None], int] = {}
        for grant in held.grants:
            counter = (grant.account, grant.subject)
            granted[counter] = granted.get(counter, 0) + grant.amount
        accounts = {account for account, _ in granted}
        now = fresh if fresh is not None else {}
        ids = list(campaigns)
        left_now = self.remaining_from(now, ids, customer, at, currency=currency)
        fatigue = self.fatigue if customer is not None else None
        available: dict[tuple[str, str | None], int] = {}
        blocked: dict[str, str] = {}
        for cid in ids:
            read = self._reads_of(cid, customer, at)
            campaign = self.campaigns.get(cid)
            if campaign is None or not read or any(a in accounts for a, _ in read):
                available.update((counter, granted.get(counter, 0)) for counter in read)
                continue
            # Left out by the fatigue cap: as much as there is now, for the engine to leave
            # it out again; otherwise nothing.
            source = now if fatigue is not None else granted
            available.update((counter, source.get(counter, 0)) for counter in read)
            why = left_now.blocked.get(cid)
            money = left_now.money.get(cid)
            spent = money is not None and money.amount <= 0  # left out as out of budget
            if why is None and fatigue is None and not spent and _blocking(campaign):
                why = "not in the order's reservation"
            if why is not None:
                blocked[cid] = why
        if fatigue is not None and customer is not None:
            subject = _fatigue_subject(fatigue, customer, at)
            for what in ("campaigns", "value"):
                counter = (fatigue_account(fatigue.period, what), subject)
                available[counter] = granted.get(counter, 0)
        remaining = self.remaining_from(available, ids, customer, at, currency=currency)
        # The counters of uses hold what this order drew, not what was left: only the
        # blocks worked out above count.
        return Remaining(
            remaining.money,
            blocked,
            remaining.gifts,
            remaining.fatigue_campaigns,
            remaining.fatigue_value,
        )


def _blocking(campaign: Campaign) -> bool:
    """True if the campaign counts something that blocks it when used up (not money or gifts)."""
    limits = campaign.limits
    return bool(
        limits.redemptions or limits.per_customer or limits.per_customer_value or limits.periods
    )


def _customer(customer: str | None, campaign: str) -> str:
    if customer is None:
        raise ValidationError.single(
            "customer", f"is required: campaign {campaign!r} counts per customer"
        )
    return customer


def _fatigue_subject(fatigue: FatigueCap, customer: str, at: datetime) -> str:
    return f"{customer}@{window(fatigue.period, at, fatigue.time_zone)}"
