"""Random sequences of opening, joining, returning and sweeping against the group-buy service."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from groupbuy_builders import NOW, campaign
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from promocore_groupbuy import (
    GroupBuyError,
    GroupBuyService,
    IdempotencyConflictError,
    MemberReturned,
    NotCompletedError,
    TeamStatus,
)

from promocore import Money, ValidationError
from promocore.state import MemoryStore

CUSTOMERS = ("ann", "bo", "cy", "di", "ed")


class GroupBuy(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.campaign = campaign(team_size=2, per_customer_limit=4, per_order_limit=None)
        self.service = GroupBuyService(MemoryStore(), sleep=lambda _: None)
        self.now = NOW
        self.teams: list[str] = []
        self.refunds: dict[str, Money] = {}

    @rule(customer=st.sampled_from(CUSTOMERS), quantity=st.integers(1, 3))
    def open(self, customer: str, quantity: int) -> None:
        team_id = f"t-{len(self.teams)}"
        try:
            self.service.open(
                self.campaign, "cup", customer, quantity, now=self.now, team_id=team_id
            )
        except GroupBuyError:
            return
        self.teams.append(team_id)

    @precondition(lambda self: bool(self.teams))
    @rule(data=st.data(), customer=st.sampled_from(CUSTOMERS), quantity=st.integers(1, 3))
    def join(self, data: st.DataObject, customer: str, quantity: int) -> None:
        team_id = data.draw(st.sampled_from(self.teams))
        join_id = f"{team_id}:{customer}"
        with contextlib.suppress(GroupBuyError):  # the team or the customer refused
            self.service.join(
                self.campaign, team_id, customer, quantity, now=self.now, join_id=join_id
            )

    @precondition(lambda self: bool(self.teams))
    @rule(data=st.data(), units=st.integers(1, 3), refund=st.integers(0, 3))
    def return_units(self, data: st.DataObject, units: int, refund: int) -> None:
        team_id = data.draw(st.sampled_from(self.teams))
        team = self.service.team(team_id)
        member = data.draw(st.sampled_from(team.members))
        refund_id = f"r-{refund}"
        try:
            outcome = self.service.return_units(
                team_id, member.join_id, refund_id, units, now=self.now
            )
        except NotCompletedError:
            assert team.status is not TeamStatus.FULL
            return
        except ValidationError:
            assert units > member.quantity - member.returned
            assert self.service.team(team_id) == team
            return
        except IdempotencyConflictError:
            return  # the refund id was used for another return in this team
        if refund_id in member.refund_ids:
            assert outcome.events == ()
            return
        [event] = outcome.events
        assert isinstance(event, MemberReturned) and event.units == units
        key = member.join_id
        self.refunds[key] = self.refunds.get(key, Money.zero("CNY")) + event.amount

    @rule(minutes=st.sampled_from([5, 30, 61]))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self) -> None:
        for outcome in self.service.sweep(now=self.now):
            assert outcome.state.status in (
                TeamStatus.FULL,
                TeamStatus.EXPIRED,
                TeamStatus.REFUNDED,
            )

    @invariant()
    def teams_hold_together(self) -> None:
        for team_id in self.teams:
            team = self.service.team(team_id)
            assert team.seats_taken <= team.terms.size
            for member in team.members:
                assert 0 <= member.returned <= member.quantity
                back = member.refunded or Money.zero("CNY")
                assert back == self.refunds.get(member.join_id, Money.zero("CNY"))
                # never more than the returned units' share of what the member paid
                assert back.amount * member.quantity <= member.returned * member.paid.amount
                if member.returned == member.quantity:
                    assert back == member.paid
                if member.returned:
                    assert team.status is TeamStatus.FULL


GroupBuy.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGroupBuy = GroupBuy.TestCase
