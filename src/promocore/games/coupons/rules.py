"""The coupon lifecycle as pure transitions: ``(coupon, command, now) -> (coupon', events)``.

Every transition is idempotent for the request it names: claiming a coupon one already holds,
locking it again for the same order, redeeming it again for an order it was redeemed in,
releasing a lock that is gone or restoring it again from the same refunded order change nothing
and return no events. Moves the coupon cannot make raise a
[`CouponStateError`][promocore.games.coupons.errors.CouponStateError].
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn, get_args

import attrs

from promocore.errors import ValidationError
from promocore.games.coupons.errors import (
    CouponLockedError,
    CouponNotUsableError,
    CouponOwnerError,
    CouponStateError,
    UnknownCouponError,
)
from promocore.games.coupons.model import (
    CatchUp,
    Claim,
    Command,
    Coupon,
    CouponClaimed,
    CouponEvent,
    CouponExpired,
    CouponIssued,
    CouponLocked,
    CouponRedeemed,
    CouponReleased,
    CouponRestored,
    CouponStatus,
    Events,
    Expire,
    Lock,
    Redeem,
    Release,
    Remember,
    Restore,
    Wallet,
)
from promocore.games.coupons.params import CouponTemplate
from promocore.games.game import CommandId, Game, missing


def issue(template: CouponTemplate, code: str, origin: str, now: datetime) -> tuple[Coupon, Events]:
    """Issue a new code from ``template`` that nobody holds yet.

    Args:
        template: The template.
        code: The code, unique across all coupons.
        origin: The idempotency key of the issuing request.
        now: The moment of issue.
    """
    ends = [e for e in (template.claim_window.ends_at, template.validity.ends_at) if e is not None]
    coupon = Coupon(
        code=code,
        template_id=template.id,
        status=CouponStatus.ISSUED,
        validity=template.validity,
        issued_at=now,
        origin=origin,
        max_uses=template.uses_per_code,
        claim_until=min(ends) if ends else None,
    )
    return coupon, (CouponIssued(code, template.id, now),)


def issue_to(
    template: CouponTemplate, code: str, customer_id: str, origin: str, now: datetime
) -> tuple[Coupon, Events]:
    """Issue a code from ``template`` straight to ``customer_id`` (领券)."""
    coupon, issued = issue(template, code, origin, now)
    claimed, events = transition(coupon, Claim(customer_id), now)
    return claimed, issued + events


def transition(coupon: Coupon, command: Command, now: datetime) -> tuple[Coupon, Events]:
    """Apply ``command`` to ``coupon`` at ``now``.

    Returns:
        The coupon after the command, and what happened (nothing on a repeat).

    Raises:
        CouponStateError: the coupon cannot make the move (for instance, redeeming
            a coupon no order locked); subclasses say why in more detail.
    """
    match command:
        case Claim():
            return _claim(coupon, command, now)
        case Lock():
            return _lock(coupon, command, now)
        case Release():
            return _release(coupon, command, now)
        case Redeem():
            return _redeem(coupon, command, now)
        case Restore():
            return _restore(coupon, command, now)
        case Expire():
            return _expire(coupon, now)
        case CatchUp():
            return _catch_up(coupon, command, now)
    raise TypeError(f"not a coupon command: {command!r}")


def _refuse(
    coupon: Coupon, message: str, kind: type[CouponStateError] = CouponStateError
) -> NoReturn:
    raise kind(coupon.code, coupon.status.value, message)


def _claim(coupon: Coupon, command: Claim, now: datetime) -> tuple[Coupon, Events]:
    if coupon.status is not CouponStatus.ISSUED:
        if coupon.owner == command.customer_id:
            return coupon, ()
        _refuse(coupon, "already claimed by another customer", CouponOwnerError)
    if coupon.claim_until is not None and now >= coupon.claim_until:
        _refuse(
            coupon, f"could be claimed until {coupon.claim_until.isoformat()}", CouponNotUsableError
        )
    valid_from, valid_until = coupon.validity.window(now)
    claimed = attrs.evolve(
        coupon,
        status=CouponStatus.CLAIMED,
        owner=command.customer_id,
        claimed_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return claimed, (CouponClaimed(coupon.code, command.customer_id, valid_from, valid_until, now),)


def _lock(coupon: Coupon, command: Lock, now: datetime) -> tuple[Coupon, Events]:
    if coupon.owner is not None and coupon.owner != command.customer_id:
        _refuse(coupon, "belongs to another customer", CouponOwnerError)
    if coupon.status is CouponStatus.LOCKED:
        if coupon.locked_by == command.order_id:
            return coupon, ()
        _refuse(coupon, f"locked in unpaid order {coupon.locked_by}", CouponLockedError)
    if command.order_id in coupon.orders:
        _refuse(coupon, f"already redeemed in order {command.order_id}")
    if command.order_id in coupon.restored:
        _refuse(coupon, f"order {command.order_id} was refunded and gave it back")
    if coupon.status is not CouponStatus.CLAIMED:
        _refuse(coupon, "only a claimed coupon can be used in an order")
    if not coupon.usable_at(now):
        assert coupon.valid_from is not None and coupon.valid_until is not None
        _refuse(
            coupon,
            f"usable from {coupon.valid_from.isoformat()} until {coupon.valid_until.isoformat()}",
            CouponNotUsableError,
        )
    if command.until is not None and command.until <= now:
        raise ValidationError.single("until", "a lock must last beyond now")
    locked = attrs.evolve(
        coupon,
        status=CouponStatus.LOCKED,
        locked_by=command.order_id,
        locked_until=command.until,
        locked_subject=command.subject,
    )
    return locked, (CouponLocked(coupon.code, command.order_id, now),)


def _release(coupon: Coupon, command: Release, now: datetime) -> tuple[Coupon, Events]:
    if command.order_id in coupon.orders:
        _refuse(coupon, f"order {command.order_id} was paid with it; it cannot be released")
    if coupon.status is not CouponStatus.LOCKED or coupon.locked_by != command.order_id:
        return coupon, ()
    released = attrs.evolve(
        coupon, status=CouponStatus.CLAIMED, locked_by=None, locked_until=None, locked_subject=None
    )
    events: Events = (CouponReleased(coupon.code, command.order_id, now),)
    if coupon.valid_until is not None and now >= coupon.valid_until:
        released = attrs.evolve(released, status=CouponStatus.EXPIRED)
        events += (CouponExpired(coupon.code, now),)
    return released, events


def _redeem(coupon: Coupon, command: Redeem, now: datetime) -> tuple[Coupon, Events]:
    if command.order_id in coupon.orders:
        return coupon, ()
    if coupon.status is not CouponStatus.LOCKED or coupon.locked_by != command.order_id:
        _refuse(coupon, f"order {command.order_id} does not hold it; lock it first")
    orders = (*coupon.orders, command.order_id)
    left = coupon.max_uses - len(orders)
    status = CouponStatus.REDEEMED if left == 0 else CouponStatus.CLAIMED
    redeemed = attrs.evolve(
        coupon,
        status=status,
        locked_by=None,
        locked_until=None,
        locked_subject=None,
        orders=orders,
    )
    events: Events = (CouponRedeemed(coupon.code, command.order_id, left, now),)
    if left and coupon.valid_until is not None and now >= coupon.valid_until:
        redeemed = attrs.evolve(redeemed, status=CouponStatus.EXPIRED)
        events += (CouponExpired(coupon.code, now),)
    return redeemed, events


def _restore(coupon: Coupon, command: Restore, now: datetime) -> tuple[Coupon, Events]:
    order = command.order_id
    if order in coupon.restored:
        return coupon, ()
    if order not in coupon.orders:
        _refuse(coupon, f"order {order} did not use it; nothing to give back")
    if coupon.status is CouponStatus.EXPIRED or (
        coupon.valid_until is not None and now >= coupon.valid_until
    ):
        return coupon, ()  # past its window: a refund does not bring it back
    orders = tuple(o for o in coupon.orders if o != order)
    status = CouponStatus.CLAIMED if coupon.status is CouponStatus.REDEEMED else coupon.status
    restored = attrs.evolve(
        coupon, status=status, orders=orders, restored=(*coupon.restored, order)
    )
    return restored, (CouponRestored(coupon.code, order, restored.uses_left, now),)


def _catch_up(coupon: Coupon, command: CatchUp, now: datetime) -> tuple[Coupon, Events]:
    events: Events = ()
    if command.paid is not None and coupon.locked_by == command.paid:
        coupon, events = _redeem(coupon, Redeem(command.paid), now)
    coupon, more = settle(coupon, now)
    return coupon, events + more


def _expire(coupon: Coupon, now: datetime) -> tuple[Coupon, Events]:
    if coupon.status is CouponStatus.EXPIRED:
        return coupon, ()
    if coupon.status is CouponStatus.LOCKED:
        _refuse(coupon, "locked in an unpaid order; it expires if the order releases it")
    if coupon.status is CouponStatus.REDEEMED:
        _refuse(coupon, "already used up")
    deadline = coupon.claim_until if coupon.status is CouponStatus.ISSUED else coupon.valid_until
    if deadline is None or now < deadline:
        until = "it has no end" if deadline is None else f"valid until {deadline.isoformat()}"
        _refuse(coupon, f"not expired yet ({until})")
    return attrs.evolve(coupon, status=CouponStatus.EXPIRED), (CouponExpired(coupon.code, now),)


def settle(coupon: Coupon, now: datetime) -> tuple[Coupon, Events]:
    """Catch up with time: release a lapsed lock, then expire a coupon past its window."""
    events: Events = ()
    if (
        coupon.status is CouponStatus.LOCKED
        and coupon.locked_by is not None
        and coupon.locked_until is not None
        and now >= coupon.locked_until
    ):
        coupon, events = _release(coupon, Release(coupon.locked_by), now)
    if expired(coupon, now):
        coupon, more = _expire(coupon, now)
        events += more
    return coupon, events


def expired(coupon: Coupon, now: datetime) -> bool:
    """True if ``Expire`` would expire ``coupon`` at ``now``."""
    if coupon.status is CouponStatus.ISSUED:
        deadline = coupon.claim_until
    elif coupon.status is CouponStatus.CLAIMED:
        deadline = coupon.valid_until
    else:
        return False
    return deadline is not None and now >= deadline


def remember(wallet: Wallet, command: Remember, now: datetime) -> tuple[Wallet, tuple[()]]:
    """Add a code to a customer's wallet, once."""
    del now
    if command.code in wallet.codes:
        return wallet, ()
    return attrs.evolve(wallet, codes=(*wallet.codes, command.code)), ()


def coupon_due(coupon: Coupon) -> datetime | None:
    """When a sweep should look at ``coupon``: its lock lapses, or it expires."""
    return coupon.due()


def _identify(command: Command) -> CommandId | None:
    if isinstance(command, Restore):
        return CommandId(f"restore:{command.order_id}")
    return None


COUPONS: Game[Coupon, Command, CouponEvent] = Game(
    kind="coupon",
    state=Coupon,
    transition=transition,
    events=get_args(CouponEvent),
    due=coupon_due,
    identify=_identify,
    not_found=missing(UnknownCouponError, "coupon", by="code"),
)
"""Coupons by code, as the runner runs them."""

WALLETS: Game[Wallet, Remember, object] = Game(
    kind="coupon.wallet",
    state=Wallet,
    transition=remember,
    initial=lambda customer_id: Wallet(customer_id),
)
"""The codes each customer was given, by customer id."""
