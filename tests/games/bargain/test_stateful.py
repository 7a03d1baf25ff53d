"""Random starts, helps, expiries, cancels and orders against the service, with invariants.

Each rule predicts, from the stored state and the rules of the game, which error the
move must raise (or that it must succeed); after every step the invariants are checked
over everything stored.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from promocore.campaign import Campaign
from promocore.games.bargain import (
    AlreadyOrderedError,
    BargainError,
    BargainService,
    BargainSession,
    DuplicateHelpError,
    HelperLimitError,
    NotInitiatorError,
    NotOrderedError,
    NotReadyToOrderError,
    OutOfStockError,
    Refunded,
    SelfHelpError,
    SessionClosedError,
    SessionExpiredError,
    SessionLimitError,
    SessionSucceededError,
    Status,
    plan_cuts,
)
from promocore.money import total
from promocore.state import MemoryStore
from tests.games.bargain.builders import T0, campaign, cny, minutes, terms

CUSTOMERS = [f"c{i}" for i in range(6)]
ORDER_IDS = ["o1", "o2"]

CAMPAIGNS = {
    "kan": campaign(
        terms(
            helpers_needed=2,
            helps_per_helper=2,
            sessions_per_customer=2,
            stock=1,
            new_helper_boost=Decimal("3"),
            duration_minutes=120,
        ),
        id="kan",
    ),
    "quick": campaign(
        terms(
            start_price=cny("10"),
            floor_price=cny("0"),
            helpers_needed=2,
            initiator_cuts_first=False,
            buy_above_floor=True,
            duration_minutes=30,
        ),
        id="quick",
    ),
}

#: Where each status may go next.
MOVES = {
    Status.STARTED: {Status.STARTED, Status.SUCCEEDED, Status.EXPIRED, Status.CANCELLED,
                     Status.ORDERED},
    Status.SUCCEEDED: {Status.SUCCEEDED, Status.CANCELLED, Status.ORDERED},
    Status.EXPIRED: {Status.EXPIRED},
    Status.CANCELLED: {Status.CANCELLED},
    Status.ORDERED: {Status.ORDERED, Status.REFUNDED},
    Status.REFUNDED: {Status.REFUNDED},
}  # fmt: skip


def closed_error(session: BargainSession, now: datetime) -> type[BargainError] | None:
    """The error a help must raise because of the session's state, if any."""
    if session.status is Status.SUCCEEDED:
        return SessionSucceededError
    if session.status is Status.EXPIRED or (
        session.status is Status.STARTED and now >= session.expires_at
    ):
        return SessionExpiredError
    if session.status is not Status.STARTED:
        return SessionClosedError
    return None


class BargainGame(RuleBasedStateMachine):
    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.service = BargainService(MemoryStore(), new_id=self._next_id)
        self.now = T0
        self.count = 0
        self.seen: dict[str, BargainSession] = {}

    def _next_id(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def _all(self) -> list[BargainSession]:
        return [self.service.get(sid) for sid in sorted(self.seen)]

    def _of(self, activity: str) -> list[BargainSession]:
        return [s for s in self._all() if s.activity == activity]

    @initialize(target=sessions)
    def first_sessions(self) -> object:
        assert self.service.expire_due(self.now) == ()
        ids = []
        for activity, customer in (("kan", "c0"), ("quick", "c1")):
            session = self.service.start(CAMPAIGNS[activity], customer, now=self.now).state
            self.seen[session.id] = session
            ids.append(session.id)
        return multiple(*ids)

    @rule(minutes_=st.integers(1, 90))
    def time_passes(self, minutes_: int) -> None:
        self.now = self.now + minutes(minutes_)

    @rule(target=sessions, activity=st.sampled_from(sorted(CAMPAIGNS)),
          customer=st.sampled_from(CUSTOMERS))  # fmt: skip
    def start(self, activity: str, customer: str) -> object:
        kan: Campaign = CAMPAIGNS[activity]
        params = kan.params
        ordered = sum(s.status is Status.ORDERED for s in self._of(activity))
        started = sum(s.initiator == customer for s in self._of(activity))
        expected: type[BargainError] | None = None
        if params.stock is not None and ordered >= params.stock:
            expected = OutOfStockError
        elif started >= params.sessions_per_customer:
            expected = SessionLimitError
        try:
            outcome = self.service.start(kan, customer, now=self.now)
        except BargainError as error:
            assert expected is not None and isinstance(error, expected), error
            event(f"start: {type(error).__name__}")
            return multiple()
        assert expected is None
        event("start: ok")
        session = outcome.state
        assert session.initiator == customer and session.started_at == self.now
        self.seen[session.id] = session
        return session.id

    @rule(session_id=sessions, helper=st.sampled_from(CUSTOMERS))
    def help(self, session_id: str, helper: str) -> None:
        self._help(session_id, helper, new=False)

    @rule(session_id=sessions, helper=st.sampled_from(CUSTOMERS))
    def help_as_new_customer(self, session_id: str, helper: str) -> None:
        self._help(session_id, helper, new=True)

    def _help(self, session_id: str, helper: str, *, new: bool) -> None:
        before = self.service.get(session_id)
        limit = before.terms.helps_per_helper
        used = sum(helper in s.helpers for s in self._of(before.activity))
        expected = closed_error(before, self.now)
        if expected is None:
            if helper == before.initiator:
                expected = SelfHelpError
            elif helper in before.helpers:
                expected = DuplicateHelpError
            elif used >= limit:
                expected = HelperLimitError
        try:
            outcome = self.service.help(session_id, helper, now=self.now, new_customer=new)
        except BargainError as error:
            assert expected is not None and isinstance(error, expected), (expected, error)
            event(f"help: {type(error).__name__}")
            assert self.service.get(session_id) == before
            return
        assert expected is None, expected
        event(f"help: {outcome.state.status.value}")
        after = outcome.state
        assert after.helpers == (*before.helpers, helper)
        assert after.cuts[-1].amount >= after.terms.min_cut

    @rule()
    def sweep(self) -> None:
        due = {s.id for s in self._all() if s.status is Status.STARTED and self.now >= s.expires_at}
        done = self.service.expire_due(self.now)
        event(f"sweep: {'expired some' if done else 'nothing due'}")
        assert {o.state.id for o in done} == due
        assert all(o.state.status is Status.EXPIRED for o in done)

    @rule(session_id=sessions, other=st.sampled_from(CUSTOMERS), own=st.integers(0, 3))
    def cancel(self, session_id: str, other: str, own: int) -> None:
        before = self.service.get(session_id)
        by = before.initiator if own == 0 else other  # the initiator cancels now and then
        expected: type[BargainError] | None = None
        if by != before.initiator:
            expected = NotInitiatorError
        elif before.status not in (Status.SUCCEEDED, Status.CANCELLED):
            expected = closed_error(before, self.now)
        try:
            self.service.cancel(session_id, by, now=self.now)
        except BargainError as error:
            assert expected is not None and isinstance(error, expected), (expected, error)
            return
        assert expected is None
        assert self.service.get(session_id).status is Status.CANCELLED

    @rule(session_id=sessions, other=st.sampled_from(CUSTOMERS), own=st.integers(0, 3),
          order_id=st.sampled_from(ORDER_IDS))  # fmt: skip
    def order(self, session_id: str, other: str, own: int, order_id: str) -> None:
        before = self.service.get(session_id)
        by = other if own == 0 else before.initiator  # mostly the initiator orders
        stock = before.terms.stock
        ordered = sum(s.status is Status.ORDERED for s in self._of(before.activity))
        expected: type[BargainError] | None = None
        retry = False
        if by != before.initiator:
            expected = NotInitiatorError
        elif before.status is Status.ORDERED:
            retry = before.order_id == order_id
            expected = None if retry else AlreadyOrderedError
        elif before.status is Status.STARTED and self.now >= before.expires_at:
            expected = SessionExpiredError
        elif before.status is Status.STARTED and not before.terms.buy_above_floor:
            expected = NotReadyToOrderError
        elif before.status is Status.EXPIRED:
            expected = SessionExpiredError
        elif before.status in (Status.CANCELLED, Status.REFUNDED):
            expected = SessionClosedError
        elif stock is not None and ordered >= stock:
            expected = OutOfStockError
        try:
            outcome = self.service.order(session_id, order_id, by, now=self.now)
        except BargainError as error:
            assert expected is not None and isinstance(error, expected), (expected, error)
            event(f"order: {type(error).__name__}")
            assert self.service.get(session_id) == before
            return
        assert expected is None, expected
        event("order: retry" if retry else "order: ok")
        assert outcome.state.status is Status.ORDERED
        assert outcome.state.order_id == order_id
        assert (outcome.events == ()) == retry

    @rule(session_id=sessions, refund=st.sampled_from(["r1", "r2"]))
    def refund(self, session_id: str, refund: str) -> None:
        before = self.service.get(session_id)
        activity = before.activity
        taken = self.service.stock_taken(activity)
        try:
            outcome = self.service.refund(session_id, refund, now=self.now)
        except BargainError as error:
            event(f"refund: {type(error).__name__}")
            if before.status is Status.REFUNDED:
                assert isinstance(error, SessionClosedError) and before.refund_id != refund
            else:
                assert isinstance(error, NotOrderedError) and before.status is not Status.ORDERED
            assert self.service.get(session_id) == before
            return
        after = outcome.state
        assert after.status is Status.REFUNDED and after.refund_id == refund
        if before.status is Status.REFUNDED:
            event("refund: retry")
            assert outcome.events == () and after == before
            return
        event("refund: ok")
        assert outcome.events == (
            Refunded(session_id, str(before.order_id), refund, before.price, self.now),
        )
        assert after.refunded == before.price  # what the unit was ordered at
        if before.terms.stock is not None:
            assert self.service.stock_taken(activity) == taken - 1  # its stock is back

    @invariant()
    def invariants_hold(self) -> None:
        stored = self._all()
        self.sessions_are_consistent(stored)
        self.moves_only_go_forward(stored)
        self.tallies_match_the_sessions(stored)
        self.the_due_index_holds_exactly_the_due_sessions(stored)

    def sessions_are_consistent(self, stored: list[BargainSession]) -> None:
        for session in stored:
            terms_ = session.terms
            cut = total((c.amount for c in session.cuts), "CNY")
            assert session.price == terms_.start_price - cut
            assert session.price >= terms_.floor_price
            assert all(c.amount >= terms_.min_cut for c in session.cuts)
            assert len(set(session.helpers)) == len(session.helpers) <= terms_.helpers_needed
            assert session.initiator not in session.helpers
            reached = session.succeeded_at is not None
            assert reached == session.at_floor
            if session.status in (Status.STARTED, Status.EXPIRED):
                assert not session.at_floor
            if session.status is Status.SUCCEEDED:
                assert session.at_floor
            boosts = [c.boosted for c in session.cuts[1 if terms_.initiator_cuts_first else 0 :]]
            planned = plan_cuts(terms_, session.seed, boosts)
            assert tuple(c.amount for c in session.cuts) == planned[: len(session.cuts)]

    def moves_only_go_forward(self, stored: list[BargainSession]) -> None:
        for session in stored:
            before = self.seen[session.id]
            assert session.status in MOVES[before.status]
            assert session.cuts[: len(before.cuts)] == before.cuts
            if before.status is Status.ORDERED and session.status is Status.ORDERED:
                assert session == before
            if before.status is Status.REFUNDED:
                assert session == before
            self.seen[session.id] = session

    def tallies_match_the_sessions(self, stored: list[BargainSession]) -> None:
        for activity, kan in CAMPAIGNS.items():
            sessions = [s for s in stored if s.activity == activity]
            params = kan.params
            for customer in CUSTOMERS:
                helped = sum(customer in s.helpers for s in sessions)
                assert self.service.helps_used(activity, customer) == helped
                assert helped <= params.helps_per_helper
                started = sum(s.initiator == customer for s in sessions)
                assert self.service.sessions_started(activity, customer) == started
                assert started <= params.sessions_per_customer
            ordered = sum(s.status is Status.ORDERED for s in sessions)
            if params.stock is not None:
                assert self.service.stock_taken(activity) == ordered <= params.stock

    def the_due_index_holds_exactly_the_due_sessions(self, stored: list[BargainSession]) -> None:
        due = {s.id for s in stored if s.status is Status.STARTED and self.now >= s.expires_at}
        assert {v.id for v in self.service.sessions.due(self.now, limit=1000)} == due


BargainGame.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBargainGame = BargainGame.TestCase
