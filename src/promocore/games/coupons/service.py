"""Running coupons over a state store and a ledger, on the game runner.

The service is the imperative shell around the pure lifecycle: coupons and wallets change only
through [`Runner`][promocore.games.runtime.Runner] s of
[`COUPONS`][promocore.games.coupons.rules.COUPONS] and
[`WALLETS`][promocore.games.coupons.rules.WALLETS]; counts live in the ledger
([`promocore.games.coupons.accounts`][promocore.games.coupons.accounts]), so no template is ever
issued beyond its quantity nor claimed beyond its per-customer limit, and no code is used in more
orders than it allows, whatever runs concurrently; coupons live in the store, saved with
compare-and-set. A coupon whose order is refunded in full while it is still valid is given back
([`restore`][promocore.games.coupons.service.CouponService.restore]). Every request takes an
idempotency key (or is idempotent by nature: an order id, a code): retrying it after a crash or a
timeout finishes the work once and returns the same coupon.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from promocore.campaign import Campaign
from promocore.cart import Customer
from promocore.errors import ValidationError
from promocore.games.coupons.accounts import (
    account_specs,
    batch_key,
    claim_key,
    claims_account,
    code_claim_key,
    issued_account,
    lock_key,
    uses_account,
)
from promocore.games.coupons.codes import derive_code, normalize_code
from promocore.games.coupons.errors import (
    ClaimLimitReachedError,
    ClaimRefusedError,
    CouponLockedError,
    CouponOwnerError,
    CouponsExhaustedError,
    CouponStateError,
    UnknownCouponError,
    UnknownTemplateError,
)
from promocore.games.coupons.model import (
    CatchUp,
    Claim,
    Command,
    Coupon,
    CouponEvent,
    Lock,
    Redeem,
    Release,
    Remember,
    Restore,
)
from promocore.games.coupons.params import CouponTemplate
from promocore.games.coupons.pricing import coupon_campaigns
from promocore.games.coupons.rules import COUPONS, WALLETS, issue, issue_to, transition
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.ledger import (
    Draw,
    IdempotencyKeyReusedError,
    Ledger,
    Reservation,
    ReservationClosedError,
    ReservationRefusedError,
    ReservationStatus,
    UnknownReservationError,
)
from promocore.state import Store

#: Record kind of coupons (by code).
COUPON_KIND = COUPONS.kind
#: Record kind of the codes each customer was given (by customer id).
WALLET_KIND = WALLETS.kind
#: Most codes one batch issue may make.
MAX_BATCH = 1000
#: How many codes are tried when a derived code is taken by another request.
_CODE_ATTEMPTS = 8


#: What a request on a coupon returns.
CouponOutcome = Outcome[Coupon, CouponEvent]


class CouponService:
    """Issue, claim, lock, redeem, release and expire coupons.

    Args:
        store: Where coupons and wallets live.
        ledger: Where issue quantities, claim limits and uses are counted.
        templates: The templates to serve; more can be added with
            [`add_template`][promocore.games.coupons.service.CouponService.add_template].
        lock_ttl: How long an unpaid order may hold a coupon.
        attempts: How many times a write is tried when it keeps losing races.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every coupon event saved (see
            [`Runner`][promocore.games.runtime.Runner]).
    """

    def __init__(
        self,
        store: Store,
        ledger: Ledger,
        templates: Iterable[CouponTemplate] = (),
        *,
        lock_ttl: timedelta = timedelta(minutes=30),
        claim_ttl: timedelta = timedelta(minutes=5),
        attempts: int = 50,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.lock_ttl = lock_ttl
        self.claim_ttl = claim_ttl
        self.attempts = attempts
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.coupons = Runner(store, COUPONS, retry=retry, observer=observer)
        self.wallets = Runner(store, WALLETS, retry=retry)
        self._templates: dict[str, CouponTemplate] = {}
        for template in templates:
            self.add_template(template)

    # -- templates ---------------------------------------------------------------------------

    def add_template(self, template: CouponTemplate) -> None:
        """Serve ``template`` and define its ledger accounts (kept if they exist).

        Raising an issue quantity later goes through the ledger's ``top_up``.
        """
        for spec in account_specs(template):
            self.ledger.define(spec)
        self._templates[template.id] = template

    def template(self, template_id: str) -> CouponTemplate:
        """The template ``template_id``.

        Raises:
            UnknownTemplateError: it is not served.
        """
        try:
            return self._templates[template_id]
        except KeyError:
            raise UnknownTemplateError(f"no coupon template {template_id!r}") from None

    @property
    def templates(self) -> tuple[CouponTemplate, ...]:
        """Every template served."""
        return tuple(self._templates.values())

    # -- handing coupons out -----------------------------------------------------------------

    def claim(
        self, template_id: str, customer: Customer, *, key: str, now: datetime
    ) -> CouponOutcome:
        """Give ``customer`` a new coupon of ``template_id`` (领券).

        Args:
            template_id: The template.
            customer: Who claims; the template's audience is checked.
            key: Idempotency key of this request: the same key returns the same coupon.
            now: The moment.

        Raises:
            ClaimRefusedError: outside the claim window or the audience.
            ClaimLimitReachedError: the customer holds the most allowed.
            CouponsExhaustedError: the issue quantity is used up.
            IdempotencyKeyReusedError: ``key`` already named a claim by another customer.
        """
        template = self.template(template_id)
        refusal = template.refusal(customer, now)
        if refusal is not None:
            raise ClaimRefusedError(f"{template.name}: {refusal}")
        draws = [
            Draw.stock(issued_account(template.id), 1),
            Draw.use(claims_account(template.id), customer.id),
        ]
        return self._give(template, customer.id, key, draws, now)

    def grant(
        self, template_id: str, customer_id: str, *, key: str, now: datetime
    ) -> CouponOutcome:
        """Give ``customer_id`` a coupon as a reward (invites, check-in prizes).

        Counts against the issue quantity, but not the claim window, audience or
        per-customer claim limit.

        Raises:
            CouponsExhaustedError: the issue quantity is used up.
        """
        template = self.template(template_id)
        draws = [Draw.stock(issued_account(template.id), 1)]
        return self._give(template, customer_id, key, draws, now)

    def issue_codes(
        self, template_id: str, count: int, *, key: str, now: datetime
    ) -> tuple[Coupon, ...]:
        """Issue ``count`` codes nobody holds yet, to hand out as redeem codes (兑换码).

        Raises:
            ValidationError: ``count`` is not between 1 and
                [`MAX_BATCH`][promocore.games.coupons.service.MAX_BATCH].
            CouponsExhaustedError: fewer than ``count`` coupons may still be issued.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
            raise ValidationError.single("count", f"must be between 1 and {MAX_BATCH}")
        template = self.template(template_id)
        rkey = batch_key(template.id, key)
        self._settle_reservation(rkey, [Draw.stock(issued_account(template.id), count)], now)
        coupons = []
        for i in range(count):
            origin = f"{rkey}#{i}"

            def make(code: str, origin: str = origin) -> tuple[Coupon, tuple[CouponEvent, ...]]:
                return issue(template, code, origin, now)

            coupons.append(self._create(template.id, origin, make).state)
        return tuple(coupons)

    def claim_code(self, code: str, customer: Customer, *, now: datetime) -> CouponOutcome:
        """Give the issued code ``code`` to ``customer`` (the customer types it in).

        Raises:
            UnknownCouponError: no coupon has this code.
            CouponOwnerError: another customer claimed it.
            ClaimRefusedError: the customer is outside the template's audience.
            ClaimLimitReachedError: the customer holds the most allowed.
        """
        coupon = self.get(normalize_code(code), now=now)
        template = self.template(coupon.template_id)
        if coupon.owner == customer.id:
            self._remember(customer.id, coupon.code)
            return Outcome(id=coupon.code, state=coupon)
        transition(coupon, Claim(customer.id), now)
        mismatch = template.audience.mismatch(customer)
        if mismatch is not None:
            raise ClaimRefusedError(f"{template.name}: {mismatch}")
        draws = [Draw.use(claims_account(template.id), customer.id)]
        try:
            self._settle_reservation(code_claim_key(coupon.code), draws, now)
        except IdempotencyKeyReusedError:
            raise CouponOwnerError(coupon.code, coupon.status.value, "claimed by another") from None
        outcome = self._move(coupon.code, Claim(customer.id), now)
        self._remember(customer.id, coupon.code)
        return outcome

    # -- reading -----------------------------------------------------------------------------

    def find(self, code: str, *, now: datetime) -> Coupon | None:
        """The coupon ``code`` as of ``now``, or ``None``.

        A coupon that fell behind is brought up to date (and saved): a lapsed lock
        is released, a lock the ledger shows paid is redeemed, and a coupon past
        its window is expired.
        """
        found = self.coupons.get(code)
        if found is None:
            return None
        current, events = transition(found.value, self._catch_up(found.value, now), now)
        if not events:
            return current
        return self._move(code, None, now).state

    def get(self, code: str, *, now: datetime) -> Coupon:
        """The coupon ``code`` as of ``now``.

        Raises:
            UnknownCouponError: no coupon has this code.
        """
        coupon = self.find(code, now=now)
        if coupon is None:
            raise UnknownCouponError(f"no coupon with code {code!r}")
        return coupon

    def wallet(self, customer_id: str, *, now: datetime) -> tuple[Coupon, ...]:
        """Every coupon given to ``customer_id``, as of ``now``, oldest first."""
        found = self.wallets.get(customer_id)
        if found is None:
            return ()
        coupons = (self.find(code, now=now) for code in found.value.codes)
        return tuple(c for c in coupons if c is not None)

    def campaigns(
        self, customer_id: str, *, now: datetime, order_id: str | None = None
    ) -> tuple[Campaign, ...]:
        """The campaigns that price ``customer_id``'s coupons (see `coupon_campaigns`)."""
        return coupon_campaigns(
            self._templates,
            self.wallet(customer_id, now=now),
            customer_id=customer_id,
            order_id=order_id,
        )

    # -- using -------------------------------------------------------------------------------

    def lock(self, code: str, *, order_id: str, customer_id: str, now: datetime) -> CouponOutcome:
        """Hold ``code`` in the unpaid order ``order_id`` until it is paid or cancelled.

        The lock lapses after ``lock_ttl`` unless
        [`redeem`][promocore.games.coupons.service.CouponService.redeem] is called first.

        Raises:
            CouponStateError: the coupon cannot be used in the order; a subclass
                says why (another order holds it, outside its window, another owner).
        """
        coupon = self.get(code, now=now)
        transition(coupon, Lock(order_id, customer_id), now)
        template = self.template(coupon.template_id)
        subject = coupon.lock_subject(order_id)
        rkey = lock_key(subject, order_id)
        try:
            reservation = self.ledger.reserve(
                rkey, [Draw.use(uses_account(template.id), subject)], self.lock_ttl, now=now
            )
        except ReservationRefusedError:
            raise CouponLockedError(
                code, coupon.status.value, "held by another unpaid order"
            ) from None
        if reservation.status is not ReservationStatus.HELD:
            raise CouponStateError(
                code, coupon.status.value, f"order {order_id} already held it once; its lock ended"
            )
        try:
            lock = Lock(order_id, customer_id, reservation.expires_at, subject)
            return self._move(code, lock, now)
        except Exception:
            self.ledger.release(rkey, now=now)
            raise

    def redeem(self, code: str, *, order_id: str, now: datetime) -> CouponOutcome:
        """Use ``code`` for good: ``order_id`` was paid.

        Raises:
            CouponStateError: the order does not hold the coupon, or its lock lapsed.
        """
        stored = self.coupons.find(code)
        if stored is None:
            raise UnknownCouponError(f"no coupon with code {code!r}")
        if order_id in stored.orders:  # redeemed already: the ledger committed it then
            return self._move(code, Redeem(order_id), now)
        rkey = lock_key(stored.lock_subject(order_id), order_id)
        try:
            self.ledger.commit(rkey, now=now)
        except UnknownReservationError:
            coupon = self.get(code, now=now)
            raise CouponStateError(
                code, coupon.status.value, f"order {order_id} does not hold it"
            ) from None
        except ReservationClosedError as error:
            coupon = self.get(code, now=now)
            raise CouponStateError(
                code, coupon.status.value, f"the lock of order {order_id} {error.status.value}"
            ) from None
        return self._move(code, Redeem(order_id), now)

    def release(self, code: str, *, order_id: str, now: datetime) -> CouponOutcome:
        """Give ``code`` back from ``order_id`` (cancelled, or not paid).

        Raises:
            CouponStateError: the order was paid with it.
        """
        stored = self.coupons.find(code)
        subject = stored.lock_subject(order_id) if stored is not None else code
        try:
            self.ledger.release(lock_key(subject, order_id), now=now)
        except UnknownReservationError:
            pass
        except ReservationClosedError:
            coupon = self.get(code, now=now)
            raise CouponStateError(
                code, coupon.status.value, f"order {order_id} was paid with it"
            ) from None
        return self._move(code, Release(order_id), now)

    def restore(self, code: str, *, order_id: str, now: datetime) -> CouponOutcome:
        """Give ``code`` back to its owner: ``order_id``, which used it, was refunded in full.

        Call it when the last of the order's units came back (or the whole order was
        refunded); a partial return keeps the coupon used. A coupon past its validity window
        is not given back (nothing changes, no event). Restoring again for the same order
        changes nothing. Its next use counts under a new ledger subject
        ([`uses_subject`][promocore.games.coupons.model.Coupon.uses_subject]).

        Raises:
            UnknownCouponError: no coupon has this code.
            CouponStateError: the order did not use it.
        """
        return self._move(code, Restore(order_id), now)

    def sweep(self, *, now: datetime, limit: int = 100) -> list[CouponOutcome]:
        """Release lapsed locks and expire coupons past their window; up to ``limit``.

        Safe to run from several processes at once.
        """
        return self.coupons.sweep(now=now, limit=limit, command=self._catch_up)

    # -- the shell ---------------------------------------------------------------------------

    def _give(
        self,
        template: CouponTemplate,
        customer_id: str,
        key: str,
        draws: Sequence[Draw],
        now: datetime,
    ) -> CouponOutcome:
        rkey = claim_key(template.id, key)
        self._settle_reservation(rkey, draws, now)

        def make(code: str) -> tuple[Coupon, tuple[CouponEvent, ...]]:
            return issue_to(template, code, customer_id, rkey, now)

        outcome = self._create(template.id, rkey, make)
        if outcome.state.owner != customer_id:
            raise CouponOwnerError(
                outcome.state.code, outcome.state.status.value, f"key {key!r} served another"
            )
        self._remember(customer_id, outcome.state.code)
        return outcome

    def _settle_reservation(self, rkey: str, draws: Sequence[Draw], now: datetime) -> Reservation:
        """Reserve and commit ``draws`` under ``rkey``, or find them committed by a retry."""
        try:
            reservation = self.ledger.reserve(rkey, draws, self.claim_ttl, now=now)
        except ReservationRefusedError as refused:
            accounts = {shortfall.account for shortfall in refused.shortfalls}
            if any(a.startswith("coupon.issued:") for a in accounts):
                raise CouponsExhaustedError("every coupon of the template was issued") from None
            raise ClaimLimitReachedError("the customer holds as many as allowed") from None
        if reservation.status is ReservationStatus.HELD:
            reservation = self.ledger.commit(rkey, now=now)
        if reservation.status is not ReservationStatus.COMMITTED:
            raise ClaimRefusedError(
                f"request {rkey!r} lapsed before it finished; retry with a new key"
            )
        return reservation

    def _create(
        self,
        template_id: str,
        origin: str,
        make: Callable[[str], tuple[Coupon, tuple[CouponEvent, ...]]],
    ) -> CouponOutcome:
        """Store the coupon ``origin`` makes, or return the one a retry already stored."""
        for attempt in range(_CODE_ATTEMPTS):
            code = derive_code(template_id, origin, attempt)
            found = self.coupons.find(code)
            if found is None:
                coupon, events = make(code)
                outcome = self.coupons.create(code, coupon, events)
                if not outcome.replayed:
                    return outcome
                found = outcome.state
            if found.origin == origin:
                return Outcome(id=code, state=found, replayed=True)
        raise CouponStateError("", "issued", f"no free code found for {origin!r}")

    def _remember(self, customer_id: str, code: str) -> None:
        self.wallets.apply(customer_id, Remember(code), now=self.wallets.now())

    def _catch_up(self, coupon: Coupon, now: datetime) -> CatchUp:
        """What brings ``coupon`` up to date: its lock's order, if the ledger shows it paid."""
        if coupon.locked_by is not None:
            rkey = lock_key(coupon.lock_subject(coupon.locked_by), coupon.locked_by)
            reservation = self.ledger.reservation(rkey, now=now)
            if reservation is not None and reservation.status is ReservationStatus.COMMITTED:
                return CatchUp(paid=coupon.locked_by)
        return CatchUp()

    def _move(self, code: str, command: Command | None, now: datetime) -> CouponOutcome:
        """Catch the coupon up, apply ``command`` (if any) and save, retrying races."""

        def choose(coupon: Coupon) -> tuple[Command, ...]:
            catch_up = self._catch_up(coupon, now)
            return (catch_up,) if command is None else (catch_up, command)

        return self.coupons.apply_with(code, choose, now=now)
