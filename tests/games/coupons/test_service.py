"""The coupon service over the in-memory ledger and store."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from promocore.campaign import Audience, CustomerKind
from promocore.cart import Customer
from promocore.engine import price
from promocore.games.coupons import (
    ClaimLimitReachedError,
    ClaimRefusedError,
    CouponClaimed,
    CouponExpired,
    CouponLockedError,
    CouponOwnerError,
    CouponReleased,
    CouponsExhaustedError,
    CouponStateError,
    CouponStatus,
    CouponTemplate,
    UnknownCouponError,
)
from promocore.games.coupons.accounts import claims_account, issued_account, lock_key, uses_account
from promocore.games.coupons.service import CouponService
from promocore.ledger import Draw, MemoryLedger
from promocore.state import MemoryStore

from .builders import NOW, amount_template, cart, cny, line

U1, U2, U3 = Customer("u1"), Customer("u2"), Customer("u3")


def make(*templates: CouponTemplate, lock_ttl: timedelta = timedelta(minutes=30)) -> CouponService:
    return CouponService(
        MemoryStore(), MemoryLedger(), templates, lock_ttl=lock_ttl, sleep=lambda _: None
    )


def test_claim_is_idempotent_on_its_key() -> None:
    service = make(amount_template("t", "10", quantity=5, per_customer=2))
    first = service.claim("t", U1, key="k1", now=NOW)
    assert first.state.status is CouponStatus.CLAIMED and first.state.owner == "u1"
    assert any(isinstance(e, CouponClaimed) for e in first.events)
    again = service.claim("t", U1, key="k1", now=NOW + timedelta(seconds=5))
    assert again.state == first.state and again.events == ()
    assert service.ledger.balance(issued_account("t")).committed == 1
    assert [c.code for c in service.wallet("u1", now=NOW)] == [first.state.code]


def test_per_customer_limit_and_issue_quantity() -> None:
    service = make(amount_template("t", "10", quantity=3, per_customer=2))
    service.claim("t", U1, key="a", now=NOW)
    service.claim("t", U1, key="b", now=NOW)
    with pytest.raises(ClaimLimitReachedError):
        service.claim("t", U1, key="c", now=NOW)
    service.claim("t", U2, key="d", now=NOW)
    with pytest.raises(CouponsExhaustedError):
        service.claim("t", U3, key="e", now=NOW)
    assert service.ledger.balance(issued_account("t")).available == 0


def test_claim_checks_the_audience() -> None:
    service = make(amount_template("new", "10", audience=Audience(customers=CustomerKind.NEW)))
    with pytest.raises(ClaimRefusedError, match="for new customers only"):
        service.claim("new", U1, key="k", now=NOW)
    assert service.claim("new", Customer("u9", is_new=True), key="k", now=NOW).state.owner == "u9"


def test_a_crash_after_the_count_is_finished_by_the_retry() -> None:
    service = make(amount_template("t", "10", quantity=1))
    # the first attempt counted the coupon, then died before saving it
    service.ledger.reserve(
        "coupon.claim:t:k1",
        [Draw.stock(issued_account("t"), 1), Draw.use(claims_account("t"), "u1")],
        timedelta(minutes=5),
        now=NOW,
    )
    outcome = service.claim("t", U1, key="k1", now=NOW)
    assert outcome.state.owner == "u1"
    assert service.ledger.balance(issued_account("t")).committed == 1


def test_redeem_codes_issued_in_a_batch() -> None:
    service = make(amount_template("gift", "10", quantity=3))
    codes = service.issue_codes("gift", 2, key="batch-1", now=NOW)
    assert len({c.code for c in codes}) == 2
    assert all(c.status is CouponStatus.ISSUED for c in codes)
    assert service.issue_codes("gift", 2, key="batch-1", now=NOW) == codes
    with pytest.raises(CouponsExhaustedError):
        service.issue_codes("gift", 2, key="batch-2", now=NOW)
    typed = codes[0].code.lower()[:4] + "-" + codes[0].code.lower()[4:]
    claimed = service.claim_code(typed, U1, now=NOW)
    assert claimed.state.owner == "u1" and claimed.state.status is CouponStatus.CLAIMED
    assert service.claim_code(codes[0].code, U1, now=NOW).events == ()
    with pytest.raises(CouponOwnerError):
        service.claim_code(codes[0].code, U2, now=NOW)
    with pytest.raises(UnknownCouponError):
        service.claim_code("NOPE", U1, now=NOW)


def test_lock_redeem_release() -> None:
    service = make(amount_template("t", "10"))
    code = service.claim("t", U1, key="k", now=NOW).state.code
    locked = service.lock(code, order_id="o1", customer_id="u1", now=NOW)
    assert locked.state.locked_until == NOW + timedelta(minutes=30)
    assert service.lock(code, order_id="o1", customer_id="u1", now=NOW).events == ()
    with pytest.raises(CouponLockedError):
        service.lock(code, order_id="o2", customer_id="u1", now=NOW)
    released = service.release(code, order_id="o1", now=NOW)
    assert released.state.status is CouponStatus.CLAIMED
    assert released.events == (CouponReleased(code, "o1", NOW),)
    service.lock(code, order_id="o2", customer_id="u1", now=NOW)
    paid = service.redeem(code, order_id="o2", now=NOW + timedelta(minutes=1))
    assert paid.state.status is CouponStatus.REDEEMED and paid.state.orders == ("o2",)
    assert service.redeem(code, order_id="o2", now=NOW + timedelta(minutes=2)).events == ()
    with pytest.raises(CouponStateError, match="was paid with it"):
        service.release(code, order_id="o2", now=NOW)
    with pytest.raises(CouponStateError):
        service.lock(code, order_id="o3", customer_id="u1", now=NOW)
    assert service.ledger.balance(uses_account("t"), code).committed == 1


def test_an_unpaid_lock_lapses() -> None:
    service = make(amount_template("t", "10"), lock_ttl=timedelta(minutes=15))
    code = service.claim("t", U1, key="k", now=NOW).state.code
    service.lock(code, order_id="o1", customer_id="u1", now=NOW)
    late = NOW + timedelta(minutes=16)
    with pytest.raises(CouponStateError, match="expired"):
        service.redeem(code, order_id="o1", now=late)
    assert service.get(code, now=late).status is CouponStatus.CLAIMED
    assert service.lock(code, order_id="o2", customer_id="u1", now=late).state.locked_by == "o2"


def test_a_paid_order_survives_a_crash_before_the_save() -> None:
    service = make(amount_template("t", "10"), lock_ttl=timedelta(minutes=15))
    code = service.claim("t", U1, key="k", now=NOW).state.code
    service.lock(code, order_id="o1", customer_id="u1", now=NOW)
    service.ledger.commit(lock_key(code, "o1"), now=NOW + timedelta(minutes=5))  # then a crash
    after = service.get(code, now=NOW + timedelta(hours=1))
    assert after.status is CouponStatus.REDEEMED and after.orders == ("o1",)


def test_sweep_releases_lapsed_locks_and_expires_coupons() -> None:
    service = make(amount_template("t", "10"), lock_ttl=timedelta(minutes=15))
    kept = service.claim("t", U1, key="a", now=NOW).state.code
    locked = service.claim("t", U2, key="b", now=NOW).state.code
    service.lock(locked, order_id="o1", customer_id="u2", now=NOW)
    outcomes = service.sweep(now=NOW + timedelta(hours=1))
    assert [o.state.code for o in outcomes] == [locked]
    outcomes = service.sweep(now=NOW + timedelta(days=7))
    assert sorted(o.state.code for o in outcomes) == sorted([kept, locked])
    assert all(isinstance(o.events[-1], CouponExpired) for o in outcomes)
    assert service.sweep(now=NOW + timedelta(days=8)) == []


def test_campaigns_price_the_wallet() -> None:
    service = make(amount_template("t10", "10"), amount_template("t20", "20", "99"))
    service.claim("t10", U1, key="a", now=NOW)
    best = service.claim("t20", U1, key="b", now=NOW).state.code
    quote = price(cart(line("A", "120.00")), service.campaigns("u1", now=NOW))
    assert quote.total == cny("100.00")
    assert quote.applied[0].campaign == f"coupon:{best}"


def test_concurrent_claims_never_over_issue() -> None:
    service = make(amount_template("hot", "10", quantity=10))
    results: list[str] = []

    def claim(i: int) -> None:
        try:
            outcome = service.claim("hot", Customer(f"c{i}"), key=f"k{i}", now=NOW)
        except CouponsExhaustedError:
            results.append("sold out")
        else:
            results.append(outcome.state.code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(claim, range(40)))
    codes = [r for r in results if r != "sold out"]
    assert len(codes) == len(set(codes)) == 10
    assert results.count("sold out") == 30


def test_concurrent_orders_lock_a_coupon_once() -> None:
    service = make(amount_template("t", "10"))
    code = service.claim("t", U1, key="k", now=NOW).state.code
    winners: list[str] = []

    def lock(order: str) -> None:
        try:
            service.lock(code, order_id=order, customer_id="u1", now=NOW)
        except CouponStateError:
            return
        winners.append(order)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lock, [f"o{i}" for i in range(16)]))
    assert len(winners) == 1
    assert service.get(code, now=NOW).locked_by == winners[0]
