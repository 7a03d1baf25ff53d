"""The rules of bargaining as pure transitions ``(state, command, now) -> (state', events)``.

Nothing here reads a clock or does I/O: ``now`` is an input, and an illegal move raises a typed
error (see [`promocore.games.bargain.errors`][promocore.games.bargain.errors]) without changing
anything. Limits that span sessions are kept in [`Tally`][promocore.games.bargain.model.Tally]
records by [`count`][promocore.games.bargain.rules.count] (through
[`record_help`][promocore.games.bargain.rules.record_help],
[`record_start`][promocore.games.bargain.rules.record_start] and
[`take_stock`][promocore.games.bargain.rules.take_stock]): recording the same session twice
changes nothing, so a retried write never counts twice; recording one more than the limit raises.

[`SESSIONS`][promocore.games.bargain.rules.SESSIONS] and the tallies
[`HELPS`][promocore.games.bargain.rules.HELPS], [`STARTS`][promocore.games.bargain.rules.STARTS]
and [`STOCK`][promocore.games.bargain.rules.STOCK] are the games the
[`Runner`][promocore.games.runtime.Runner] runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args

import attrs

from promocore.errors import ValidationError
from promocore.games.bargain.cuts import next_cut
from promocore.games.bargain.errors import (
    AlreadyOrderedError,
    DuplicateHelpError,
    HelperLimitError,
    IllegalMoveError,
    NotDueError,
    NotInitiatorError,
    NotOrderedError,
    NotReadyToOrderError,
    OutOfStockError,
    RetriesExhaustedError,
    SelfHelpError,
    SessionClosedError,
    SessionExpiredError,
    SessionLimitError,
    SessionNotFoundError,
    SessionSucceededError,
)
from promocore.games.bargain.model import (
    BargainSession,
    Cancel,
    Cancelled,
    Command,
    CountHelp,
    CountStart,
    Cut,
    Event,
    Expire,
    Expired,
    Help,
    Order,
    Ordered,
    PriceCut,
    Refund,
    Refunded,
    Start,
    Started,
    Status,
    Succeeded,
    TakeUnit,
    Tally,
    TallyCommand,
    Uncount,
)
from promocore.games.game import CommandId, Game, missing, send
from promocore.games.returns import unit_refund

#: What a transition returns: the new state and what happened.
Transition = tuple[BargainSession, tuple[Event, ...]]


def apply(state: BargainSession | None, command: Command, now: datetime) -> Transition:
    """Return the session after ``command`` at ``now``, and the events it caused.

    Args:
        state: The session, or ``None`` for a [`Start`][promocore.games.bargain.model.Start].
        command: What is asked.
        now: The moment of the move (timezone-aware).

    Raises:
        ValidationError: ``now`` is naive, or ``state`` does not fit ``command``.
        BargainError: the move is illegal; the subclass says why.
    """
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValidationError.single("now", "must be a timezone-aware datetime")
    if isinstance(command, Start):
        if state is not None:
            raise IllegalMoveError(f"session {state.id!r} already exists")
        return start(command, now)
    if state is None:
        raise ValidationError.single("state", f"{type(command).__name__} needs a session")
    if isinstance(command, Help):
        return _help(state, command, now)
    if isinstance(command, Expire):
        return _expire(state, now)
    if isinstance(command, Cancel):
        return _cancel(state, command, now)
    if isinstance(command, Order):
        return _order(state, command, now)
    if isinstance(command, Refund):
        return _refund(state, command, now)
    raise ValidationError.single("command", f"unknown command {type(command).__name__}")


def start(command: Start, now: datetime) -> Transition:
    """Create a session; the initiator makes the first cut if the terms say so."""
    terms = command.terms
    session = BargainSession(
        id=command.session_id,
        activity=command.activity,
        initiator=command.initiator,
        seed=command.seed if command.seed is not None else command.session_id,
        terms=terms,
        started_at=now,
        expires_at=now + terms.duration,
        price=terms.start_price,
    )
    events: list[Event] = [
        Started(
            session.id, session.activity, session.initiator, session.price, session.expires_at, now
        )
    ]
    if terms.initiator_cuts_first:
        session, cut_events = _cut(session, session.initiator, boosted=False, now=now)
        events.extend(cut_events)
    return session, tuple(events)


def _cut(session: BargainSession, by: str, *, boosted: bool, now: datetime) -> Transition:
    terms = session.terms
    amount = next_cut(
        terms, price=session.price, step=len(session.cuts), seed=session.seed, boosted=boosted
    )
    price = session.price - amount
    session = attrs.evolve(
        session, price=price, cuts=(*session.cuts, Cut(by, amount, now, boosted))
    )
    events: list[Event] = [PriceCut(session.id, by, amount, price, session.helps, boosted, now)]
    if session.at_floor:
        session = attrs.evolve(session, status=Status.SUCCEEDED, succeeded_at=now)
        events.append(Succeeded(session.id, price, session.helps, now))
    return session, tuple(events)


def _refuse_closed(state: BargainSession, now: datetime, move: str) -> None:
    """Raise if ``state`` takes no more help at ``now``."""
    if state.status is Status.SUCCEEDED:
        raise SessionSucceededError(
            f"session {state.id!r} already reached its floor; cannot {move}"
        )
    if state.status is Status.EXPIRED or state.is_due(now):
        raise SessionExpiredError(
            f"session {state.id!r} expired at {state.expires_at.isoformat()}; cannot {move}"
        )
    if state.status is not Status.STARTED:
        raise SessionClosedError(f"session {state.id!r} is {state.status.value}; cannot {move}")


def _help(state: BargainSession, command: Help, now: datetime) -> Transition:
    _refuse_closed(state, now, "help")
    if command.helper == state.initiator:
        raise SelfHelpError(f"{command.helper!r} started session {state.id!r} and cannot help it")
    if command.helper in state.helpers:
        raise DuplicateHelpError(f"{command.helper!r} already helped session {state.id!r}")
    boosted = command.new_customer and state.terms.new_helper_boost is not None
    return _cut(state, command.helper, boosted=boosted, now=now)


def _expire(state: BargainSession, now: datetime) -> Transition:
    if state.status is Status.STARTED and not state.is_due(now):
        raise NotDueError(
            f"session {state.id!r} runs until {state.expires_at.isoformat()}; cannot expire it yet"
        )
    if state.status is Status.EXPIRED:
        raise SessionExpiredError(f"session {state.id!r} already expired")
    if state.status is not Status.STARTED:
        raise SessionClosedError(f"session {state.id!r} is {state.status.value}; cannot expire")
    expired = attrs.evolve(state, status=Status.EXPIRED, closed_at=state.expires_at)
    return expired, (Expired(state.id, state.price, state.expires_at),)


def _check_initiator(state: BargainSession, who: str, move: str) -> None:
    if who != state.initiator:
        raise NotInitiatorError(
            f"only {state.initiator!r}, who started session {state.id!r}, may {move} it, "
            f"not {who!r}"
        )


def _cancel(state: BargainSession, command: Cancel, now: datetime) -> Transition:
    _check_initiator(state, command.by, "cancel")
    if state.status is Status.CANCELLED:
        return state, ()  # a retried cancel changes nothing
    if state.status is not Status.SUCCEEDED:
        _refuse_closed(state, now, "cancel")
    cancelled = attrs.evolve(state, status=Status.CANCELLED, closed_at=now)
    return cancelled, (Cancelled(state.id, now),)


def _order(state: BargainSession, command: Order, now: datetime) -> Transition:
    _check_initiator(state, command.by, "order")
    if state.status is Status.ORDERED:
        if state.order_id == command.order_id:
            return state, ()
        raise AlreadyOrderedError(
            f"session {state.id!r} was already ordered with order {state.order_id!r}"
        )
    if state.status is Status.STARTED:
        if state.is_due(now):
            raise SessionExpiredError(
                f"session {state.id!r} expired at {state.expires_at.isoformat()}; cannot order"
            )
        if not state.terms.buy_above_floor:
            raise NotReadyToOrderError(
                f"session {state.id!r} is {state.to_floor.display()} above its floor "
                f"and the activity sells only at the floor"
            )
    elif state.status is Status.EXPIRED:
        raise SessionExpiredError(f"session {state.id!r} expired; cannot order")
    elif state.status is not Status.SUCCEEDED:
        raise SessionClosedError(f"session {state.id!r} is {state.status.value}; cannot order")
    ordered = attrs.evolve(state, status=Status.ORDERED, closed_at=now, order_id=command.order_id)
    return ordered, (Ordered(state.id, command.order_id, state.price, now),)


def _refund(state: BargainSession, command: Refund, now: datetime) -> Transition:
    """Take the ordered unit back: refund what it was ordered at (one unit of one)."""
    if state.status is Status.REFUNDED:
        if state.refund_id == command.refund_id:
            return state, ()
        raise SessionClosedError(
            f"session {state.id!r} was already refunded with refund {state.refund_id!r}"
        )
    if state.status is not Status.ORDERED or state.order_id is None:
        raise NotOrderedError(
            f"session {state.id!r} is {state.status.value}; only an order refunds"
        )
    amount = unit_refund(state.price, 1, 1)
    refunded = attrs.evolve(
        state,
        status=Status.REFUNDED,
        refund_id=command.refund_id,
        refunded=amount,
        refunded_at=now,
    )
    event = Refunded(state.id, state.order_id, command.refund_id, amount, now, command.reason)
    return refunded, (event,)


def record_help(tally: Tally, session_id: str, *, helper: str, limit: int) -> Tally:
    """Count a help by ``helper`` on ``session_id``.

    Raises:
        HelperLimitError: ``helper`` already helped ``limit`` sessions.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= limit:
        raise HelperLimitError(
            f"{helper!r} already helped {tally.used} session(s); the activity allows {limit}"
        )
    return tally._with(session_id)


def record_start(tally: Tally, session_id: str, *, initiator: str, limit: int) -> Tally:
    """Count a session started by ``initiator``.

    Raises:
        SessionLimitError: ``initiator`` already started ``limit`` sessions.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= limit:
        raise SessionLimitError(
            f"{initiator!r} already started {tally.used} session(s); the activity allows {limit}"
        )
    return tally._with(session_id)


def take_stock(tally: Tally, session_id: str, *, activity: str, stock: int) -> Tally:
    """Take one unit of the activity's stock for ``session_id``.

    Raises:
        OutOfStockError: ``stock`` units were already taken.
    """
    if tally.has(session_id):
        return tally
    if tally.used >= stock:
        raise OutOfStockError(f"activity {activity!r} has no stock left ({stock} ordered)")
    return tally._with(session_id)


def count(tally: Tally, command: TallyCommand, now: datetime) -> tuple[Tally, tuple[()]]:
    """Apply a tally command: count a session against a limit, or give sessions back.

    Raises:
        HelperLimitError, SessionLimitError, OutOfStockError: the limit is used up.
    """
    del now
    match command:
        case CountHelp():
            return record_help(
                tally, command.session_id, helper=command.helper, limit=command.limit
            ), ()
        case CountStart():
            return (
                record_start(
                    tally, command.session_id, initiator=command.initiator, limit=command.limit
                ),
                (),
            )
        case TakeUnit():
            return (
                take_stock(
                    tally, command.session_id, activity=command.activity, stock=command.stock
                ),
                (),
            )
        case Uncount():
            for session_id in command.session_ids:
                tally = tally.without(session_id)
            return tally, ()
    raise ValidationError.single("command", f"unknown command {type(command).__name__}")


def session_due(session: BargainSession) -> datetime | None:
    """When a sweep should expire ``session``: its end, while it takes help."""
    return session.expires_at if session.status is Status.STARTED else None


def _identify(command: Command) -> CommandId | None:
    if isinstance(command, Refund):
        return CommandId(f"refund:{command.refund_id}")
    return None


def _exhausted(id: str, attempts: int) -> Exception:
    return RetriesExhaustedError(
        f"{id!r}: gave up after {attempts} attempts lost to concurrent writers"
    )


SESSIONS: Game[BargainSession, Command, Event] = Game(
    kind="bargain.session",
    state=BargainSession,
    transition=apply,
    events=get_args(Event),
    due=session_due,
    on_due=send(Expire()),
    identify=_identify,
    not_found=missing(SessionNotFoundError, "bargain session"),
    exhausted=_exhausted,
)
"""The sessions, as the runner runs them (expired by a sweep once their time is up)."""


def _tally(kind: str) -> Game[Tally, TallyCommand, object]:
    return Game(
        kind=kind,
        state=Tally,
        transition=count,
        initial=lambda _: Tally(),
        exhausted=_exhausted,
    )


HELPS = _tally("bargain.helps")
"""The sessions each helper helped, by ``activity`` and helper."""

STARTS = _tally("bargain.starts")
"""The sessions each customer started, by ``activity`` and customer."""

STOCK = _tally("bargain.stock")
"""The sessions ordered (and not refunded) from each activity's stock, by activity."""
