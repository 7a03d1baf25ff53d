"""The rules of points as pure transitions: ``(account, command, now) -> (account', events)``.

Earning is idempotent on its key, redeeming on its order id, refunding on its refund key. Points
are spent soonest-expiring first, never below zero; refunds give back (and take back) points in
exact proportion to the refunded share of the order, so the refunds of a whole order return
exactly what it used. [`perform`][promocore.games.points.rules.perform] records an action such as
the daily check-in; its [`ActionRewarded`][promocore.games.points.model.ActionRewarded] event
becomes an [`Earn`][promocore.games.points.model.Earn] with
[`earn_for`][promocore.games.points.rules.earn_for].
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

import attrs

from promocore.games.game import CommandId, Game, send
from promocore.games.points.errors import (
    DailyLimitReachedError,
    InsufficientPointsError,
    PointsKeyReusedError,
    RefundExceedsOrderError,
)
from promocore.games.points.model import (
    ActionLog,
    ActionRewarded,
    Command,
    Earn,
    Events,
    ExpirePoints,
    Lot,
    Perform,
    PointsAccount,
    PointsClawedBack,
    PointsEarned,
    PointsEvent,
    PointsExpired,
    PointsRedeemed,
    PointsReturned,
    Redeem,
    Redemption,
    Refund,
    Take,
)
from promocore.games.points.params import ActionRule, Expiry
from promocore.games.returns import unit_refund


def transition(
    account: PointsAccount, command: Command, now: datetime
) -> tuple[PointsAccount, Events]:
    """Apply ``command`` to ``account`` at ``now``.

    Raises:
        InsufficientPointsError: a redemption asks for more than can be spent.
        PointsKeyReusedError: a key or order id already names another request.
        RefundExceedsOrderError: refunds would add up to more than the order's value.
    """
    match command:
        case Earn():
            return _earn(account, command, now)
        case Redeem():
            return _redeem(account, command, now)
        case Refund():
            return _refund(account, command, now)
        case ExpirePoints():
            return _expire(account, now)
    raise TypeError(f"not a points command: {command!r}")


def _earn(account: PointsAccount, command: Earn, now: datetime) -> tuple[PointsAccount, Events]:
    existing = account.lot(command.key)
    if existing is not None:
        if existing.points != command.points or existing.order_id != command.order_id:
            raise PointsKeyReusedError(f"key {command.key!r} already earned other points")
        return account, ()
    lot = Lot(
        id=command.key,
        points=command.points,
        left=command.points,
        earned_at=now,
        expires_at=command.expires_at,
        reason=command.reason,
        order_id=command.order_id,
        basis=command.basis.amount if command.basis is not None else 0,
    )
    event = PointsEarned(account.customer_id, lot.id, lot.points, lot.expires_at, now)
    return attrs.evolve(account, lots=(*account.lots, lot)), (event,)


def _take(
    account: PointsAccount, points: int, now: datetime
) -> tuple[PointsAccount, tuple[Take, ...]]:
    """Take up to ``points`` from the lots, soonest-expiring first."""
    lots = {lot.id: lot for lot in account.lots}
    taken = []
    for lot in account.spending_order(now):
        if points == 0:
            break
        part = min(points, lot.left)
        lots[lot.id] = attrs.evolve(lot, left=lot.left - part)
        taken.append(Take(lot.id, part))
        points -= part
    return attrs.evolve(account, lots=tuple(lots.values())), tuple(taken)


def _redeem(account: PointsAccount, command: Redeem, now: datetime) -> tuple[PointsAccount, Events]:
    existing = account.redemption(command.order_id)
    if existing is not None:
        if (existing.points, existing.basis) != (command.points, command.basis.amount):
            raise PointsKeyReusedError(f"order {command.order_id!r} already used other points")
        return account, ()
    available = account.balance(now)
    if command.points > available:
        raise InsufficientPointsError(command.points, available)
    account, taken = _take(account, command.points, now)
    redemption = Redemption(command.order_id, command.points, command.basis.amount, taken)
    account = attrs.evolve(account, redemptions=(*account.redemptions, redemption))
    return account, (PointsRedeemed(account.customer_id, command.order_id, command.points, now),)


def _share(points: int, refunded: int, basis: int) -> int:
    """Points due for ``refunded`` of ``basis``: rounded down, all of them for all of it."""
    return points * refunded // basis


def _refund(account: PointsAccount, command: Refund, now: datetime) -> tuple[PointsAccount, Events]:
    if command.key in account.refunds:
        return account, ()
    order = command.order_id
    amount = command.refunded.amount
    redemption = account.redemption(order)
    earned = [lot for lot in account.lots if lot.order_id == order]
    if redemption is None and not earned:
        return account, ()
    bases = [(lot.basis, lot.refunded, f"points earned ({lot.id})") for lot in earned]
    if redemption is not None:
        bases.append((redemption.basis, redemption.refunded, "points used"))
    for basis, refunded, what in bases:
        if refunded + amount > basis:
            raise RefundExceedsOrderError(
                f"order {order!r}: refunds of {account.value(refunded + amount)} exceed the "
                f"{account.value(basis)} its {what} were based on"
            )
    events: list[PointsEvent] = []
    if redemption is not None:
        account, returned = _give_back(account, redemption, amount, now)
        if returned is not None:
            events.append(returned)
    for lot in earned:
        account, clawed = _claw_back(account, lot.id, amount, now)
        if clawed is not None:
            events.append(clawed)
    return attrs.evolve(account, refunds=(*account.refunds, command.key)), tuple(events)


def _give_back(
    account: PointsAccount, redemption: Redemption, amount: int, now: datetime
) -> tuple[PointsAccount, PointsReturned | None]:
    refunded = redemption.refunded + amount
    due = _share(redemption.points, refunded, redemption.basis) - redemption.returned
    lots = {lot.id: lot for lot in account.lots}
    takes = list(redemption.taken)
    left, expired = due, 0
    for i in reversed(range(len(takes))):
        take = takes[i]
        part = min(left, take.points - take.returned)
        if part == 0:
            continue
        lot = lots[take.lot_id]
        lots[lot.id] = attrs.evolve(lot, left=lot.left + part)
        if lot.expires_at is not None and now >= lot.expires_at:
            expired += part
        takes[i] = attrs.evolve(take, returned=take.returned + part)
        left -= part
    assert left == 0, "a redemption never returns more than it took"
    updated = attrs.evolve(
        redemption, taken=tuple(takes), refunded=refunded, returned=redemption.returned + due
    )
    account = attrs.evolve(
        account,
        lots=tuple(lots.values()),
        redemptions=tuple(
            updated if r.order_id == redemption.order_id else r for r in account.redemptions
        ),
    )
    if due == 0:
        return account, None
    event = PointsReturned(account.customer_id, redemption.order_id, due, expired, now)
    return account, event


def _claw_back(
    account: PointsAccount, lot_id: str, amount: int, now: datetime
) -> tuple[PointsAccount, PointsClawedBack | None]:
    lot = account.lot(lot_id)
    assert lot is not None and lot.order_id is not None
    order = lot.order_id
    refunded = lot.refunded + amount
    owed = _share(lot.points, refunded, lot.basis) - lot.clawed
    own = min(owed, lot.spendable(now))
    lot = attrs.evolve(lot, left=lot.left - own, refunded=refunded, clawed=lot.clawed + owed)
    account = attrs.evolve(account, lots=tuple(lot if x.id == lot_id else x for x in account.lots))
    rest = min(owed - own, account.balance(now))
    account, _ = _take(account, rest, now)
    if owed == 0:
        return account, None
    return account, PointsClawedBack(account.customer_id, order, owed, own + rest, now)


def _expire(account: PointsAccount, now: datetime) -> tuple[PointsAccount, Events]:
    lots = []
    events: list[PointsEvent] = []
    for lot in account.lots:
        if lot.left and lot.expires_at is not None and now >= lot.expires_at:
            events.append(PointsExpired(account.customer_id, lot.id, lot.left, now))
            lot = attrs.evolve(lot, left=0, expired=lot.expired + lot.left)
        lots.append(lot)
    if not events:
        return account, ()
    return attrs.evolve(account, lots=tuple(lots)), tuple(events)


def perform(
    log: ActionLog, rule: ActionRule, now: datetime
) -> tuple[ActionLog, tuple[ActionRewarded, ...]]:
    """Record that the customer performed ``rule.action`` at ``now``.

    Returns:
        The log after the action, and the reward it earned.

    Raises:
        DailyLimitReachedError: it already counted ``rule.per_day`` times today.
        ValueError: ``log`` is about another action.
    """
    if log.action != rule.action:
        raise ValueError(f"the log is about {log.action!r}, the rule about {rule.action!r}")
    day = rule.day_of(now)
    if log.last_day == day:
        if log.today >= rule.per_day:
            raise DailyLimitReachedError(
                f"{rule.action} already counted {log.today} time(s) on {day.isoformat()}"
            )
        updated = attrs.evolve(log, today=log.today + 1)
        points = rule.points
    else:
        consecutive = log.last_day is not None and log.last_day == day - timedelta(days=1)
        streak = log.streak + 1 if consecutive else 1
        updated = attrs.evolve(log, last_day=day, today=1, streak=streak)
        points = rule.points + rule.bonus(streak)
    event = ActionRewarded(
        log.customer_id, rule.action, day, updated.today, updated.streak, points, now
    )
    return updated, (event,)


def earn_for(event: ActionRewarded, expiry: Expiry) -> Earn | None:
    """The [`Earn`][promocore.games.points.Earn] that credits ``event``, or ``None`` if it earned 0.

    The key names the customer, action, day and count, so crediting twice is harmless.
    """
    if event.points == 0:
        return None
    key = f"{event.action}:{event.customer_id}:{event.day.isoformat()}:{event.count}"
    return Earn(key, event.points, event.action, expiry.expires_at(event.at))


def perform_action(
    log: ActionLog, command: Perform, now: datetime
) -> tuple[ActionLog, tuple[ActionRewarded, ...]]:
    """[`perform`][promocore.games.points.rules.perform] as a transition taking a command."""
    return perform(log, command.rule, now)


def return_refund(
    account: PointsAccount, order_id: str, key: str, *, units: int, quantity: int, returned: int = 0
) -> Refund | None:
    """The [`Refund`][promocore.games.points.model.Refund] of ``units`` of an order coming back.

    The refunded value is the returned units' share of the order's value before points
    (the basis its points were used and earned on), computed like every return
    ([`unit_refund`][promocore.games.returns.unit_refund]): so the points given back and taken
    back are the returned units' share, and all of them once every unit is back.

    Args:
        account: The customer's account.
        order_id: The order.
        key: The refund's idempotency key.
        units: Units coming back now.
        quantity: Units the order bought.
        returned: Units that came back before.

    Returns:
        The refund, or ``None`` when the order neither used nor earned points.

    Raises:
        ValidationError: more units than are kept.
    """
    redemption = account.redemption(order_id)
    if redemption is not None:
        basis, refunded = redemption.basis, redemption.refunded
    else:
        earned = [lot for lot in account.lots if lot.order_id == order_id]
        if not earned:
            return None
        basis, refunded = earned[0].basis, earned[0].refunded
    value = unit_refund(
        account.value(basis),
        quantity,
        units,
        returned=returned,
        refunded=account.value(refunded),
    )
    if value.amount == 0:
        return None
    return Refund(order_id, key, value)


def account_due(account: PointsAccount) -> datetime | None:
    """When a sweep should look at ``account``: the next expiry of points it still holds."""
    expiries = [lot.expires_at for lot in account.lots if lot.left and lot.expires_at]
    return min(expiries) if expiries else None


def _identify(command: Command) -> CommandId | None:
    match command:
        case Earn():
            return CommandId(
                f"earn:{command.key}", {"points": command.points, "order": command.order_id}
            )
        case Redeem():
            return CommandId(
                f"redeem:{command.order_id}", {"points": command.points, "basis": command.basis}
            )
        case Refund():
            return CommandId(f"refund:{command.key}")
    return None


def _conflict(customer_id: str, key: str) -> Exception:
    kind, _, id = key.partition(":")
    return PointsKeyReusedError(f"{customer_id!r}: {kind} {id!r} already names another request")


ACCOUNT_KIND = "points.account"
"""Record kind of points accounts (by customer id)."""


def accounts(currency: str) -> Game[PointsAccount, Command, PointsEvent]:
    """Points accounts in ``currency`` by customer id, as the runner runs them.

    An account never written is empty; a sweep writes off expired points.
    """
    return Game(
        kind=ACCOUNT_KIND,
        state=PointsAccount,
        transition=transition,
        events=get_args(PointsEvent),
        due=account_due,
        on_due=send(ExpirePoints()),
        initial=lambda customer_id: PointsAccount(customer_id, currency),
        identify=_identify,
        conflict=_conflict,
    )


ACTION_LOGS: Game[ActionLog, Perform, ActionRewarded] = Game(
    kind="points.action_log",
    state=ActionLog,
    transition=perform_action,
    events=(ActionRewarded,),
)
"""Action logs by ``customer:action``."""
