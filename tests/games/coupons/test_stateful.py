"""A stateful test of the coupon lifecycle through the service: nothing is over-issued,
over-claimed or redeemed twice, and the store always agrees with the ledger."""

from datetime import timedelta

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from promocore.cart import Customer
from promocore.games.coupons import (
    ClaimRefusedError,
    Coupon,
    CouponRedeemed,
    CouponStateError,
    CouponStatus,
    Validity,
)
from promocore.games.coupons.accounts import issued_account, lock_key, uses_account
from promocore.games.coupons.service import CouponService
from promocore.ledger import MemoryLedger, ReservationStatus
from promocore.state import MemoryStore

from .builders import NOW, amount_template

TEMPLATES = (
    amount_template("once", "10", quantity=4, per_customer=2),
    amount_template(
        "twice", "5", quantity=3, uses_per_code=2, validity=Validity.days_after_claim(2)
    ),
)
BY_ID = {t.id: t for t in TEMPLATES}
CUSTOMERS = ("u1", "u2", "u3")
ORDERS = ("o1", "o2", "o3", "o4")
KEYS = ("k1", "k2", "k3", "k4", "k5", "k6")


class CouponLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = NOW
        self.service = CouponService(
            MemoryStore(),
            MemoryLedger(),
            TEMPLATES,
            lock_ttl=timedelta(minutes=30),
            sleep=lambda _: None,
        )
        self.codes: dict[tuple[str, str], str] = {}
        self.owners: dict[str, str] = {}
        self.paid: dict[str, set[str]] = {}

    def pick(self, data: st.DataObject, order: str) -> tuple[str, str]:
        """A code, and most often the order that holds it (if any) rather than ``order``."""
        code = data.draw(st.sampled_from(sorted(self.owners)))
        found = self.service.coupons.get(code)
        holder = found.value.locked_by if found is not None else None
        if holder is not None and data.draw(st.integers(0, 3)) > 0:
            return code, holder
        return code, order

    def coupons(self) -> list[Coupon]:
        found = (self.service.coupons.get(code) for code in self.owners)
        return [f.value for f in found if f is not None]

    @initialize()
    def first_claims(self) -> None:
        for template in sorted(BY_ID):
            self.claim(template, "u1", "k0")

    @rule(template=st.sampled_from(sorted(BY_ID)), customer=st.sampled_from(CUSTOMERS),
          key=st.sampled_from(KEYS))  # fmt: skip
    def claim(self, template: str, customer: str, key: str) -> None:
        request = f"{customer}:{key}"
        try:
            outcome = self.service.claim(template, Customer(customer), key=request, now=self.now)
        except ClaimRefusedError:
            assert (template, request) not in self.codes
            return
        code = outcome.state.code
        known = self.codes.setdefault((template, request), code)
        assert known == code, "a retried claim returns the same coupon"
        self.owners.setdefault(code, outcome.state.owner or "")
        assert self.owners[code] == outcome.state.owner

    def do_lock(self, code: str, order: str, customer: str) -> None:
        try:
            outcome = self.service.lock(code, order_id=order, customer_id=customer, now=self.now)
        except CouponStateError:
            return
        assert customer == self.owners[code]
        assert outcome.state.status is CouponStatus.LOCKED and outcome.state.locked_by == order
        event("locked")

    def do_redeem(self, code: str, order: str) -> None:
        try:
            outcome = self.service.redeem(code, order_id=order, now=self.now)
        except CouponStateError:
            assert order not in self.paid.get(code, set())
            return
        redeemed = [e for e in outcome.events if isinstance(e, CouponRedeemed)]
        event("redeemed" if redeemed else "redeem repeated")
        if order in self.paid.get(code, set()):
            assert redeemed == [], "a repeated redemption changes nothing"
        self.paid.setdefault(code, set()).add(order)
        assert order in outcome.state.orders

    @precondition(lambda self: bool(self.owners))
    @rule(data=st.data(), order=st.sampled_from(ORDERS), intruder=st.booleans())
    def lock(self, data: st.DataObject, order: str, intruder: bool) -> None:
        code = data.draw(st.sampled_from(sorted(self.owners)))
        self.do_lock(code, order, "intruder" if intruder else self.owners[code])

    @precondition(lambda self: bool(self.owners))
    @rule(data=st.data(), order=st.sampled_from(ORDERS))
    def checkout(self, data: st.DataObject, order: str) -> None:
        """Lock a coupon in an order and pay the order at once."""
        code = data.draw(st.sampled_from(sorted(self.owners)))
        self.do_lock(code, order, self.owners[code])
        self.do_redeem(code, order)

    @precondition(lambda self: bool(self.owners))
    @rule(data=st.data(), order=st.sampled_from(ORDERS))
    def redeem(self, data: st.DataObject, order: str) -> None:
        self.do_redeem(*self.pick(data, order))

    @precondition(lambda self: bool(self.owners))
    @rule(data=st.data(), order=st.sampled_from(ORDERS))
    def release(self, data: st.DataObject, order: str) -> None:
        code, order = self.pick(data, order)
        try:
            outcome = self.service.release(code, order_id=order, now=self.now)
        except CouponStateError:
            assert order in self.paid.get(code, set())
            return
        assert outcome.state.locked_by != order
        assert order not in outcome.state.orders

    @precondition(lambda self: any(self.paid.values()))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        """The order a coupon paid was refunded in full: the coupon comes back if still valid."""
        code = data.draw(st.sampled_from(sorted(c for c, orders in self.paid.items() if orders)))
        order = data.draw(st.sampled_from(sorted(self.paid[code])))
        before = self.service.get(code, now=self.now)
        outcome = self.service.restore(code, order_id=order, now=self.now)
        after = outcome.state
        if before.valid_until is not None and self.now >= before.valid_until:
            event("restore refused: expired")
            assert outcome.events == () and order in after.orders
            return
        event("restored")
        assert order not in after.orders and order in after.restored
        assert after.uses_left == before.uses_left + 1
        assert after.status is not CouponStatus.REDEEMED
        self.paid[code].discard(order)

    @rule(minutes=st.sampled_from([1, 20, 45, 60 * 24]))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self) -> None:
        for outcome in self.service.sweep(now=self.now):
            assert outcome.state.status in (CouponStatus.CLAIMED, CouponStatus.EXPIRED)

    @invariant()
    def nothing_over_issued(self) -> None:
        coupons = self.coupons()
        for template in TEMPLATES:
            mine = [c for c in coupons if c.template_id == template.id]
            assert len(mine) <= template.issue_quantity
            counted = self.service.ledger.balance(issued_account(template.id), now=self.now)
            assert counted.committed == len(mine)
            for customer in CUSTOMERS:
                owned = [c for c in mine if c.owner == customer]
                assert len(owned) <= template.per_customer

    @invariant()
    def no_double_redemption(self) -> None:
        for coupon in self.coupons():
            assert len(coupon.orders) == len(set(coupon.orders)) <= coupon.max_uses
            assert set(coupon.orders) == self.paid.get(coupon.code, set())
            subjects = [coupon.code] + [
                f"{coupon.code}~{n}" for n in range(1, 1 + len(coupon.restored))
            ]
            counted = [
                self.service.ledger.balance(uses_account(coupon.template_id), s, now=self.now)
                for s in subjects
            ]
            # uses given back stay committed under their old subject; new ones count anew
            assert sum(u.committed for u in counted) == len(coupon.orders) + len(coupon.restored)
            assert sum(u.reserved for u in counted) <= 1
            assert counted[-1].committed <= coupon.max_uses

    @invariant()
    def locks_are_held_in_the_ledger(self) -> None:
        for coupon in self.coupons():
            if coupon.status is not CouponStatus.LOCKED:
                continue
            assert coupon.locked_by is not None and coupon.locked_until is not None
            reservation = self.service.ledger.reservation(
                lock_key(coupon.lock_subject(coupon.locked_by), coupon.locked_by), now=self.now
            )
            assert reservation is not None
            lapsed = self.now >= coupon.locked_until
            assert reservation.status is (
                ReservationStatus.EXPIRED if lapsed else ReservationStatus.HELD
            )


CouponLifecycle.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCouponLifecycle = CouponLifecycle.TestCase
