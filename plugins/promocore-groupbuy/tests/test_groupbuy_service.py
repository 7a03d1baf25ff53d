from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from groupbuy_builders import NOW, SHARE_60, campaign, cny
from promocore_groupbuy import (
    AlreadyInOpenTeamError,
    AlreadyMemberError,
    GroupBuyService,
    IdempotencyConflictError,
    LimitReachedError,
    MemberRefunded,
    TeamCompleted,
    TeamExpired,
    TeamExpiredError,
    TeamFullError,
    TeamNotFoundError,
    TeamStatus,
)
from promocore_groupbuy.model import Claim

from promocore.state import MemoryStore, Store
from promocore.state.sqlite import SqliteStore

LATER = NOW + timedelta(minutes=61)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = (
        MemoryStore()
        if request.param == "memory"
        else SqliteStore(tmp_path / "groupbuy.sqlite3", durable=False)
    )
    yield opened
    opened.close()


def service(store: Store) -> GroupBuyService:
    return GroupBuyService(store, sleep=lambda _: None)


def test_a_team_fills_up_and_succeeds(store: Store) -> None:
    gb = service(store)
    c = campaign()
    opened = gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    assert opened.state.leader.paid == cny("49.00")
    gb.join(c, "t1", "bo", now=NOW, join_id="o-bo")
    done = gb.join(c, "t1", "cy", 2, now=NOW, join_id="o-cy")
    assert done.state.status is TeamStatus.FULL
    assert done.events[-1] == TeamCompleted("t1", 3)
    assert gb.team("t1") == done.state
    with pytest.raises(TeamFullError):
        gb.join(c, "t1", "di", now=NOW, join_id="o-di")


def test_every_call_can_be_retried(store: Store) -> None:
    gb = service(store)
    c = campaign()
    first = gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    reopened = gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    assert (reopened.state, reopened.events) == (first.state, ())
    joined = gb.join(c, "t1", "bo", now=NOW, join_id="o-bo")
    again = gb.join(c, "t1", "bo", now=NOW, join_id="o-bo")
    assert again.state == joined.state and again.events == ()
    with pytest.raises(IdempotencyConflictError):
        gb.open(c, "cup", "ann", now=NOW, team_id="t1")
    with pytest.raises(IdempotencyConflictError):
        gb.join(c, "t1", "cy", now=NOW, join_id="o-bo")


def test_a_customer_is_in_one_open_team_of_an_activity(store: Store) -> None:
    gb = service(store)
    c = campaign()
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    gb.open(c, "tea", "bo", now=NOW, team_id="t2")
    with pytest.raises(AlreadyInOpenTeamError):
        gb.join(c, "t2", "ann", now=NOW, join_id="o1")
    with pytest.raises(AlreadyInOpenTeamError):
        gb.open(c, "cup", "ann", now=NOW, team_id="t3")
    with pytest.raises(AlreadyMemberError):
        gb.join(c, "t1", "ann", now=NOW, join_id="o2")
    other = campaign(id="gb-other")
    gb.open(other, "tea", "ann", now=NOW, team_id="t4")  # another activity is fine
    open_team = gb.open_team_of(c.id, "ann", now=NOW)
    assert open_team is not None and open_team.id == "t1"


def test_once_a_team_is_full_its_members_may_join_another(store: Store) -> None:
    gb = service(store)
    c = campaign(team_size=2)
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    gb.join(c, "t1", "bo", now=NOW, join_id="o1")
    assert gb.open_team_of(c.id, "ann", now=NOW) is None
    gb.open(c, "tea", "ann", now=NOW, team_id="t2")


def test_the_per_customer_limit_counts_units_over_teams(store: Store) -> None:
    gb = service(store)
    c = campaign(team_size=2, per_customer_limit=3)
    gb.open(c, "tea", "ann", 2, now=NOW, team_id="t1")
    gb.join(c, "t1", "bo", now=NOW, join_id="o1")
    gb.open(c, "tea", "cy", now=NOW, team_id="t2")
    with pytest.raises(LimitReachedError):
        gb.join(c, "t2", "ann", 2, now=NOW, join_id="o2")
    gb.join(c, "t2", "ann", 1, now=NOW, join_id="o3")


def test_a_refused_join_gives_its_claim_back(store: Store) -> None:
    gb = service(store)
    c = campaign(per_customer_limit=1)
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    with pytest.raises(TeamExpiredError):
        gb.join(c, "t1", "bo", now=LATER, join_id="o1")
    gb.open(c, "tea", "bo", now=NOW, team_id="t2")  # bo's limit and open team are free


def test_a_sweep_refunds_expired_teams_and_frees_their_members(store: Store) -> None:
    gb = service(store)
    c = campaign(per_customer_limit=1)
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    gb.join(c, "t1", "bo", now=NOW, join_id="o-bo")
    assert gb.sweep(now=NOW + timedelta(minutes=59)) == []
    swept = gb.sweep(now=LATER)
    events = [e for outcome in swept for e in outcome.events]
    assert events == [
        TeamExpired("t1", 2, cny("108.00")),
        MemberRefunded("t1", "ann", "t1", cny("49.00")),
        MemberRefunded("t1", "bo", "o-bo", cny("59.00")),
    ]
    assert gb.team("t1").status is TeamStatus.REFUNDED
    assert gb.sweep(now=LATER + timedelta(hours=1)) == []
    gb.open(c, "tea", "bo", now=LATER, team_id="t2")  # the refund gave bo's unit back


def test_a_sweep_completes_a_team_with_enough_members_virtually(store: Store) -> None:
    gb = service(store)
    c = campaign(team_size=5, virtual_share=SHARE_60)
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    for who in ("bo", "cy"):
        gb.join(c, "t1", who, now=NOW, join_id=f"o-{who}")
    [outcome] = gb.sweep(now=LATER)
    assert outcome.events == (TeamCompleted("t1", 3, fillers=2, virtual=True),)
    assert gb.team("t1").status is TeamStatus.FULL


def test_a_team_of_another_campaign_is_not_found(store: Store) -> None:
    gb = service(store)
    gb.open(campaign(), "tea", "ann", now=NOW, team_id="t1")
    with pytest.raises(TeamNotFoundError):
        gb.join(campaign(id="gb-other"), "t1", "bo", now=NOW)
    with pytest.raises(TeamNotFoundError):
        gb.team("missing")


def test_a_claim_stopped_halfway_holds_the_customer_only_for_a_grace_period(
    store: Store,
) -> None:
    gb = service(store)
    c = campaign()
    gb.open(c, "tea", "ann", now=NOW, team_id="t1")
    # bo's join was claimed, then the process stopped before the team was saved
    gb._claim(c, c.params, "bo", _claim("o1", "t1"), NOW)
    with pytest.raises(AlreadyInOpenTeamError):
        gb.open(c, "tea", "bo", now=NOW + timedelta(minutes=1), team_id="t2")
    gb.open(c, "tea", "bo", now=NOW + timedelta(minutes=6), team_id="t2")


def _claim(join_id: str, team: str) -> Claim:
    return Claim(join_id, team, 1, NOW)


def test_concurrent_joins_never_overfill_a_team(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    c = campaign(team_size=4)
    first = SqliteStore(path, durable=False)
    GroupBuyService(first).open(c, "tea", "ann", now=NOW, team_id="t")
    outcomes: list[str] = []
    lock = threading.Lock()

    def join(customer: str) -> None:
        opened = SqliteStore(path, durable=False)
        try:
            GroupBuyService(opened).join(c, "t", customer, now=NOW, join_id=f"o-{customer}")
            result = "joined"
        except TeamFullError as error:
            result = type(error).__name__
        finally:
            opened.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=join, args=(f"c{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    team = GroupBuyService(first).team("t")
    first.close()
    assert outcomes.count("joined") == 3
    assert team.status is TeamStatus.FULL and len(team.members) == 4
