"""Binding customers to referrers: modes, expiry, self-binding and cycles."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.games.commission import (
    BindingCycleError,
    BindingMode,
    BindingPolicy,
    BindingState,
    Bound,
    IgnoreReason,
    LinkIgnored,
    PostingKind,
    Renewed,
    SelfBindingError,
    walk_upline,
)
from promocore.games.commission.model import BindingEvent, Link
from promocore.games.commission.rules import bind, binding_delivered
from tests.games.commission.builders import AT

FIRST = BindingPolicy(BindingMode.FIRST_LINK)
LAST = BindingPolicy(BindingMode.LAST_LINK)
AT_REGISTRATION = BindingPolicy(BindingMode.AT_REGISTRATION)


def follow(
    state: BindingState | None,
    customer: str,
    referrer: str,
    policy: BindingPolicy,
    at: datetime = AT,
    *,
    upline: tuple[str, ...] = (),
    registering: bool = False,
) -> tuple[BindingState, tuple[BindingEvent, ...]]:
    return bind(state, Link(customer, referrer, policy, upline, registering), at)


def test_first_link_wins() -> None:
    state, events = follow(None, "bo", "amy", FIRST)
    assert events == (Bound("bo", "amy", None),)
    assert state.referrer_at(AT) == "amy"
    again, events = follow(state, "bo", "cai", FIRST, AT + timedelta(days=3))
    assert again == state
    (ignored,) = events
    assert isinstance(ignored, LinkIgnored)
    assert ignored.reason is IgnoreReason.ALREADY_BOUND
    assert "amy" in ignored.message


def test_last_link_wins_and_moves_the_team() -> None:
    state, _ = follow(None, "bo", "amy", LAST)
    moved, events = follow(state, "bo", "cai", LAST, AT + timedelta(days=1))
    assert events == (Bound("bo", "cai", None, replaced="amy"),)
    assert moved.referrer_at(AT + timedelta(days=1)) == "cai"
    kinds = [(p.promoter, p.kind) for p in moved.outbox]
    assert kinds == [
        ("amy", PostingKind.TEAM_JOIN),
        ("cai", PostingKind.TEAM_JOIN),
        ("amy", PostingKind.TEAM_LEAVE),
    ]
    assert len({p.id for p in moved.outbox}) == 3


def test_only_at_registration() -> None:
    state, events = follow(None, "bo", "amy", AT_REGISTRATION)
    assert isinstance(events[0], LinkIgnored)
    assert events[0].reason is IgnoreReason.NOT_REGISTERING
    assert state.binding is None
    state, events = follow(state, "bo", "amy", AT_REGISTRATION, registering=True)
    assert isinstance(events[0], Bound)
    state, events = follow(state, "bo", "cai", AT_REGISTRATION, registering=True)
    assert isinstance(events[0], LinkIgnored)
    assert state.referrer_at(AT) == "amy"


def test_bindings_expire_after_n_days_and_free_the_customer() -> None:
    policy = BindingPolicy(BindingMode.FIRST_LINK, expire_days=30)
    state, events = follow(None, "bo", "amy", policy)
    assert events == (Bound("bo", "amy", AT + timedelta(days=30)),)
    assert state.referrer_at(AT + timedelta(days=29, hours=23)) == "amy"
    assert state.referrer_at(AT + timedelta(days=30)) is None
    later = AT + timedelta(days=31)
    state, events = follow(state, "bo", "cai", policy, later)
    assert events == (Bound("bo", "cai", later + timedelta(days=30), replaced="amy"),)


def test_following_the_same_referrer_again_renews() -> None:
    policy = BindingPolicy(BindingMode.FIRST_LINK, expire_days=7)
    state, _ = follow(None, "bo", "amy", policy)
    later = AT + timedelta(days=5)
    renewed, events = follow(state, "bo", "amy", policy, later)
    assert events == (Renewed("bo", "amy", later + timedelta(days=7)),)
    assert renewed.outbox == state.outbox  # no team change


def test_a_lapsed_registration_binding_is_not_replaced() -> None:
    policy = BindingPolicy(BindingMode.AT_REGISTRATION, expire_days=1)
    state, _ = follow(None, "bo", "amy", policy, registering=True)
    _, events = follow(state, "bo", "cai", policy, AT + timedelta(days=2), registering=True)
    assert isinstance(events[0], LinkIgnored)


def test_no_self_binding() -> None:
    with pytest.raises(SelfBindingError) as caught:
        follow(None, "amy", "amy", LAST)
    assert isinstance(caught.value, ValueError)


def test_no_cycles_up_the_chain() -> None:
    # amy <- bo <- cai: amy following cai's link would close a loop.
    with pytest.raises(BindingCycleError) as caught:
        follow(None, "amy", "cai", LAST, upline=("bo", "amy", "dan"))
    assert caught.value.upline == ("bo", "amy")
    assert "amy -> cai -> bo -> amy" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_ignored_link_is_not_checked_for_cycles() -> None:
    state, _ = follow(None, "amy", "zed", FIRST)
    same, events = follow(state, "amy", "cai", FIRST, upline=("bo", "amy"))
    assert same == state
    assert isinstance(events[0], LinkIgnored)


def test_walk_upline_stops_at_the_top_at_the_limit_and_at_loops() -> None:
    parents = {"cai": "bo", "bo": "amy", "amy": "zed"}
    assert walk_upline("cai", parents.get) == ("bo", "amy", "zed")
    assert walk_upline("cai", parents.get, limit=2) == ("bo", "amy")
    looped = {"a": "b", "b": "c", "c": "a"}
    assert walk_upline("a", looped.get) == ("b", "c")
    assert walk_upline("x", {"x": "b", "b": "c", "c": "b"}.get) == ("b", "c")


def test_delivered_postings_leave_the_outbox() -> None:
    state, _ = follow(None, "bo", "amy", LAST)
    state, _ = follow(state, "bo", "cai", LAST)
    first = state.outbox[0].id
    assert [p.id for p in binding_delivered(state, frozenset({first})).outbox] == [
        p.id for p in state.outbox[1:]
    ]


def test_policy_and_link_validation() -> None:
    with pytest.raises(ValidationError, match="expire_days"):
        BindingPolicy(expire_days=0)
    with pytest.raises(ValidationError, match="referrer"):
        Link("bo", " ")


PEOPLE = ("a", "b", "c", "d", "e", "f")


@settings(max_examples=150, deadline=None)
@given(
    links=st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE)), max_size=30),
    mode=st.sampled_from(BindingMode),
)
def test_cycle_detection_keeps_the_graph_acyclic(
    links: list[tuple[str, str]], mode: BindingMode
) -> None:
    policy = BindingPolicy(mode)
    states: dict[str, BindingState] = {}

    def referrer_of(who: str) -> str | None:
        state = states.get(who)
        return None if state is None else state.referrer_at(AT)

    def ancestors(who: str) -> set[str]:
        seen: set[str] = set()
        while (up := referrer_of(who)) is not None and up not in seen:
            seen.add(up)
            who = up
        return seen

    for customer, referrer in links:
        upline = walk_upline(referrer, referrer_of)
        expect_cycle = customer in ancestors(referrer)
        before = states.get(customer)
        try:
            state, events = bind(
                before, Link(customer, referrer, policy, upline, registering=True), AT
            )
        except SelfBindingError:
            assert customer == referrer
            continue
        except BindingCycleError:
            assert expect_cycle
            continue
        assert customer != referrer
        if isinstance(events[0], Bound):
            assert not expect_cycle
        states[customer] = state
        for person in PEOPLE:  # every chain reaches a top without meeting itself
            assert person not in ancestors(person)
