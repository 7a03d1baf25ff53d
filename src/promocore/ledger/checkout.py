"""Checkout: turn a quote's draws on every counted resource into one reservation, repricing.

The customer saw a [`Quote`][promocore.quote.Quote] priced with what was left at that moment.
By checkout, other orders may have spent it. [`checkout`][promocore.ledger.checkout.checkout]
reserves every draw of the quote, on the budgets and on every counted resource its campaigns
declare ([`Resources`][promocore.ledger.resources.Resources]: gift stock, "first N",
per-customer and periodic caps, the fatigue cap), plus any extra draws, in one all-or-nothing
call. When one of them is short, it reads what is really left, prices the cart again without
what no longer fits and reserves that quote's draws, so the customer is shown the real price
rather than an error.

Budgets live in ledger accounts named by
[`budget_account`][promocore.ledger.resources.budget_account] (``"budget:<id>"``) unless another
naming is given; [`define_budgets`][promocore.ledger.checkout.define_budgets] creates them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from promocore.counted import Remaining
from promocore.errors import PromocoreError, ValidationError
from promocore.ledger.errors import IdempotencyKeyReusedError, ReservationRefusedError
from promocore.ledger.inputs import check_name, check_ttl
from promocore.ledger.model import AccountSpec, Draw, Reservation
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.ledger.resources import AccountNamer as AccountNamer
from promocore.ledger.resources import Resources
from promocore.ledger.resources import budget_account as budget_account
from promocore.money import Money
from promocore.quote import Quote
from promocore.validation import Checks

#: Prices the cart again with what is left: a mapping of remaining budget per campaign id,
#: which is a [`Remaining`][promocore.counted.Remaining] that also says which campaigns are
#: blocked and the gift stock left (pass it on as ``budgets=``).
Repricer = Callable[[Mapping[str, Money]], Quote]


class CheckoutConflictError(PromocoreError):
    """The key already holds a reservation for a quote that cannot be priced again.

    This happens when a checkout is retried after it repriced and the budgets
    have moved since: load the quote stored with the order instead.
    """


@attrs.frozen
class Checkout:
    """The outcome of a checkout.

    Attributes:
        quote: The quote the reservation was made for: what the customer pays.
        reservation: The reservation holding its draws, or ``None`` when the
            quote draws nothing and no extra draws were asked for.
        repriced: True when ``quote`` differs from the quote given (a counted
            resource ran short between quote and checkout).
    """

    quote: Quote
    reservation: Reservation | None
    repriced: bool


def define_budgets(
    ledger: Ledger,
    budgets: Mapping[str, Money],
    *,
    account_of: AccountNamer = budget_account,
) -> None:
    """Create a budget account per campaign id (existing accounts are kept).

    Examples:
        ``define_budgets(ledger, {c.id: c.budget.limit for c in campaigns if c.budget})``
    """
    checks = Checks()
    for campaign, limit in budgets.items():
        if not isinstance(limit, Money):
            checks.add(f"budgets[{campaign!r}]", f"must be Money, got {type(limit).__name__}")
    checks.raise_if_any()
    for campaign, limit in budgets.items():
        ledger.define(AccountSpec.budget(account_of(campaign), limit))


def remaining_budgets(
    ledger: Ledger,
    campaigns: Iterable[str],
    *,
    account_of: AccountNamer = budget_account,
    now: datetime | None = None,
) -> dict[str, Money]:
    """Return what is left of each campaign's budget, to price a cart with.

    Pass the result as ``budgets=`` to [`promocore.engine.price`][promocore.engine.price].
    """
    return {c: ledger.balance(account_of(c), now=now).money() for c in campaigns}


def budget_draws(quote: Quote, account_of: AccountNamer = budget_account) -> list[Draw]:
    """Return the ledger draws of a quote's budget draws (one per campaign)."""
    return [c.draw for c in Resources(account_of=account_of).draws(quote)]


def _check(
    key: object,
    quote: object,
    ttl: object,
    extra: object,
    attempts: object,
    resources: object,
    customer: object,
) -> None:
    checks = Checks()
    check_name(checks, key, "key")
    if not isinstance(quote, Quote):
        checks.add("quote", f"must be a Quote, got {type(quote).__name__}")
    check_ttl(checks, ttl, "ttl")
    if isinstance(extra, str | bytes) or not isinstance(extra, Sequence):
        checks.add("extra", "must be a sequence of Draw")
    else:
        for index, item in enumerate(extra):
            if not isinstance(item, Draw):
                checks.add(f"extra[{index}]", f"must be a Draw, got {type(item).__name__}")
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        checks.add("attempts", "must be an int > 0")
    if resources is not None and not isinstance(resources, Resources):
        checks.add("resources", f"must be Resources, got {type(resources).__name__}")
    if customer is not None:
        check_name(checks, customer, "customer")
    checks.raise_if_any()


@attrs.frozen
class _Reserve:
    """Step: reserve ``items`` under the checkout's key."""

    items: list[Draw]


@attrs.frozen
class _Read:
    """Step: read what is available on each ``(account, subject)`` counter."""

    counters: list[tuple[str, str | None]]


@attrs.frozen
class _Reprice:
    """Step: price the cart again with what is left."""

    remaining: Remaining


@attrs.frozen
class _Lookup:
    """Step: read the reservation the key holds."""


_Step = _Reserve | _Read | _Reprice | _Lookup

#: The pure plan of a checkout: yields the steps to perform, is sent their results (or thrown
#: their errors), and returns the outcome. The sync and asyncio checkouts only perform steps.
_Plan = Generator[_Step, Any, Checkout]


@attrs.frozen
class _Order:
    """What every step of one checkout's plan shares."""

    quote: Quote
    extra: Sequence[Draw]
    resources: Resources
    customer: str | None
    attempts: int


def _repriced(quote: object) -> Quote:
    if not isinstance(quote, Quote):
        raise ValidationError.single("reprice", "must return a Quote")
    return quote


def _plan(order: _Order) -> _Plan:
    resources, customer = order.resources, order.customer
    remaining = Remaining()
    current = order.quote
    for attempt in range(order.attempts):
        counted = resources.draws(current, customer)
        items = [*(c.draw for c in counted), *order.extra]
        if not items:
            # Another call with this key (a racing retry) may hold a reservation: replay it,
            # so that every call with the key returns the same quote.
            if (yield _Lookup()) is not None:
                return (yield from _replay(order))
            return Checkout(current, None, current != order.quote)
        try:
            reservation = yield _Reserve(items)
        except IdempotencyKeyReusedError:
            return (yield from _replay(order))
        except ReservationRefusedError as refused:
            short_extra = any(s.index >= len(counted) for s in refused.shortfalls)
            if short_extra or attempt + 1 == order.attempts:
                raise
            campaigns = resources.involved(current)
            available = yield _Read(resources.reads(campaigns, customer, current.at))
            now_left = resources.remaining_from(
                available, campaigns, customer, current.at, currency=current.currency
            )
            remaining = remaining.updated(now_left)
            current = _repriced((yield _Reprice(remaining)))
            continue
        return Checkout(current, reservation, current != order.quote)
    raise AssertionError("unreachable")  # pragma: no cover


def _replay(order: _Order) -> _Plan:
    """Rebuild the quote a repriced, retried checkout reserved for.

    Prices again with each involved campaign's resources set to what the reservation
    holds for it (blocked for campaigns it holds nothing for).
    """
    held = yield _Lookup()
    if held is None:  # pragma: no cover - the key named a reservation a moment ago
        raise CheckoutConflictError("the checkout's reservation disappeared")
    resources, customer, quote = order.resources, order.customer, order.quote
    remaining = Remaining()
    seen: set[str] = set()
    replayed = quote
    for _ in range(order.attempts):
        unknown = [c for c in resources.involved(replayed) if c not in seen]
        if not unknown and replayed is not quote:
            break
        seen.update(unknown)
        available = yield _Read(resources.reads(unknown, customer, quote.at))
        remaining = remaining.updated(
            resources.from_grants(
                held, unknown, customer, quote.at, currency=quote.currency, fresh=available
            )
        )
        replayed = _repriced((yield _Reprice(remaining)))
    items = [*(c.draw for c in resources.draws(replayed, customer)), *order.extra]
    try:
        reservation = yield _Reserve(items)
    except IdempotencyKeyReusedError:
        raise CheckoutConflictError(
            f"key {held.key!r} holds a reservation for a repriced quote that pricing no longer "
            "reproduces; use the quote stored with the order"
        ) from None
    return Checkout(replayed, reservation, replayed != quote)


def _order(
    quote: Quote,
    extra: Sequence[Draw],
    resources: Resources | None,
    customer: str | None,
    account_of: AccountNamer,
    attempts: int,
) -> _Order:
    chosen = resources if resources is not None else Resources(account_of=account_of)
    return _Order(quote, tuple(extra), chosen, customer, attempts)


def checkout(
    ledger: Ledger,
    key: str,
    quote: Quote,
    reprice: Repricer,
    *,
    ttl: timedelta = timedelta(minutes=15),
    extra: Sequence[Draw] = (),
    resources: Resources | None = None,
    customer: str | None = None,
    account_of: AccountNamer = budget_account,
    attempts: int = 4,
    now: datetime | None = None,
) -> Checkout:
    """Reserve a quote's draws on every counted resource, and ``extra``, in one call.

    All or nothing. When a counted resource no longer covers its draw, what is left
    of every resource of the campaigns involved is read from the ledger, the cart is
    priced again through ``reprice`` without what no longer fits, and that quote's
    draws are reserved instead, up to ``attempts`` quotes in all. The reservation is
    made under ``key`` whichever quote it is for, so retrying a checkout never draws
    twice; commit it with ``ledger.commit(key)`` once the order is paid, or release
    it (cancel); [`give_back`][promocore.ledger.refunds.give_back] returns what a
    refund gives back.

    Args:
        ledger: Where the budgets are.
        key: The idempotency key, typically the order id.
        quote: The quote the customer saw.
        reprice: Prices the cart again with what is left (a mapping of remaining
            budget per campaign id that also carries the other resources), e.g.
            ``lambda left: engine.price(cart, at=at, budgets=left)``.
        ttl: How long the reservation holds without a commit.
        extra: Draws reserved together with the counted resources (the stock of
            what is sold); if one of them is short the refusal is raised as is,
            since repricing cannot help.
        resources: The counted resources of the campaigns; without them only the
            quote's budget draws are reserved.
        customer: The customer's id: required when a campaign counts per customer
            (or a fatigue cap is set).
        account_of: Names the account of a campaign's budget when ``resources``
            is not given (``resources`` names its own).
        attempts: How many quotes to try at most.
        now: The time of the call (default: the ledger's clock).

    Returns:
        The quote the reservation is for, the reservation, and whether it was
        repriced.

    Raises:
        ValidationError: a bad argument.
        ReservationRefusedError: an extra draw is short, or resources kept running
            out through every attempt.
        CheckoutConflictError: a retried checkout whose key holds the reservation
            of a repriced quote that pricing no longer reproduces.
    """
    _check(key, quote, ttl, extra, attempts, resources, customer)
    plan = _plan(_order(quote, extra, resources, customer, account_of, attempts))
    sent: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(sent)
        except StopIteration as done:
            result: Checkout = done.value
            return result
        sent, error = None, None
        try:
            if isinstance(step, _Reserve):
                sent = ledger.reserve(key, step.items, ttl, now=now)
            elif isinstance(step, _Read):
                sent = {(a, s): ledger.balance(a, s, now=now).available for a, s in step.counters}
            elif isinstance(step, _Reprice):
                sent = reprice(step.remaining)
            else:
                sent = ledger.reservation(key, now=now)
        except Exception as failed:
            error = failed


#: Prices the cart again with what is left, in asyncio code; may be a plain function or a
#: coroutine function.
AsyncRepricer = Callable[[Mapping[str, Money]], "Quote | Awaitable[Quote]"]


async def async_checkout(
    ledger: AsyncLedger,
    key: str,
    quote: Quote,
    reprice: AsyncRepricer,
    *,
    ttl: timedelta = timedelta(minutes=15),
    extra: Sequence[Draw] = (),
    resources: Resources | None = None,
    customer: str | None = None,
    account_of: AccountNamer = budget_account,
    attempts: int = 4,
    now: datetime | None = None,
) -> Checkout:
    """[`checkout`][promocore.ledger.checkout.checkout] for an asyncio ledger.

    The same plan, arguments, result and errors; ``reprice`` may be a coroutine function.
    """
    _check(key, quote, ttl, extra, attempts, resources, customer)
    plan = _plan(_order(quote, extra, resources, customer, account_of, attempts))
    sent: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(sent)
        except StopIteration as done:
            result: Checkout = done.value
            return result
        sent, error = None, None
        try:
            if isinstance(step, _Reserve):
                sent = await ledger.reserve(key, step.items, ttl, now=now)
            elif isinstance(step, _Read):
                sent = {
                    (a, s): (await ledger.balance(a, s, now=now)).available
                    for a, s in step.counters
                }
            elif isinstance(step, _Reprice):
                repriced = reprice(step.remaining)
                sent = await repriced if inspect.isawaitable(repriced) else repriced
            else:
                sent = await ledger.reservation(key, now=now)
        except Exception as failed:
            error = failed
