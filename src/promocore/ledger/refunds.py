"""Refunds: what a cancelled or returned order gives back to its counted resources.

Cancelling an unpaid order releases its reservation: everything comes back. For a paid order,
[`returned_resources`][promocore.ledger.refunds.returned_resources] works out (purely) what the
returned units took, and [`give_back`][promocore.ledger.refunds.give_back] tops the accounts
up with it, once per refund id. Per-customer, per-period and fatigue counts are kept, as for
every game ([`promocore.games.returns`][promocore.games.returns]): buying and returning
cannot lift a limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from promocore.errors import ValidationError
from promocore.ledger.errors import UnknownReservationError
from promocore.ledger.model import Reservation, ReservationStatus
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.ledger.resources import Resources, gift_account, redemptions_account
from promocore.money import Rounding, round_div
from promocore.quote import Quote

__all__ = ["async_give_back", "give_back", "returned_resources"]


def _share(amount: int, units: int, before: int, quantity: int) -> int:
    """The part of ``amount``, spread over ``quantity`` units, that ``units`` more carry."""
    after = round_div(amount * (before + units), quantity, Rounding.DOWN)
    return after - round_div(amount * before, quantity, Rounding.DOWN)


def returned_resources(
    quote: Quote,
    reservation: Reservation,
    resources: Resources,
    returned: Mapping[int, int] | None = None,
    before: Mapping[int, int] | None = None,
) -> list[tuple[str, int]]:
    """What a refund gives back to each account: ``(account, amount)`` pairs, pure.

    Args:
        quote: The quote the order was checked out with.
        reservation: The order's committed reservation.
        resources: The resources the checkout drew with.
        returned: Units coming back now per quote line index (gift lines included);
            ``None`` for the whole order.
        before: Units that came back by earlier refunds, per line index.
    """
    earlier = dict(before or {})
    now = {line.index: line.quantity - earlier.get(line.index, 0) for line in quote.lines}
    if returned is not None:
        now = dict(returned)
    granted: dict[str, int] = {}
    for grant in reservation.grants:
        if grant.subject is None:
            granted[grant.account] = granted.get(grant.account, 0) + grant.amount
    bought = [line for line in quote.lines if line.gift_of is None]
    kept_before = any(earlier.get(line.index, 0) < line.quantity for line in bought)
    kept_after = any(
        earlier.get(line.index, 0) + now.get(line.index, 0) < line.quantity for line in bought
    )
    completes = kept_before and not kept_after  # this refund brings the last units back
    quantity = {line.index: line.quantity for line in quote.lines}
    back: dict[str, int] = {}
    for given in quote.grants:  # the budget: what the returned units' grants were worth
        account = resources.account_of(given.campaign)
        if account not in granted:
            continue
        if given.line is None:  # an effect of the whole order
            share = given.value.amount if completes else 0
        else:
            units = now.get(given.line, 0)
            already = earlier.get(given.line, 0)
            share = _share(given.value.amount, units, already, quantity[given.line])
        back[account] = back.get(account, 0) + share
    for line in quote.lines:  # the gift units that came back
        units = now.get(line.index, 0)
        if units and line.gift_of is not None and line.gift_of in resources.campaigns:
            account = gift_account(line.gift_of, line.sku)
            if account in granted:
                back[account] = back.get(account, 0) + units
    if completes:
        for item in quote.applied:
            account = redemptions_account(item.campaign)
            if item.campaign in resources.campaigns and account in granted:
                back[account] = granted[account]
    return [
        (account, min(amount, granted[account])) for account, amount in back.items() if amount > 0
    ]


def give_back(
    ledger: Ledger,
    key: str,
    refund_id: str,
    quote: Quote,
    resources: Resources,
    *,
    returned: Mapping[int, int] | None = None,
    before: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> list[tuple[str, int]]:
    """Give back the counted resources an order's checkout took; safe to retry.

    An order still held (not paid) is released whole: everything comes back. A paid
    order gets back, per [`returned_resources`][promocore.ledger.refunds.returned_resources],
    the budget the grants of its returned units took (pro rata, rounded down, exact once
    every unit is back; effects of the whole order once the last unit is back), the gift
    units that came back and the "first N" redemption once every bought unit is back.

    Args:
        ledger: The ledger the checkout reserved in.
        key: The checkout's key.
        refund_id: Names this refund (one key per refund makes retries safe).
        quote: The quote the order was checked out with.
        resources: The resources the checkout drew with.
        returned: Units coming back per quote line index; ``None`` for the whole order.
        before: Units that came back by earlier refunds.
        now: The time of the call.

    Returns:
        What went back, as ``(account, amount)`` pairs.

    Raises:
        UnknownReservationError: the key holds no reservation.
        ValidationError: a part of an unpaid order is returned (release it whole).
    """
    held = _refundable(key, ledger.reservation(key, now=now), returned)
    if held.status is not ReservationStatus.COMMITTED:
        if held.status is ReservationStatus.HELD:
            ledger.release(key, now=now)
        return [(g.account, g.amount) for g in held.grants]
    back = returned_resources(quote, held, resources, returned, before)
    for account, amount in back:
        ledger.top_up(f"{key}:refund:{refund_id}:{account}", account, amount)
    return back


async def async_give_back(
    ledger: AsyncLedger,
    key: str,
    refund_id: str,
    quote: Quote,
    resources: Resources,
    *,
    returned: Mapping[int, int] | None = None,
    before: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> list[tuple[str, int]]:
    """[`give_back`][promocore.ledger.refunds.give_back] on an asyncio ledger."""
    held = _refundable(key, await ledger.reservation(key, now=now), returned)
    if held.status is not ReservationStatus.COMMITTED:
        if held.status is ReservationStatus.HELD:
            await ledger.release(key, now=now)
        return [(g.account, g.amount) for g in held.grants]
    back = returned_resources(quote, held, resources, returned, before)
    for account, amount in back:
        await ledger.top_up(f"{key}:refund:{refund_id}:{account}", account, amount)
    return back


def _refundable(
    key: str, held: Reservation | None, returned: Mapping[int, int] | None
) -> Reservation:
    if held is None:
        raise UnknownReservationError(key)
    if held.status is not ReservationStatus.COMMITTED and returned is not None:
        raise ValidationError.single("returned", "an unpaid order is released whole")
    return held
