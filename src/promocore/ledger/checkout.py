"""Checkout: turn a quote's budget draws into one reservation, repricing if budgets ran out.

The customer saw a [`Quote`][promocore.quote.Quote] priced with the budgets left
at that moment. By checkout, other orders may have spent them.
[`checkout`][promocore.ledger.checkout.checkout] reserves every budget draw of the quote (and any
extra draws, such as stock) in one all-or-nothing call; when a budget is short, it reads what is
really left, prices the cart again with those budgets and reserves that quote's draws, so the
customer is shown the real price rather than an error.

Budgets live in ledger accounts named by
[`budget_account`][promocore.ledger.checkout.budget_account] (``"budget:<id>"``) unless another
naming is given; [`define_budgets`][promocore.ledger.checkout.define_budgets] creates them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from promocore.errors import PromocoreError, ValidationError
from promocore.ledger.errors import IdempotencyKeyReusedError, ReservationRefusedError
from promocore.ledger.inputs import check_name, check_ttl
from promocore.ledger.model import AccountSpec, Draw, Reservation
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.money import Money
from promocore.quote import Quote
from promocore.validation import Checks

#: Names the ledger account holding a campaign's budget.
AccountNamer = Callable[[str], str]

#: Prices the cart again with the given remaining budget per campaign id.
Repricer = Callable[[Mapping[str, Money]], Quote]


def budget_account(campaign: str) -> str:
    """Return the default name of the account holding ``campaign``'s budget."""
    return f"budget:{campaign}"


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
        repriced: True when ``quote`` differs from the quote given (a budget ran
            short between quote and checkout).
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
    amounts: dict[str, Money] = {}
    for draw in quote.budget_draws:
        if draw.amount.amount > 0:
            previous = amounts.get(draw.campaign)
            amounts[draw.campaign] = draw.amount if previous is None else previous + draw.amount
    return [Draw.budget(account_of(c), amount) for c, amount in amounts.items()]


def _check(key: object, quote: object, ttl: object, extra: object, attempts: object) -> None:
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
    checks.raise_if_any()


@attrs.frozen
class _Reserve:
    """Step: reserve ``items`` under the checkout's key."""

    items: list[Draw]


@attrs.frozen
class _Balances:
    """Step: read what is left of each campaign's budget."""

    campaigns: list[str]


@attrs.frozen
class _Reprice:
    """Step: price the cart again with these budgets."""

    budgets: dict[str, Money]


@attrs.frozen
class _Lookup:
    """Step: read the reservation the key holds."""


_Step = _Reserve | _Balances | _Reprice | _Lookup

#: The pure plan of a checkout: yields the steps to perform, is sent their results (or thrown
#: their errors), and returns the outcome. The sync and asyncio checkouts only perform steps.
_Plan = Generator[_Step, Any, Checkout]


def _plan(quote: Quote, extra: Sequence[Draw], account_of: AccountNamer, attempts: int) -> _Plan:
    budgets: dict[str, Money] = {}
    current = quote
    for attempt in range(attempts):
        draws = budget_draws(current, account_of)
        items = [*draws, *extra]
        if not items:
            return Checkout(current, None, current != quote)
        try:
            reservation = yield _Reserve(items)
        except IdempotencyKeyReusedError:
            return (yield from _replay(quote, extra, account_of, attempts))
        except ReservationRefusedError as refused:
            if any(s.index >= len(draws) for s in refused.shortfalls) or attempt + 1 == attempts:
                raise
            budgets.update((yield _Balances([d.campaign for d in current.budget_draws])))
            current = yield _Reprice(dict(budgets))
            if not isinstance(current, Quote):
                raise ValidationError.single("reprice", "must return a Quote") from None
            continue
        return Checkout(current, reservation, current != quote)
    raise AssertionError("unreachable")  # pragma: no cover


def _replay(quote: Quote, extra: Sequence[Draw], account_of: AccountNamer, attempts: int) -> _Plan:
    """Rebuild the quote a repriced, retried checkout reserved for.

    Prices again with each drawn campaign's budget set to what the reservation
    holds for it (nothing for campaigns it does not draw from).
    """
    held = yield _Lookup()
    if held is None:  # pragma: no cover - the key named a reservation a moment ago
        raise CheckoutConflictError("the checkout's reservation disappeared")
    granted = {g.account: g.amount for g in held.grants}
    budgets: dict[str, Money] = {}
    replayed = quote
    for _ in range(attempts):
        unknown = [d for d in replayed.budget_draws if d.campaign not in budgets]
        if not unknown and replayed is not quote:
            break
        for d in unknown:
            amount = granted.get(account_of(d.campaign), 0)
            budgets[d.campaign] = Money(amount, d.amount.currency)
        replayed = yield _Reprice(dict(budgets))
    items = [*budget_draws(replayed, account_of), *extra]
    try:
        reservation = yield _Reserve(items)
    except IdempotencyKeyReusedError:
        raise CheckoutConflictError(
            f"key {held.key!r} holds a reservation for a repriced quote that pricing no longer "
            "reproduces; use the quote stored with the order"
        ) from None
    return Checkout(replayed, reservation, replayed != quote)


def checkout(
    ledger: Ledger,
    key: str,
    quote: Quote,
    reprice: Repricer,
    *,
    ttl: timedelta = timedelta(minutes=15),
    extra: Sequence[Draw] = (),
    account_of: AccountNamer = budget_account,
    attempts: int = 4,
    now: datetime | None = None,
) -> Checkout:
    """Reserve a quote's budget draws and ``extra`` draws in one all-or-nothing call.

    When a budget no longer covers its draw, the budgets of every campaign drawn
    so far are read from the ledger, the cart is priced again through
    ``reprice`` and that quote's draws are reserved instead, up to ``attempts``
    quotes in all. The reservation is made under ``key`` whichever quote it is
    for, so retrying a checkout never draws twice; commit it with
    ``ledger.commit(key)`` once the order is paid, or release it.

    Args:
        ledger: Where the budgets are.
        key: The idempotency key, typically the order id.
        quote: The quote the customer saw.
        reprice: Prices the cart again with a mapping of remaining budget per
            campaign id, e.g.
            ``lambda budgets: engine.price(cart, at=at, budgets=budgets)``.
        ttl: How long the reservation holds without a commit.
        extra: Draws reserved together with the budgets (stock, per-customer
            uses); if one of them is short the refusal is raised as is, since
            repricing cannot help.
        account_of: Names the account of a campaign's budget.
        attempts: How many quotes to try at most.
        now: The time of the call (default: the ledger's clock).

    Returns:
        The quote the reservation is for, the reservation, and whether it was
        repriced.

    Raises:
        ValidationError: a bad argument.
        ReservationRefusedError: an extra draw is short, or budgets kept running
            out through every attempt.
        CheckoutConflictError: a retried checkout whose key holds the reservation
            of a repriced quote that pricing no longer reproduces.
    """
    _check(key, quote, ttl, extra, attempts)
    plan = _plan(quote, extra, account_of, attempts)
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
            elif isinstance(step, _Balances):
                sent = {c: ledger.balance(account_of(c), now=now).money() for c in step.campaigns}
            elif isinstance(step, _Reprice):
                sent = reprice(step.budgets)
            else:
                sent = ledger.reservation(key, now=now)
        except Exception as failed:
            error = failed


#: Prices the cart again with the given remaining budget per campaign id, in asyncio code; may
#: be a plain function or a coroutine function.
AsyncRepricer = Callable[[Mapping[str, Money]], "Quote | Awaitable[Quote]"]


async def async_checkout(
    ledger: AsyncLedger,
    key: str,
    quote: Quote,
    reprice: AsyncRepricer,
    *,
    ttl: timedelta = timedelta(minutes=15),
    extra: Sequence[Draw] = (),
    account_of: AccountNamer = budget_account,
    attempts: int = 4,
    now: datetime | None = None,
) -> Checkout:
    """[`checkout`][promocore.ledger.checkout.checkout] for an asyncio ledger.

    The same plan, arguments, result and errors; ``reprice`` may be a coroutine function.
    """
    _check(key, quote, ttl, extra, attempts)
    plan = _plan(quote, extra, account_of, attempts)
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
            elif isinstance(step, _Balances):
                sent = {
                    c: (await ledger.balance(account_of(c), now=now)).money()
                    for c in step.campaigns
                }
            elif isinstance(step, _Reprice):
                repriced = reprice(step.budgets)
                sent = await repriced if inspect.isawaitable(repriced) else repriced
            else:
                sent = await ledger.reservation(key, now=now)
        except Exception as failed:
            error = failed
