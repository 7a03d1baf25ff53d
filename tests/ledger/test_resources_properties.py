"""Properties: whatever orders come, stale or fresh, paid or cancelled, no cap is passed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.cart import Cart, Customer, LineItem
from promocore.counted import FatigueCap, Period
from promocore.engine import Engine
from promocore.ledger import MemoryLedger, Resources, give_back
from promocore.ledger.checkout import checkout
from promocore.money import Money
from promocore.quote import Quote
from tests.core.builders import cny
from tests.ledger.test_resources import AT, DAILY, FIRST, GIFT, LOYAL, ONCE

CAMPAIGNS = (GIFT, FIRST, ONCE, DAILY, LOYAL)
ENGINE = Engine(CAMPAIGNS)

orders = st.lists(
    st.tuples(
        st.sampled_from(["c-0", "c-1", "c-2"]),  # customer
        st.integers(min_value=1, max_value=3),  # quantity
        st.sampled_from(["40.00", "60.00", "150.00"]),  # unit price
        st.integers(min_value=0, max_value=1),  # day
        st.booleans(),  # priced stale (nothing read) or with a pre-read
        st.booleans(),  # cancelled instead of paid
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=25, deadline=None)
@given(orders=orders, fatigue=st.sampled_from([None, 1, 2]))
def test_no_order_sequence_passes_a_declared_cap(
    orders: list[tuple[str, int, str, int, bool, bool]], fatigue: int | None
) -> None:
    cap = FatigueCap(Period.DAY, campaigns=fatigue) if fatigue is not None else None
    resources = Resources(CAMPAIGNS, fatigue=cap)
    ledger = MemoryLedger()
    resources.define(ledger)
    paid: list[tuple[str, int, Quote]] = []
    for n, (customer, quantity, price, day, stale, cancel) in enumerate(orders):
        at = AT + timedelta(days=day)
        cart = Cart("CNY", [LineItem("tea", cny(price), quantity)], Customer(customer), at)
        if stale:
            quote = ENGINE.price(cart)
        else:
            quote = ENGINE.price(
                cart, budgets=resources.remaining(ledger, at=at, customer=customer)
            )

        def reprice(left: Mapping[str, Money], cart: Cart = cart) -> Quote:
            return ENGINE.price(cart, budgets=left)

        key = f"o-{n}"
        done = checkout(ledger, key, quote, reprice, resources=resources, customer=customer)
        again = checkout(ledger, key, quote, reprice, resources=resources, customer=customer)
        assert (again.quote, again.repriced) == (done.quote, done.repriced)  # never twice
        if not stale:
            assert not done.repriced  # nothing changed since the pre-read
        if done.reservation is None:
            continue
        if cancel:
            give_back(ledger, key, "cancel", done.quote, resources)
        else:
            ledger.commit(key)
            paid.append((customer, day, done.quote))

    mugs = sum(line.quantity for _, _, q in paid for line in q.lines if line.gift_of == "gift")
    assert mugs <= 2 and ledger.balance("gift:gift:mug").committed == mugs
    firsts = [q.applied_amount("first") for _, _, q in paid if q.applied_amount("first")]
    assert len(firsts) <= 5
    assert sum(m.amount for m in firsts) == ledger.balance("budget:first").committed <= 2_700
    once = Counter(c for c, _, q in paid if q.applied_amount("once"))
    assert set(once.values()) <= {1}
    loyal: defaultdict[str, int] = defaultdict(int)
    for customer, _, q in paid:
        loyal[customer] += q.applied_amount("loyal").amount
    assert all(value <= 1_200 for value in loyal.values())
    daily = Counter(day for _, day, q in paid if q.applied_amount("daily"))
    assert all(count <= 2 for count in daily.values())
    if fatigue is not None:
        received: Counter[tuple[str, int]] = Counter()
        for customer, day, q in paid:
            received[(customer, day)] += len(q.applied)
        assert all(count <= fatigue for count in received.values())
