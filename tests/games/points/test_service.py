"""The points service over the in-memory store."""

from datetime import timedelta

import attrs
import pytest

from promocore.games.points import (
    ActionRule,
    DailyLimitReachedError,
    Earn,
    Expiry,
    PointsExpired,
    PointsService,
    Redeem,
    StreakBonus,
)
from promocore.state import MemoryStore

from .builders import DAY, NOW, cny, program

PROGRAM = program()


def make() -> PointsService:
    rules = (ActionRule("check_in", 5, streak=(StreakBonus(2, 10),)),)
    rules_program = attrs.evolve(PROGRAM, actions=rules, expiry=Expiry(days=30))
    return PointsService(MemoryStore(), rules_program, sleep=lambda _: None)


def test_earn_spend_and_sweep() -> None:
    service = make()
    assert service.balance("u1", now=NOW) == 0
    service.apply("u1", Earn("k1", 500, expires_at=NOW + DAY), now=NOW)
    assert service.apply("u1", Earn("k1", 500, expires_at=NOW + DAY), now=NOW).events == ()
    service.apply("u1", Redeem("o1", 200, cny("50")), now=NOW)
    assert service.balance("u1", now=NOW) == 300
    outcomes = service.sweep(now=NOW + 2 * DAY)
    assert [o.events for o in outcomes] == [(PointsExpired("u1", "k1", 300, NOW + 2 * DAY),)]
    assert service.sweep(now=NOW + 3 * DAY) == []


def test_check_in_credits_once_a_day() -> None:
    service = make()
    event, outcome = service.perform("u1", "check_in", now=NOW)
    assert (event.points, outcome.state.balance(NOW)) == (5, 5)
    with pytest.raises(DailyLimitReachedError):
        service.perform("u1", "check_in", now=NOW + timedelta(hours=1))
    event, outcome = service.perform("u1", "check_in", now=NOW + DAY)
    assert (event.streak, event.points) == (2, 15)
    assert service.balance("u1", now=NOW + DAY) == 20
    lot = service.account("u1").lots[-1]
    assert lot.expires_at == NOW + DAY + timedelta(days=30)
    with pytest.raises(KeyError):
        service.perform("u1", "dance", now=NOW)
