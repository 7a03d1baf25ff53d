"""Bargain refs are verified: against the campaign's terms while pricing, the store at checkout."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine
from promocore.errors import RefRefusedError, ValidationError
from promocore.games.bargain import BargainService, SessionSnapshot, Status
from promocore.money import Money
from promocore.state import MemoryStore
from tests.games.bargain.builders import T0, campaign, cny, minutes, terms

KAN = campaign()
LATER = T0 + minutes(30)


def no_sleep(_: float) -> None:
    pass


def forged_snapshot(**claims: object) -> dict[str, str]:
    honest = SessionSnapshot(
        session_id="s1",
        activity="kan",
        initiator="ann",
        sku="tea",
        status=Status.SUCCEEDED,
        price=cny("9.90"),
        floor=cny("9.90"),
        expires_at=T0 + minutes(60 * 24),
        helps_left=0,
        buy_above_floor=False,
    )
    return attrs.evolve(honest, **claims).refs()  # type: ignore[arg-type]


def priced(refs: dict[str, str], list_price: str = "99.00") -> Cart:
    return Cart("CNY", (LineItem("tea", cny(list_price), 1, refs=refs),), Customer("ann"))


def test_a_snapshot_below_the_floor_is_refused_while_pricing() -> None:
    # A ¥99 item at ¥0.01 under a floor of ¥9.90: refused, not priced.
    cart = priced(forged_snapshot(price=cny("0.01")))
    with pytest.raises(RefRefusedError) as refused:
        Engine([KAN]).price(cart, at=LATER)
    [problem] = refused.value.problems
    assert problem.path == "lines[0].refs.bargain.price"
    assert "¥0.01, below the campaign's floor ¥9.90" in problem.message
    assert isinstance(refused.value, ValidationError) and isinstance(refused.value, ValueError)


def test_a_snapshot_that_moves_the_floor_is_refused() -> None:
    cart = priced(forged_snapshot(price=cny("0.01"), floor=cny("0.01")))
    with pytest.raises(RefRefusedError) as refused:
        Engine([KAN]).price(cart, at=LATER)
    paths = [p.path for p in refused.value.problems]
    assert paths == ["lines[0].refs.bargain.price", "lines[0].refs.bargain.floor"]


def test_a_snapshot_claiming_to_sell_above_the_floor_is_refused() -> None:
    cart = priced(forged_snapshot(status=Status.STARTED, price=cny("50.00"), buy_above_floor=True))
    with pytest.raises(RefRefusedError, match="sells only at the floor"):
        Engine([KAN]).price(cart, at=LATER)


def test_a_succeeded_snapshot_off_its_floor_is_refused() -> None:
    cart = priced(forged_snapshot(price=cny("20.00")))
    with pytest.raises(RefRefusedError, match="not at the floor"):
        Engine([KAN]).price(cart, at=LATER)


def test_an_honest_snapshot_prices_at_the_floor() -> None:
    quote = Engine([KAN]).price(priced(forged_snapshot()), at=LATER)
    assert quote.total == cny("9.90")


@pytest.fixture
def service() -> BargainService:
    service = BargainService(MemoryStore(), sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")
    for helper in ("bo", "cy", "di"):
        service.help("s1", helper, now=T0 + minutes(1))
    return service


def test_checkout_accepts_the_stored_session(service: BargainService) -> None:
    cart = service.annotate(priced({"bargain": "s1"}))
    assert Engine([KAN]).price(cart, at=LATER).total == cny("9.90")
    service.verify(cart, now=LATER)


def test_checkout_refuses_a_session_that_does_not_exist(service: BargainService) -> None:
    # The snapshot agrees with the terms, so pricing alone cannot tell.
    cart = priced(forged_snapshot(session_id="ghost"))
    assert Engine([KAN]).price(cart, at=LATER).total == cny("9.90")
    with pytest.raises(RefRefusedError, match="no bargain session 'ghost' exists"):
        service.verify(cart, now=LATER)


def test_checkout_refuses_another_customers_session(service: BargainService) -> None:
    cart = attrs.evolve(service.annotate(priced({"bargain": "s1"})), customer=Customer("eve"))
    with pytest.raises(RefRefusedError, match="started by ann, not eve"):
        service.verify(cart, now=LATER)


def test_checkout_refuses_a_session_that_cannot_be_ordered(service: BargainService) -> None:
    cart = service.annotate(priced({"bargain": "s1"}))
    service.order("s1", "o-1", "ann", now=LATER)
    with pytest.raises(RefRefusedError) as refused:
        service.verify(cart, now=LATER)
    messages = [p.message for p in refused.value.problems]
    assert "session s1 is ordered and cannot be ordered now" in messages[0]
    assert "not the session as stored" in messages[1]


def test_checkout_refuses_a_snapshot_the_store_does_not_hold() -> None:
    service = BargainService(MemoryStore(), sleep=no_sleep)
    service.start(KAN, "ann", now=T0, session_id="s1")  # started, not at the floor
    cart = priced(forged_snapshot())  # claims it succeeded
    with pytest.raises(RefRefusedError) as refused:
        service.verify(cart, now=LATER)
    assert [p.path for p in refused.value.problems] == [
        "lines[0].refs.bargain",
        "lines[0].refs.bargain.price",
    ]


@settings(max_examples=40, deadline=None)
@given(cents=st.integers(0, 20_000), above_floor=st.booleans())
def test_no_snapshot_prices_below_the_floor_or_above_the_start(
    cents: int, above_floor: bool
) -> None:
    activity = campaign(terms(buy_above_floor=above_floor))
    claimed = Money(cents, "CNY")
    status = Status.STARTED if above_floor else Status.SUCCEEDED
    refs = forged_snapshot(price=claimed, status=status, buy_above_floor=above_floor)
    cart = priced(refs)
    honest = cny("9.90") <= claimed <= cny("100") and (above_floor or claimed == cny("9.90"))
    if not honest:
        with pytest.raises(RefRefusedError):
            Engine([activity]).price(cart, at=LATER)
        return
    quote = Engine([activity]).price(cart, at=LATER)
    assert quote.total == claimed.min(cny("99.00"))
