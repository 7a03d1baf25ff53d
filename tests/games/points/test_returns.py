"""Returns of some units of an order paid partly with points: their share of the points."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.games.points import (
    Earn,
    PointsClawedBack,
    PointsReturned,
    PointsService,
    Redeem,
    return_refund,
)
from promocore.money import Money
from promocore.state import MemoryStore

from .builders import NOW, cny, program


def test_returning_one_of_three_units_gives_back_a_third_of_the_points() -> None:
    points = PointsService(MemoryStore(), program(), sleep=lambda _: None)
    points.apply("u1", Earn("gift", 2_000), now=NOW)
    points.apply("u1", Redeem("o1", 900, cny("300")), now=NOW)  # ¥9 of a ¥300 order
    earned = Earn("order:o1", 291, order_id="o1", basis=cny("300"))
    points.apply("u1", earned, now=NOW)
    outcome = points.return_units("u1", "o1", "ret-1", units=1, quantity=3, now=NOW)
    assert PointsReturned("u1", "o1", 300, 0, NOW) in outcome.events
    assert PointsClawedBack("u1", "o1", 97, 97, NOW) in outcome.events
    again = points.return_units("u1", "o1", "ret-1", units=1, quantity=3, now=NOW)
    assert again.replayed and again.events == ()
    rest = points.return_units("u1", "o1", "ret-2", units=2, quantity=3, returned=1, now=NOW)
    returned = [e for e in rest.events if isinstance(e, PointsReturned)]
    assert [e.points for e in returned] == [600]  # all 900 used are back
    account = rest.state
    assert account.redemption("o1").returned == 900  # type: ignore[union-attr]
    assert account.lot("order:o1").clawed == 291  # type: ignore[union-attr]


def test_an_order_without_points_changes_nothing() -> None:
    points = PointsService(MemoryStore(), program(), sleep=lambda _: None)
    outcome = points.return_units("u1", "o9", "ret-1", units=1, quantity=1, now=NOW)
    assert outcome.events == () and outcome.version == 0


@settings(max_examples=50, deadline=None)
@given(
    used=st.integers(1, 5_000),
    basis=st.integers(1, 10**7),
    quantity=st.integers(1, 6),
    data=st.data(),
)
def test_points_come_back_in_the_returned_share_and_all_at_the_end(
    used: int, basis: int, quantity: int, data: st.DataObject
) -> None:
    points = PointsService(MemoryStore(), program(), sleep=lambda _: None)
    points.apply("u1", Earn("gift", used), now=NOW)
    points.apply("u1", Redeem("o1", used, Money(basis, "CNY")), now=NOW)
    returned, back, value, n = 0, 0, 0, 0
    while returned < quantity:
        units = data.draw(st.integers(1, quantity - returned))
        n += 1
        refund = return_refund(
            points.account("u1"), "o1", f"r-{n}", units=units, quantity=quantity, returned=returned
        )
        value += 0 if refund is None else refund.refunded.amount
        outcome = points.return_units(
            "u1", "o1", f"r-{n}", units=units, quantity=quantity, returned=returned, now=NOW
        )
        returned += units
        back += sum(e.points for e in outcome.events if isinstance(e, PointsReturned))
        assert value * quantity <= returned * basis  # the returned units' share of the value
        assert back * quantity <= returned * used  # and of the points
    assert back == used and points.balance("u1", now=NOW) == used
