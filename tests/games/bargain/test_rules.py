from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs
import pytest

from promocore.errors import PromocoreError, ValidationError
from promocore.games.bargain import (
    AlreadyOrderedError,
    BargainParams,
    BargainSession,
    Cancel,
    Cancelled,
    DuplicateHelpError,
    Expire,
    Expired,
    Help,
    IllegalMoveError,
    NotDueError,
    NotInitiatorError,
    NotReadyToOrderError,
    Order,
    Ordered,
    PriceCut,
    SelfHelpError,
    SessionClosedError,
    SessionExpiredError,
    SessionSucceededError,
    Start,
    Started,
    Status,
    Succeeded,
    apply,
    plan_cuts,
)
from promocore.money import Rounding
from tests.games.bargain.builders import T0, cny, minutes, terms


def started(params: BargainParams | None = None, *, at: datetime = T0) -> BargainSession:
    session, _ = apply(None, Start("s1", "kan", "ann", params or terms()), at)
    return session


def helped(session: BargainSession, *helpers: str, at: datetime = T0) -> BargainSession:
    for helper in helpers:
        session, _ = apply(session, Help(helper), at)
    return session


def test_start_makes_the_initiators_cut() -> None:
    session, events = apply(None, Start("s1", "kan", "ann", terms()), T0)
    assert session.status is Status.STARTED
    assert session.seed == "s1"
    assert session.expires_at == T0 + minutes(24 * 60)
    assert session.price == cny("36.53")  # ¥100 − ¥63.47 (see test_cuts)
    assert session.helps == 0
    assert session.helps_left == 3
    assert events == (
        Started("s1", "kan", "ann", cny("100"), session.expires_at, T0),
        PriceCut("s1", "ann", cny("63.47"), cny("36.53"), 0, False, T0),
    )


def test_start_without_the_initiators_cut() -> None:
    session, events = apply(None, Start("s1", "kan", "ann", terms(initiator_cuts_first=False)), T0)
    assert session.price == cny("100")
    assert [type(e) for e in events] == [Started]


def test_friends_help_until_the_floor() -> None:
    session = started()
    session, events = apply(session, Help("bo"), T0 + minutes(1))
    assert events == (PriceCut("s1", "bo", cny("20.12"), cny("16.41"), 1, False, T0 + minutes(1)),)
    session = helped(session, "cy")
    assert session.price == cny("10.82")
    session, events = apply(session, Help("di"), T0 + minutes(2))
    assert session.price == cny("9.90")
    assert session.status is Status.SUCCEEDED
    assert session.succeeded_at == T0 + minutes(2)
    assert session.helpers == ("bo", "cy", "di")
    assert session.cut_total == cny("90.10")
    assert events[-1] == Succeeded("s1", cny("9.90"), 3, T0 + minutes(2))


def test_the_cuts_follow_the_plan() -> None:
    params = terms(helpers_needed=8)
    session = helped(started(params), *[f"h{i}" for i in range(8)])
    assert tuple(cut.amount for cut in session.cuts) == plan_cuts(params, "s1")


def test_a_new_helper_cuts_bigger() -> None:
    params = terms(helpers_needed=10, new_helper_boost=Decimal("2"))
    plain, _ = apply(started(params), Help("bo"), T0)
    boosted, _ = apply(started(params), Help("bo", new_customer=True), T0)
    assert boosted.cuts[-1].boosted
    assert boosted.cuts[-1].amount == plain.cuts[-1].amount.multiply(2, Rounding.CEILING)


def test_new_customer_flag_is_ignored_without_a_boost() -> None:
    session, _ = apply(started(), Help("bo", new_customer=True), T0)
    assert not session.cuts[-1].boosted


def test_helping_yourself_is_refused() -> None:
    with pytest.raises(SelfHelpError):
        apply(started(), Help("ann"), T0)


def test_helping_twice_is_refused() -> None:
    session = helped(started(), "bo")
    with pytest.raises(DuplicateHelpError):
        apply(session, Help("bo"), T0)


def test_helping_after_success_is_refused() -> None:
    session = helped(started(), "bo", "cy", "di")
    with pytest.raises(SessionSucceededError):
        apply(session, Help("ed"), T0)


def test_helping_after_the_deadline_is_refused_even_before_the_sweep() -> None:
    session = started()
    with pytest.raises(SessionExpiredError):
        apply(session, Help("bo"), session.expires_at)
    apply(session, Help("bo"), session.expires_at - minutes(1))


def test_expiry() -> None:
    session = helped(started(), "bo")
    with pytest.raises(NotDueError):
        apply(session, Expire(), session.expires_at - minutes(1))
    late = session.expires_at + minutes(30)
    expired, events = apply(session, Expire(), late)
    assert expired.status is Status.EXPIRED
    assert expired.closed_at == session.expires_at
    assert events == (Expired("s1", session.price, session.expires_at),)
    with pytest.raises(SessionExpiredError):
        apply(expired, Expire(), late)
    with pytest.raises(SessionExpiredError):
        apply(expired, Help("cy"), late)
    with pytest.raises(SessionExpiredError):
        apply(expired, Order("o1", "ann"), late)


def test_a_succeeded_session_does_not_expire() -> None:
    session = helped(started(), "bo", "cy", "di")
    with pytest.raises(SessionClosedError):
        apply(session, Expire(), session.expires_at + minutes(1))
    ordered, _ = apply(session, Order("o1", "ann"), session.expires_at + minutes(1))
    assert ordered.status is Status.ORDERED


def test_ordering_exactly_once() -> None:
    session = helped(started(), "bo", "cy", "di")
    ordered, events = apply(session, Order("o1", "ann"), T0 + minutes(5))
    assert ordered.status is Status.ORDERED
    assert ordered.order_id == "o1"
    assert events == (Ordered("s1", "o1", cny("9.90"), T0 + minutes(5)),)
    again, events = apply(ordered, Order("o1", "ann"), T0 + minutes(6))
    assert again is ordered
    assert events == ()
    with pytest.raises(AlreadyOrderedError):
        apply(ordered, Order("o2", "ann"), T0 + minutes(6))
    with pytest.raises(SessionClosedError):
        apply(ordered, Help("ed"), T0 + minutes(6))
    with pytest.raises(SessionClosedError):
        apply(ordered, Cancel("ann"), T0 + minutes(6))


def test_ordering_before_the_floor() -> None:
    session = helped(started(), "bo")
    with pytest.raises(NotReadyToOrderError):
        apply(session, Order("o1", "ann"), T0)
    open_terms = attrs.evolve(session.terms, buy_above_floor=True)
    early = attrs.evolve(session, terms=open_terms)
    ordered, events = apply(early, Order("o1", "ann"), T0)
    assert ordered.status is Status.ORDERED
    assert events == (Ordered("s1", "o1", session.price, T0),)
    with pytest.raises(SessionExpiredError):
        apply(early, Order("o1", "ann"), early.expires_at)


def test_only_the_initiator_orders_or_cancels() -> None:
    session = helped(started(), "bo", "cy", "di")
    with pytest.raises(NotInitiatorError):
        apply(session, Order("o1", "bo"), T0)
    with pytest.raises(NotInitiatorError):
        apply(session, Cancel("bo"), T0)


def test_cancel() -> None:
    session = helped(started(), "bo")
    cancelled, events = apply(session, Cancel("ann"), T0 + minutes(3))
    assert cancelled.status is Status.CANCELLED
    assert events == (Cancelled("s1", T0 + minutes(3)),)
    for command in (Help("cy"), Order("o1", "ann"), Expire()):
        with pytest.raises(SessionClosedError):
            apply(cancelled, command, cancelled.expires_at + minutes(1))
    assert apply(cancelled, Cancel("ann"), T0 + minutes(4)) == (cancelled, ())  # a retry
    succeeded = helped(started(), "bo", "cy", "di")
    assert apply(succeeded, Cancel("ann"), T0)[0].status is Status.CANCELLED
    with pytest.raises(SessionExpiredError):
        apply(session, Cancel("ann"), session.expires_at)


def test_starting_twice_and_moves_without_a_session() -> None:
    with pytest.raises(IllegalMoveError):
        apply(started(), Start("s1", "kan", "ann", terms()), T0)
    with pytest.raises(ValidationError):
        apply(None, Help("bo"), T0)


def test_time_must_carry_an_offset() -> None:
    with pytest.raises(ValidationError) as caught:
        apply(None, Start("s1", "kan", "ann", terms()), datetime(2026, 11, 11))
    assert caught.value.problems[0].path == "now"


def test_commands_validate_their_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        Start("", "kan", " ", terms())
    assert [p.path for p in caught.value.problems] == ["session_id", "initiator"]
    with pytest.raises(ValidationError):
        Help("")
    with pytest.raises(ValidationError):
        Order("", "ann")


def test_errors_refine_builtins() -> None:
    assert issubclass(SelfHelpError, ValueError)
    assert issubclass(DuplicateHelpError, ValueError)
    assert issubclass(SessionExpiredError, RuntimeError)
    assert issubclass(AlreadyOrderedError, RuntimeError)
    for error in (SelfHelpError, SessionExpiredError, AlreadyOrderedError, NotInitiatorError):
        assert issubclass(error, PromocoreError)


def test_transitions_do_not_change_their_input() -> None:
    session = started()
    before = attrs.asdict(session)
    apply(session, Help("bo"), T0)
    assert attrs.asdict(session) == before
