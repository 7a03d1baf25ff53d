"""The commission service: bindings, orders, refunds, sweeps and withdrawals, on the game runner.

Every write is a compare-and-set on one record (a customer's binding, an order's commissions or
a promoter's account) made by a [`Runner`][promocore.games.runtime.Runner] of
[`bindings`][promocore.games.commission.rules.bindings],
[`orders`][promocore.games.commission.rules.orders] or
[`accounts`][promocore.games.commission.rules.accounts], retried when another writer got there
first. A change that moves a promoter's money is written as a posting into the outbox of the
record that caused it, in the same write; the service then applies the outbox to the accounts
(each posting once, by id) and clears it. If the process stops in between,
[`CommissionService.sweep`][promocore.games.commission.service.CommissionService.sweep] finishes
the delivery later, so nothing is lost or applied twice.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import attrs

from promocore.campaign import Campaign
from promocore.errors import CurrencyError, ValidationError
from promocore.games.commission.compute import beneficiaries
from promocore.games.commission.errors import (
    BindingCycleError,
    IdempotencyConflictError,
    NotAPromoterError,
    SelfBindingError,
    UnknownOrderError,
)
from promocore.games.commission.model import (
    AccountEvent,
    ApplyPosting,
    BindingEvent,
    BindingState,
    Bound,
    CommissionSettled,
    Delivered,
    Link,
    OpenOrder,
    OrderCommissions,
    Posting,
    PromoterAccount,
    RecordEvent,
    Refund,
    Settle,
    Withdraw,
    Withdrawal,
)
from promocore.games.commission.order import PaidOrder
from promocore.games.commission.params import CommissionParams
from promocore.games.commission.rules import (
    accounts,
    bindings,
    open_account,
    open_order,
    orders,
    return_refund,
    walk_upline,
)
from promocore.games.runtime import (
    DEFAULT_ATTEMPTS,
    Clock,
    Observer,
    Outcome,
    RetryPolicy,
    Runner,
    utc_now,
)
from promocore.money import Money, minor_units
from promocore.state import Store, VersionConflictError

#: Any event the service reports.
Event = BindingEvent | RecordEvent | AccountEvent


@attrs.frozen
class SweepReport:
    """What a sweep did.

    Attributes:
        orders: Orders looked at.
        settled: Commission records settled.
        postings: Postings applied to accounts.
        events: Every event, order and account ones alike.
    """

    orders: int = 0
    settled: int = 0
    postings: int = 0
    events: tuple[Event, ...] = ()


class CommissionService:
    """Runs one distribution program over a [`Store`][promocore.state.Store].

    Args:
        store: Where bindings, order commissions and accounts are kept.
        params: The program.
        currency: The currency of every order and account.
        namespace: Prefix of the record kinds (``<namespace>.binding``,
            ``.order``, ``.account``), to keep programs sharing a store apart.
        clock: Where the time comes from when a call gives no ``now``.
        attempts: How many times a write is tried when it loses races.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every event saved (see [`Runner`][promocore.games.runtime.Runner]).
    """

    def __init__(
        self,
        store: Store,
        params: CommissionParams,
        *,
        currency: str,
        namespace: str = "commission",
        clock: Clock = utc_now,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        if not isinstance(params, CommissionParams):
            raise ValidationError.single("params", "must be CommissionParams")
        minor_units(currency)
        for amount in params.amounts():
            if amount.currency != currency:
                raise CurrencyError(
                    f"the program's amounts are in {amount.currency}, not {currency}"
                )
        self.params = params
        self.currency = currency
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self._bindings = Runner(
            store, bindings(namespace), clock=clock, retry=retry, observer=observer
        )
        self._orders = Runner(store, orders(namespace), clock=clock, retry=retry, observer=observer)
        self._accounts = Runner(
            store, accounts(namespace), clock=clock, retry=retry, observer=observer
        )
        self._clock = clock

    @classmethod
    def for_campaign(
        cls,
        store: Store,
        campaign: Campaign,
        *,
        namespace: str = "commission",
        clock: Clock = utc_now,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> CommissionService:
        """Build the service of a ``commission`` campaign (its params and currency).

        Raises:
            ValidationError: the campaign's params are not
                [`CommissionParams`][promocore.games.commission.params.CommissionParams].
        """
        if not isinstance(campaign.params, CommissionParams):
            raise ValidationError.single("params", "must be CommissionParams")
        return cls(
            store,
            campaign.params,
            currency=campaign.currency,
            namespace=namespace,
            clock=clock,
            attempts=attempts,
            sleep=sleep,
            observer=observer,
        )

    # -- reading ---------------------------------------------------------------------------

    def account(self, promoter: str) -> PromoterAccount | None:
        """The promoter's account, or ``None`` if they never joined."""
        return self._accounts.find(promoter)

    def binding(self, customer: str) -> BindingState | None:
        """The customer's binding state, or ``None`` if they never followed a link."""
        return self._bindings.find(customer)

    def order(self, order_id: str) -> OrderCommissions | None:
        """The commissions recorded for an order, or ``None``."""
        return self._orders.find(order_id)

    def upline(
        self, customer: str, *, at: datetime | None = None, limit: int | None = None
    ) -> tuple[str, ...]:
        """The customer's chain of referrers at ``at`` (default now), nearest first."""
        when = self._now(at)

        def referrer_of(who: str) -> str | None:
            state = self.binding(who)
            return None if state is None else state.referrer_at(when)

        return walk_upline(customer, referrer_of, limit=limit)

    # -- promoters and bindings ------------------------------------------------------------

    def join(self, promoter: str, *, now: datetime | None = None) -> PromoterAccount:
        """Make ``promoter`` a promoter (idempotent); return their account."""
        when = self._now(now)
        return self._accounts.create(
            promoter, open_account(promoter, self.currency, when), now=when
        ).state

    def bind(
        self,
        customer: str,
        referrer: str,
        *,
        registering: bool = False,
        now: datetime | None = None,
    ) -> Outcome[BindingState, BindingEvent]:
        """Apply a link ``customer`` followed from ``referrer``.

        The referrer's chain is walked to refuse cycles. After the write the
        chain is walked again; if a concurrent binding closed a loop meanwhile,
        this binding is undone and refused, so no loop survives a race.

        Raises:
            SelfBindingError: the customer followed their own link.
            NotAPromoterError: the referrer is not a promoter.
            BindingCycleError: the customer is up the referrer's chain.
        """
        when = self._now(now)
        if customer == referrer:
            raise SelfBindingError(customer)
        if self._accounts.get(referrer) is None:
            raise NotAPromoterError(referrer)
        policy = self.params.binding
        based_on: list[BindingState] = []

        def link(current: BindingState) -> tuple[Link]:
            based_on.append(current)
            upline = self.upline(referrer, at=when)
            return (Link(customer, referrer, policy, upline, registering),)

        outcome = self._bindings.apply_with(customer, link, now=when)
        if any(isinstance(e, Bound) for e in outcome.events):
            before = based_on[-1] if outcome.version > 1 else None
            self._undo_if_looped(customer, referrer, outcome.state, before, when)
        return attrs.evolve(outcome, followups=self._deliver_binding(customer, when))

    def _undo_if_looped(
        self,
        customer: str,
        referrer: str,
        written: BindingState,
        before: BindingState | None,
        when: datetime,
    ) -> None:
        """Undo the binding just ``written`` if a concurrent one closed a loop with it."""
        upline = self.upline(referrer, at=when)
        if customer not in upline:
            return
        saved = self._bindings.get(customer)
        if saved is not None and saved.value == written:
            with contextlib.suppress(VersionConflictError):  # someone moved on: theirs stands
                if before is None:
                    self._bindings.delete(customer, expected_version=saved.version)
                else:
                    self._bindings.replace(customer, before, expected_version=saved.version)
        raise BindingCycleError(customer, referrer, upline[: upline.index(customer) + 1])

    # -- orders ----------------------------------------------------------------------------

    def record_order(
        self, order: PaidOrder, *, now: datetime | None = None
    ) -> Outcome[OrderCommissions, RecordEvent]:
        """Record the commissions of a paid order, frozen until the return window ends.

        The buyer's chain and each promoter's rank are snapshotted now: later
        rebinding or promotion never changes this order's commissions. Recording
        the same order again returns what was recorded.

        Raises:
            CurrencyError: the order is not in the program's currency.
            IdempotencyConflictError: another order was recorded under this id.
        """
        when = self._now(now)
        if order.currency != self.currency:
            raise CurrencyError(
                f"order {order.order_id!r} is in {order.currency}, not {self.currency}"
            )
        existing = self._orders.find(order.order_id)
        events: tuple[RecordEvent, ...] = ()
        if existing is None:
            state, opened = open_order(None, self._open_command(order), when)
            outcome = self._orders.create(order.order_id, state, opened, now=when)
            existing = outcome.state if outcome.replayed else None
            events = () if outcome.replayed else outcome.events
        if existing is not None and existing.order != order:
            raise IdempotencyConflictError("order", order.order_id)
        followups = self._deliver_order(order.order_id, when)
        stored = self._orders.require(order.order_id)
        return Outcome(
            id=order.order_id,
            state=stored.value,
            events=events,
            version=stored.version,
            followups=followups,
        )

    def _open_command(self, order: PaidOrder) -> OpenOrder:
        params = self.params
        upline = self.upline(order.buyer, at=order.paid_at, limit=params.levels)
        is_promoter = self._accounts.get(order.buyer) is not None
        chain = beneficiaries(order.buyer, upline, params, buyer_is_promoter=is_promoter)
        ranks = tuple(self._rank_of(promoter) for promoter in chain)
        return OpenOrder(order, chain, ranks, params)

    def _rank_of(self, promoter: str) -> str | None:
        account = self.account(promoter)
        if account is None:
            return None
        params = self.params
        reached = params.rank_for(account.sales, account.team_size)
        stored = account.rank if params.rank_named(account.rank) is not None else None
        if reached is not None and params.rank_order(reached.name) > params.rank_order(stored):
            return reached.name
        return stored

    def refund(
        self, order_id: str, refund: Refund, *, now: datetime | None = None
    ) -> Outcome[OrderCommissions, RecordEvent]:
        """Apply a refund to an order's commissions (idempotent by refund id).

        Frozen commissions shrink; settled ones are clawed back from the
        promoters' available balances (any shortfall becomes debt).

        Raises:
            UnknownOrderError: no commissions were recorded for the order.
            IdempotencyConflictError: the refund id was used for another refund.
            RefundExceedsPaidError: more would be refunded for a line than was paid.
        """
        when = self._now(now)
        outcome = self._orders.apply(order_id, refund, now=when)
        return self._delivered(outcome, when)

    def return_units(
        self,
        order_id: str,
        refund_id: str,
        units: Mapping[str, int],
        *,
        now: datetime | None = None,
    ) -> Outcome[OrderCommissions, RecordEvent]:
        """Some units of an order came back: refund their share and shrink the commissions.

        Each line gives back the returned units' share of what was paid for it (see
        [`return_refund`][promocore.games.commission.rules.return_refund]); the commissions
        shrink through the same proportional clawback as
        [`refund`][promocore.games.commission.service.CommissionService.refund]. A retry
        with the same ``refund_id`` changes nothing more.

        Raises:
            UnknownOrderError: no commissions were recorded for the order.
            ValidationError: a line the order does not have, or more units than it kept.
        """
        when = self._now(now)

        def refund_of(state: OrderCommissions) -> tuple[Refund]:
            done = next((r for r in state.refunds if r.refund_id == refund_id), None)
            return (done if done is not None else return_refund(state, refund_id, units),)

        outcome = self._orders.apply_with(order_id, refund_of, now=when)
        return self._delivered(outcome, when)

    def sweep(self, *, now: datetime | None = None, limit: int = 100) -> SweepReport:
        """Settle the orders whose return window has ended and finish pending deliveries.

        Args:
            now: The time to sweep at (default: the clock's).
            limit: The most orders, and separately bindings, to look at.
        """
        when = self._now(now)
        events: list[Event] = []
        settled = postings = 0
        due_orders = self._orders.due(when, limit=limit)
        for item in due_orders:
            try:
                outcome = self._orders.apply(item.id, Settle(), now=when)
            except UnknownOrderError:
                continue
            settled += sum(isinstance(e, CommissionSettled) for e in outcome.events)
            postings += len(outcome.state.outbox)
            events.extend(outcome.events)
            events.extend(self._deliver_order(item.id, when))
        for binding in self._bindings.due(when, limit=limit):
            postings += len(binding.value.outbox)
            events.extend(self._deliver_binding(binding.id, when))
        return SweepReport(len(due_orders), settled, postings, tuple(events))

    # -- money out -------------------------------------------------------------------------

    def withdraw(
        self, promoter: str, request_id: str, amount: Money, *, now: datetime | None = None
    ) -> Withdrawal:
        """Withdraw ``amount`` (fee included) from the promoter's available balance.

        Retrying with the same request id returns the first withdrawal.

        Raises:
            NotAPromoterError: the promoter has no account.
            WithdrawalRefusedError: below the minimum, or the fee takes it all.
            InsufficientBalanceError: more than is available.
            IdempotencyConflictError: the request id was used for another amount.
        """
        when = self._now(now)
        command = Withdraw(request_id, amount, self.params.withdrawal)
        state = self._accounts.apply(promoter, command, now=when).state
        made = state.withdrawal(request_id)
        assert made is not None
        return made

    # -- plumbing --------------------------------------------------------------------------

    def _now(self, now: datetime | None) -> datetime:
        when = now if now is not None else self._clock()
        if when.utcoffset() is None:
            raise ValidationError.single("now", "must carry a UTC offset")
        return when

    def _delivered(
        self, outcome: Outcome[OrderCommissions, RecordEvent], when: datetime
    ) -> Outcome[OrderCommissions, RecordEvent]:
        followups = self._deliver_order(outcome.id, when)
        stored = self._orders.get(outcome.id)
        if stored is None:
            return attrs.evolve(outcome, followups=followups)
        return attrs.evolve(
            outcome, state=stored.value, version=stored.version, followups=followups
        )

    def _post(self, posting: Posting, now: datetime) -> tuple[AccountEvent, ...]:
        if self._accounts.get(posting.promoter) is None:
            self._accounts.create(
                posting.promoter, open_account(posting.promoter, self.currency, now), now=now
            )
        command = ApplyPosting(posting, self.params)
        return self._accounts.apply(posting.promoter, command, now=now).events

    def _deliver(
        self, outbox: tuple[Posting, ...], now: datetime
    ) -> tuple[frozenset[str], tuple[AccountEvent, ...]]:
        events: list[AccountEvent] = []
        for posting in outbox:
            events.extend(self._post(posting, now))
        return frozenset(p.id for p in outbox), tuple(events)

    def _deliver_order(self, order_id: str, now: datetime) -> tuple[AccountEvent, ...]:
        current = self.order(order_id)
        if current is None or not current.outbox:
            return ()
        done, events = self._deliver(current.outbox, now)
        with contextlib.suppress(UnknownOrderError):
            self._orders.apply(order_id, Delivered(done), now=now)
        return events

    def _deliver_binding(self, customer: str, now: datetime) -> tuple[AccountEvent, ...]:
        current = self.binding(customer)
        if current is None or not current.outbox:
            return ()
        done, events = self._deliver(current.outbox, now)
        self._bindings.apply(customer, Delivered(done), now=now)
        return events
