"""The commission service: bindings, orders, refunds, sweeps and withdrawals over a Store.

Every write is a compare-and-set on one record (a customer's binding, an
order's commissions or a promoter's account), retried when another writer got
there first. A change that moves a promoter's money is written as a posting
into the outbox of the record that caused it, in the same write; the service
then applies the outbox to the accounts (each posting once, by id) and clears
it. If the process stops in between,
[`CommissionService.sweep`][promocore.games.commission.service.CommissionService.sweep] finishes the
delivery later, so nothing is lost or applied twice.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

import attrs

from promocore.campaign import Campaign
from promocore.errors import CurrencyError, ValidationError
from promocore.games.commission import accounts as acc
from promocore.games.commission import binding as bnd
from promocore.games.commission import records as rec
from promocore.games.commission import refunds
from promocore.games.commission.compute import beneficiaries
from promocore.games.commission.errors import (
    BindingCycleError,
    IdempotencyConflictError,
    NotAPromoterError,
    SelfBindingError,
    UnknownOrderError,
)
from promocore.games.commission.model import Posting
from promocore.games.commission.order import PaidOrder
from promocore.games.commission.params import CommissionParams
from promocore.ledger.clock import Clock, system_clock
from promocore.money import Money, minor_units
from promocore.state import (
    Codec,
    Store,
    TypedStore,
    VersionConflictError,
    retry_on_conflict,
)
from promocore.state.retry import DEFAULT_ATTEMPTS

S = TypeVar("S")
E = TypeVar("E")

Event = bnd.BindingEvent | rec.RecordEvent | acc.AccountEvent


@attrs.frozen
class Outcome(Generic[S]):
    """What a service call did.

    Attributes:
        state: The record's state after the call.
        events: What happened to it (empty when the call changed nothing).
        account_events: What happened to promoters' accounts as a result.
    """

    state: S
    events: tuple[Event, ...] = ()
    account_events: tuple[acc.AccountEvent, ...] = ()


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


def _binding_due(state: bnd.BindingState) -> datetime | None:
    if state.outbox and state.binding is not None:
        return state.binding.bound_at
    return None


def _order_due(state: rec.OrderCommissions) -> datetime | None:
    if state.outbox:
        return state.order.paid_at
    return state.settles_at


class _Table(Generic[S]):
    """One kind of record, written by compare-and-set with retries."""

    def __init__(self, store: TypedStore[S], attempts: int, sleep: Callable[[float], None]) -> None:
        self.store = store
        self._attempts = attempts
        self._sleep = sleep

    def value(self, id: str) -> S | None:
        found = self.store.get(id)
        return None if found is None else found.value

    def run(
        self, id: str, step: Callable[[S | None], tuple[S | None, tuple[E, ...]]]
    ) -> tuple[S | None, tuple[E, ...]]:
        """Apply ``step`` to the stored value under compare-and-set, retrying lost races.

        Nothing is written when ``step`` returns the value unchanged (or ``None``).
        """

        def once() -> tuple[S | None, tuple[E, ...]]:
            current = self.store.get(id)
            value = None if current is None else current.value
            changed, events = step(value)
            if changed is None or changed == value:
                return value if changed is None else changed, events
            version = 0 if current is None else current.version
            self.store.replace(id, changed, expected_version=version)
            return changed, events

        return retry_on_conflict(once, attempts=self._attempts, sleep=self._sleep)


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
    """

    def __init__(
        self,
        store: Store,
        params: CommissionParams,
        *,
        currency: str,
        namespace: str = "commission",
        clock: Clock = system_clock,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
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
        self._bindings = _Table(
            TypedStore(store, Codec(bnd.BindingState, f"{namespace}.binding", due=_binding_due)),
            attempts,
            sleep,
        )
        self._orders = _Table(
            TypedStore(store, Codec(rec.OrderCommissions, f"{namespace}.order", due=_order_due)),
            attempts,
            sleep,
        )
        self._accounts = _Table(
            TypedStore(store, Codec(acc.PromoterAccount, f"{namespace}.account")),
            attempts,
            sleep,
        )
        self._clock = clock

    @classmethod
    def for_campaign(
        cls,
        store: Store,
        campaign: Campaign,
        *,
        namespace: str = "commission",
        clock: Clock = system_clock,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
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
        )

    # -- reading ---------------------------------------------------------------------------

    def account(self, promoter: str) -> acc.PromoterAccount | None:
        """The promoter's account, or ``None`` if they never joined."""
        return self._accounts.value(promoter)

    def binding(self, customer: str) -> bnd.BindingState | None:
        """The customer's binding state, or ``None`` if they never followed a link."""
        return self._bindings.value(customer)

    def order(self, order_id: str) -> rec.OrderCommissions | None:
        """The commissions recorded for an order, or ``None``."""
        return self._orders.value(order_id)

    def upline(
        self, customer: str, *, at: datetime | None = None, limit: int | None = None
    ) -> tuple[str, ...]:
        """The customer's chain of referrers at ``at`` (default now), nearest first."""
        when = self._now(at)

        def referrer_of(who: str) -> str | None:
            state = self.binding(who)
            return None if state is None else state.referrer_at(when)

        return bnd.walk_upline(customer, referrer_of, limit=limit)

    # -- promoters and bindings ------------------------------------------------------------

    def join(self, promoter: str, *, now: datetime | None = None) -> acc.PromoterAccount:
        """Make ``promoter`` a promoter (idempotent); return their account."""
        when = self._now(now)
        state, _ = self._accounts.run(
            promoter,
            lambda current: (current or acc.open_account(promoter, self.currency, when), ()),
        )
        assert state is not None
        return state

    def bind(
        self,
        customer: str,
        referrer: str,
        *,
        registering: bool = False,
        now: datetime | None = None,
    ) -> Outcome[bnd.BindingState]:
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
        if self._accounts.store.get(referrer) is None:
            raise NotAPromoterError(referrer)
        policy = self.params.binding

        based_on: list[bnd.BindingState | None] = [None]

        def step(
            current: bnd.BindingState | None,
        ) -> tuple[bnd.BindingState, tuple[bnd.BindingEvent, ...]]:
            based_on[0] = current
            upline = self.upline(referrer, at=when)
            link = bnd.Link(customer, referrer, policy, upline, registering)
            return bnd.bind(current, link, when)

        state, events = self._bindings.run(customer, step)
        assert state is not None
        if any(isinstance(e, bnd.Bound) for e in events):
            self._undo_if_looped(customer, referrer, state, based_on[0], when)
        account_events = self._deliver_binding(customer, when)
        return Outcome(state, events, account_events)

    def _undo_if_looped(
        self,
        customer: str,
        referrer: str,
        written: bnd.BindingState,
        before: bnd.BindingState | None,
        when: datetime,
    ) -> None:
        """Undo the binding just ``written`` if a concurrent one closed a loop with it."""
        upline = self.upline(referrer, at=when)
        if customer not in upline:
            return
        saved = self._bindings.store.get(customer)
        if saved is not None and saved.value == written:
            with contextlib.suppress(VersionConflictError):  # someone moved on: theirs stands
                if before is None:
                    self._bindings.store.delete(customer, expected_version=saved.version)
                else:
                    self._bindings.store.replace(customer, before, expected_version=saved.version)
        raise BindingCycleError(customer, referrer, upline[: upline.index(customer) + 1])

    # -- orders ----------------------------------------------------------------------------

    def record_order(
        self, order: PaidOrder, *, now: datetime | None = None
    ) -> Outcome[rec.OrderCommissions]:
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
        existing = self._orders.store.get(order.order_id)
        if existing is None:
            command = self._open_command(order)
            state, events = rec.open_order(None, command, when)
            try:
                self._orders.store.create(order.order_id, state)
            except VersionConflictError:
                existing = self._orders.store.get(order.order_id)
                events = ()
        else:
            events = ()
        if existing is not None and existing.value.order != order:
            raise IdempotencyConflictError("order", order.order_id)
        account_events = self._deliver_order(order.order_id, when)
        stored = self.order(order.order_id)
        assert stored is not None
        return Outcome(stored, events, account_events)

    def _open_command(self, order: PaidOrder) -> rec.OpenOrder:
        params = self.params
        upline = self.upline(order.buyer, at=order.paid_at, limit=params.levels)
        is_promoter = self._accounts.store.get(order.buyer) is not None
        chain = beneficiaries(order.buyer, upline, params, buyer_is_promoter=is_promoter)
        ranks = tuple(self._rank_of(promoter) for promoter in chain)
        return rec.OpenOrder(order, chain, ranks, params)

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
        self, order_id: str, refund: rec.Refund, *, now: datetime | None = None
    ) -> Outcome[rec.OrderCommissions]:
        """Apply a refund to an order's commissions (idempotent by refund id).

        Frozen commissions shrink; settled ones are clawed back from the
        promoters' available balances (any shortfall becomes debt).

        Raises:
            UnknownOrderError: no commissions were recorded for the order.
            IdempotencyConflictError: the refund id was used for another refund.
            RefundExceedsPaidError: more would be refunded for a line than was paid.
        """
        when = self._now(now)

        def step(
            current: rec.OrderCommissions | None,
        ) -> tuple[rec.OrderCommissions, tuple[rec.RecordEvent, ...]]:
            if current is None:
                raise UnknownOrderError(order_id)
            return refunds.refund(current, refund, when)

        state, events = self._orders.run(order_id, step)
        account_events = self._deliver_order(order_id, when)
        assert state is not None
        return Outcome(self.order(order_id) or state, events, account_events)

    def sweep(self, *, now: datetime | None = None, limit: int = 100) -> SweepReport:
        """Settle the orders whose return window has ended and finish pending deliveries.

        Args:
            now: The time to sweep at (default: the clock's).
            limit: The most orders, and separately bindings, to look at.
        """
        when = self._now(now)
        events: list[Event] = []
        settled = postings = 0
        due_orders = self._orders.store.due(when, limit=limit)
        for item in due_orders:

            def step(
                current: rec.OrderCommissions | None,
            ) -> tuple[rec.OrderCommissions | None, tuple[rec.RecordEvent, ...]]:
                if current is None:
                    return None, ()
                return rec.settle(current, rec.Settle(), when)

            state, order_events = self._orders.run(item.id, step)
            settled += sum(isinstance(e, rec.CommissionSettled) for e in order_events)
            postings += 0 if state is None else len(state.outbox)
            events.extend(order_events)
            events.extend(self._deliver_order(item.id, when))
        for binding in self._bindings.store.due(when, limit=limit):
            postings += len(binding.value.outbox)
            events.extend(self._deliver_binding(binding.id, when))
        return SweepReport(len(due_orders), settled, postings, tuple(events))

    # -- money out -------------------------------------------------------------------------

    def withdraw(
        self, promoter: str, request_id: str, amount: Money, *, now: datetime | None = None
    ) -> acc.Withdrawal:
        """Withdraw ``amount`` (fee included) from the promoter's available balance.

        Retrying with the same request id returns the first withdrawal.

        Raises:
            NotAPromoterError: the promoter has no account.
            WithdrawalRefusedError: below the minimum, or the fee takes it all.
            InsufficientBalanceError: more than is available.
            IdempotencyConflictError: the request id was used for another amount.
        """
        when = self._now(now)
        command = acc.Withdraw(request_id, amount, self.params.withdrawal)

        def step(
            current: acc.PromoterAccount | None,
        ) -> tuple[acc.PromoterAccount, tuple[acc.AccountEvent, ...]]:
            if current is None:
                raise NotAPromoterError(promoter)
            return acc.withdraw(current, command, when)

        state, _ = self._accounts.run(promoter, step)
        assert state is not None
        made = state.withdrawal(request_id)
        assert made is not None
        return made

    # -- plumbing --------------------------------------------------------------------------

    def _now(self, now: datetime | None) -> datetime:
        when = now if now is not None else self._clock()
        if when.utcoffset() is None:
            raise ValidationError.single("now", "must carry a UTC offset")
        return when

    def _post(self, posting: Posting, now: datetime) -> tuple[acc.AccountEvent, ...]:
        command = acc.ApplyPosting(posting, self.params)

        def step(
            current: acc.PromoterAccount | None,
        ) -> tuple[acc.PromoterAccount, tuple[acc.AccountEvent, ...]]:
            account = current or acc.open_account(posting.promoter, self.currency, now)
            return acc.apply_posting(account, command, now)

        _, events = self._accounts.run(posting.promoter, step)
        return events

    def _deliver(
        self, outbox: tuple[Posting, ...], now: datetime
    ) -> tuple[frozenset[str], tuple[acc.AccountEvent, ...]]:
        events: list[acc.AccountEvent] = []
        for posting in outbox:
            events.extend(self._post(posting, now))
        return frozenset(p.id for p in outbox), tuple(events)

    def _deliver_order(self, order_id: str, now: datetime) -> tuple[acc.AccountEvent, ...]:
        current = self.order(order_id)
        if current is None or not current.outbox:
            return ()
        done, events = self._deliver(current.outbox, now)
        self._orders.run(
            order_id,
            lambda s: (None, ()) if s is None else rec.delivered(s, rec.Delivered(done), now),
        )
        return events

    def _deliver_binding(self, customer: str, now: datetime) -> tuple[acc.AccountEvent, ...]:
        current = self.binding(customer)
        if current is None or not current.outbox:
            return ()
        done, events = self._deliver(current.outbox, now)
        self._bindings.run(
            customer,
            lambda s: (None, ()) if s is None else (bnd.delivered(s, done), ()),
        )
        return events
