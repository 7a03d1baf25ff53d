"""Group-buy lines are checked against the stored teams at checkout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from groupbuy_builders import NOW, campaign, cny
from promocore_groupbuy import GroupBuyService, group_buy_line

from promocore import Cart, Customer, Engine, RefRefusedError
from promocore.state import MemoryStore

GB = campaign()


def cart(customer: str, team: str | None, sku: str = "tea", quantity: int = 1) -> Cart:
    line = group_buy_line(GB.id, sku, cny("99.00"), quantity, team=team)
    return Cart("CNY", (line,), Customer(customer), NOW)


@pytest.fixture
def service() -> GroupBuyService:
    service = GroupBuyService(MemoryStore(), sleep=lambda _: None)
    service.open(GB, "tea", "ann", now=NOW, team_id="t1")
    return service


def test_a_line_joining_an_open_team_passes(service: GroupBuyService) -> None:
    joining = cart("bo", "t1")
    assert Engine([GB]).price(joining).total == cny("59.00")
    service.verify(joining, now=NOW)
    service.verify(cart("bo", None), now=NOW)  # bo may open a team of his own


def test_a_team_that_does_not_exist_is_refused(service: GroupBuyService) -> None:
    forged = cart("bo", "t-404")
    assert Engine([GB]).price(forged).total == cny("59.00")  # pricing cannot tell
    with pytest.raises(RefRefusedError) as refused:
        service.verify(forged, now=NOW)
    [problem] = refused.value.problems
    assert problem.path == "lines[0].refs.group_buy.team"
    assert problem.message == "no team 't-404' in group buy 'gb-618'"


def test_a_team_that_cannot_take_the_customer_is_refused(service: GroupBuyService) -> None:
    with pytest.raises(RefRefusedError, match="team t1 cannot take ann"):
        service.verify(cart("ann", "t1"), now=NOW)  # already its leader
    with pytest.raises(RefRefusedError, match="team t1 cannot take bo"):
        service.verify(cart("bo", "t1"), now=NOW + timedelta(minutes=61))  # expired
    with pytest.raises(RefRefusedError, match="buys tea, not cup"):
        service.verify(cart("bo", "t1", sku="cup"), now=NOW)


def test_opening_a_second_team_at_the_leader_price_is_refused(service: GroupBuyService) -> None:
    with pytest.raises(RefRefusedError, match="ann is already in open team t1"):
        service.verify(cart("ann", None), now=NOW)
