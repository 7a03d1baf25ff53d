from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from promocore.cart import Cart, Customer, LineItem
from promocore.games.bargain import (
    AlreadyOrderedError,
    BargainService,
    DuplicateHelpError,
    Expired,
    HelperLimitError,
    IllegalMoveError,
    NotInitiatorError,
    NotOrderedError,
    Ordered,
    OutOfStockError,
    Refunded,
    RetriesExhaustedError,
    SelfHelpError,
    SessionClosedError,
    SessionExpiredError,
    SessionLimitError,
    SessionNotFoundError,
    SessionSnapshot,
    Status,
    Tally,
)
from promocore.games.bargain.service import HELPS_KIND, SESSION_KIND
from promocore.state import Codec, JSONObject, MemoryStore, Record, TypedStore, VersionConflictError
from tests.games.bargain.builders import T0, campaign, minutes, terms

KAN = campaign(terms(stock=2, helps_per_helper=1, sessions_per_customer=1))


def no_sleep(_: float) -> None:
    pass


@pytest.fixture
def service() -> BargainService:
    return BargainService(MemoryStore(), sleep=no_sleep)


def succeed(service: BargainService, session_id: str, helpers: list[str]) -> None:
    for helper in helpers:
        service.help(session_id, helper, now=T0 + minutes(1))


def test_start_help_order(service: BargainService) -> None:
    started = service.start(KAN, "ann", now=T0, session_id="s1")
    assert started.state.price.display() == "¥36.53"
    assert service.sessions_started("kan", "ann") == 1
    outcome = service.help("s1", "bo", now=T0 + minutes(1))
    assert outcome.state.helpers == ("bo",)
    assert service.helps_used("kan", "bo") == 1
    succeed(service, "s1", ["cy", "di"])
    assert service.get("s1").status is Status.SUCCEEDED
    ordered = service.order("s1", "o-1", "ann", now=T0 + minutes(9))
    assert ordered.events == (Ordered("s1", "o-1", ordered.state.price, T0 + minutes(9)),)
    assert service.stock_taken("kan") == 1


def test_session_ids_are_generated(service: BargainService) -> None:
    ids = iter(["a1", "a2"])
    generated = BargainService(MemoryStore(), new_id=lambda: next(ids))
    assert generated.start(KAN, "ann", now=T0).state.id == "a1"
    assert service.find("nope") is None


def test_starting_again_with_the_same_id_changes_nothing(service: BargainService) -> None:
    first = service.start(KAN, "ann", now=T0, session_id="s1")
    again = service.start(KAN, "ann", now=T0 + minutes(5), session_id="s1")
    assert again.state == first.state
    assert again.events == ()
    assert service.sessions_started("kan", "ann") == 1
    with pytest.raises(IllegalMoveError):
        service.start(KAN, "bo", now=T0, session_id="s1")
    assert service.sessions_started("kan", "bo") == 0


def test_sessions_per_customer(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    with pytest.raises(SessionLimitError):
        service.start(KAN, "ann", now=T0, session_id="s2")
    assert service.find("s2") is None
    other = campaign(terms(sessions_per_customer=2), id="kan2")
    service.start(other, "ann", now=T0, session_id="t1")
    service.start(other, "ann", now=T0, session_id="t2")
    assert service.sessions_started("kan2", "ann") == 2


def test_helps_per_helper(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    service.start(KAN, "cy", now=T0, session_id="s2")
    service.help("s1", "bo", now=T0)
    with pytest.raises(HelperLimitError):
        service.help("s2", "bo", now=T0)
    assert service.get("s2").helpers == ()
    assert service.helps_used("kan", "bo") == 1


def test_refused_helps_touch_nothing(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    service.help("s1", "bo", now=T0)
    with pytest.raises(SelfHelpError):
        service.help("s1", "ann", now=T0)
    with pytest.raises(DuplicateHelpError):
        service.help("s1", "bo", now=T0)
    with pytest.raises(SessionExpiredError):
        service.help("s1", "cy", now=T0 + minutes(24 * 60))
    with pytest.raises(SessionNotFoundError):
        service.help("nope", "cy", now=T0)
    assert service.helps_used("kan", "ann") == 0
    assert service.helps_used("kan", "bo") == 1
    assert service.helps_used("kan", "cy") == 0


class Interleaved(MemoryStore):
    """A store that runs ``action`` once, right before the ``nth`` read of a session."""

    def __init__(self) -> None:
        super().__init__()
        self.action: Callable[[], object] | None = None
        self.nth = 0

    def get(self, kind: str, id: str) -> Record | None:
        if kind == SESSION_KIND and self.action is not None:
            self.nth -= 1
            if self.nth == 0:
                action, self.action = self.action, None
                action()
        return super().get(kind, id)


def test_a_help_that_loses_to_a_cancel_gives_its_count_back() -> None:
    store = Interleaved()
    service = BargainService(store, sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")
    store.action = lambda: service.cancel("s1", "ann", now=T0)
    store.nth = 2  # after the early check, before the compare-and-set
    with pytest.raises(SessionClosedError):
        service.help("s1", "bo", now=T0)
    assert service.helps_used("kan", "bo") == 0


def test_an_order_that_loses_to_a_cancel_gives_its_stock_back() -> None:
    store = Interleaved()
    service = BargainService(store, sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")
    succeed(service, "s1", ["bo", "cy", "di"])
    store.action = lambda: service.cancel("s1", "ann", now=T0)
    store.nth = 2
    with pytest.raises(SessionClosedError):
        service.order("s1", "o-1", "ann", now=T0)
    assert service.stock_taken("kan") == 0


def test_a_concurrent_order_of_the_same_session_keeps_one_unit() -> None:
    store = Interleaved()
    service = BargainService(store, sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")
    succeed(service, "s1", ["bo", "cy", "di"])
    store.action = lambda: service.order("s1", "o-1", "ann", now=T0)
    store.nth = 2
    with pytest.raises(AlreadyOrderedError):
        service.order("s1", "o-2", "ann", now=T0)
    assert service.get("s1").order_id == "o-1"
    assert service.stock_taken("kan") == 1


def test_counts_left_behind_by_a_crash_are_reclaimed(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    service.start(KAN, "cy", now=T0, session_id="s2")
    # a help counted for s1 whose session write never happened, then s1 was cancelled
    helps = TypedStore(service.store, Codec(Tally, HELPS_KIND))
    helps.create("3:kan:bo", Tally(("s1",)))
    service.cancel("s1", "ann", now=T0)
    service.help("s2", "bo", now=T0)
    assert service.helps_used("kan", "bo") == 1


def test_an_open_session_keeps_its_count(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    service.start(KAN, "cy", now=T0, session_id="s2")
    helps = TypedStore(service.store, Codec(Tally, HELPS_KIND))
    helps.create("3:kan:bo", Tally(("s1",)))  # a help of s1 still in flight
    with pytest.raises(HelperLimitError):
        service.help("s2", "bo", now=T0)


def test_stock(service: BargainService) -> None:
    one = campaign(terms(stock=1, sessions_per_customer=5))
    service.start(one, "ann", now=T0, session_id="s1")
    service.start(one, "ann", now=T0, session_id="s2")
    succeed(service, "s1", ["bo", "cy", "di"])
    succeed(service, "s2", ["ed", "fu", "gu"])
    service.order("s1", "o-1", "ann", now=T0)
    service.order("s1", "o-1", "ann", now=T0)  # a retry
    assert service.stock_taken("kan") == 1
    with pytest.raises(OutOfStockError):
        service.order("s2", "o-2", "ann", now=T0)
    assert service.get("s2").status is Status.SUCCEEDED
    with pytest.raises(OutOfStockError):
        service.start(one, "ann", now=T0, session_id="s3")
    with pytest.raises(AlreadyOrderedError):
        service.order("s1", "o-3", "ann", now=T0)


def test_refused_orders_take_no_stock(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    with pytest.raises(IllegalMoveError):
        service.order("s1", "o-1", "ann", now=T0)
    succeed(service, "s1", ["bo", "cy", "di"])
    with pytest.raises(NotInitiatorError):
        service.order("s1", "o-1", "bo", now=T0)
    assert service.stock_taken("kan") == 0


def test_expire_due(service: BargainService) -> None:
    service.start(campaign(terms(sessions_per_customer=9)), "ann", now=T0, session_id="s1")
    service.start(KAN, "bo", now=T0 + minutes(10), session_id="s2")
    service.start(KAN, "cy", now=T0, session_id="s3")
    succeed(service, "s3", ["x1", "x2", "x3"])
    assert service.expire_due(T0 + minutes(60)) == ()
    day_later = T0 + minutes(24 * 60 + 5)
    done = service.expire_due(day_later)
    assert [o.state.id for o in done] == ["s1"]
    assert done[0].events == (Expired("s1", done[0].state.price, T0 + minutes(24 * 60)),)
    done = service.expire_due(day_later + minutes(60), limit=5)
    assert [o.state.id for o in done] == ["s2"]
    assert service.expire_due(day_later + minutes(120)) == ()
    assert service.get("s3").status is Status.SUCCEEDED


def test_annotate_reads_the_referenced_sessions(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    cart = Cart(
        "CNY",
        [
            LineItem("tea", terms().start_price, refs={"bargain": "s1"}),
            LineItem("tea", terms().start_price, refs={"bargain": "unknown"}),
        ],
        customer=Customer("ann"),
    )
    annotated = service.annotate(cart)
    snapshot = SessionSnapshot.from_line(annotated.lines[0])
    assert snapshot == SessionSnapshot.of(service.get("s1"))
    assert SessionSnapshot.from_line(annotated.lines[1]) is None


class AlwaysLate(MemoryStore):
    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        if kind == SESSION_KIND and expected_version > 0:
            raise VersionConflictError(kind, id, expected_version, expected_version + 1)
        return super().save(kind, id, payload, expected_version=expected_version, due=due)


def test_giving_up_after_too_many_lost_races() -> None:
    service = BargainService(AlwaysLate(), attempts=3, sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")
    with pytest.raises(RetriesExhaustedError):
        service.help("s1", "bo", now=T0)
    # the count stays (the help might have landed); it is reclaimed once the session closes
    assert service.helps_used("kan", "bo") == 1


def test_a_refund_takes_the_unit_back_and_its_stock(service: BargainService) -> None:
    service.start(KAN, "ann", now=T0, session_id="s1")
    succeed(service, "s1", ["bo", "cy", "di"])
    ordered = service.order("s1", "o-1", "ann", now=T0 + minutes(9)).state
    service.start(KAN, "bo", now=T0, session_id="s2")
    with pytest.raises(NotOrderedError):
        service.refund("s2", "r-1", now=T0 + minutes(10))
    refunded = service.refund("s1", "r-1", now=T0 + minutes(10), reason="broken")
    assert refunded.events == (
        Refunded("s1", "o-1", "r-1", ordered.price, T0 + minutes(10), "broken"),
    )
    assert refunded.state.status is Status.REFUNDED and refunded.state.refunded == ordered.price
    assert service.stock_taken("kan") == 0  # the unit is back on sale
    assert service.sessions_started("kan", "ann") == 1  # the customer's count is kept
    again = service.refund("s1", "r-1", now=T0 + minutes(11))
    assert again.replayed and again.events == () and again.recorded == refunded.events
    with pytest.raises(SessionClosedError):
        service.refund("s1", "r-2", now=T0 + minutes(11))
    with pytest.raises(SessionClosedError):
        service.order("s1", "o-2", "ann", now=T0 + minutes(12))
