"""Running group buys over a promocore [`Store`][promocore.state.Store], on the game runner.

Teams and customers' slots change only through promocore's
[`Runner`][promocore.games.runtime.Runner] ([`TEAMS`][promocore_groupbuy.rules.TEAMS],
[`SLOTS`][promocore_groupbuy.rules.SLOTS]): read, pure transition, save at the version read,
retried when another writer got there first. What the service adds is the order of the writes:
opening and joining first claim the customer's slot (one open team per activity, the
per-customer limit), then change the team; a join the team refuses gives its claim back. Every
move can be retried with the same join id (or refund id, for a return).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from promocore import (
    Campaign,
    Cart,
    LineItem,
    NotFoundError,
    Problem,
    RefRefusedError,
    ValidationError,
)
from promocore.games.runtime import Observer, Outcome, RetryPolicy, Runner
from promocore.state import Store
from promocore_groupbuy.errors import (
    IdempotencyConflictError,
    IllegalMoveError,
    TeamNotFoundError,
)
from promocore_groupbuy.lines import ACTIVITY_REF, TEAM_REF
from promocore_groupbuy.model import (
    Claim,
    ClaimUnits,
    CustomerSlot,
    Event,
    Expire,
    Join,
    Refund,
    Return,
    Team,
    TeamStatus,
    Unclaim,
)
from promocore_groupbuy.params import GroupBuyParams
from promocore_groupbuy.rules import SLOTS, TEAMS, open_team, slot_id, transition

#: Record kind of teams.
TEAM_KIND = TEAMS.kind
#: Record kind of customers' slots.
SLOT_KIND = SLOTS.kind

#: What a move on a team returns.
TeamOutcome = Outcome[Team, Event]


def _params(campaign: Campaign) -> GroupBuyParams:
    if not isinstance(campaign.params, GroupBuyParams):
        raise ValidationError.single("campaign.params", "must be GroupBuyParams")
    return campaign.params


class GroupBuyService:
    """Open, join and sweep the teams of group-buy campaigns.

    Args:
        store: Where teams and customers' slots live (any promocore Store).
        attempts: How many times a write is tried when it keeps losing races.
        claim_grace: How long a customer's claim on a team that does not list them
            (a join on its way, or one that stopped halfway) keeps them from
            opening or joining another team of the activity.
        new_id: Makes team and join ids when none are given.
        sleep: How to wait between attempts (tests pass a no-op).
        observer: Receives every team event saved (see promocore's ``Runner``).
    """

    def __init__(
        self,
        store: Store,
        *,
        attempts: int = 50,
        claim_grace: timedelta = timedelta(minutes=5),
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.attempts = attempts
        self.claim_grace = claim_grace
        self._new_id = new_id
        retry = RetryPolicy(attempts=attempts, sleep=sleep)
        self.teams = Runner(store, TEAMS, retry=retry, observer=observer)
        self.slots = Runner(store, SLOTS, retry=retry)

    # -- reading ---------------------------------------------------------------------------

    def team(self, team_id: str) -> Team:
        """Return the team.

        Raises:
            TeamNotFoundError: no team has this id.
        """
        return self.teams.require(team_id).value

    def open_team_of(self, activity: str, customer: str, *, now: datetime) -> Team | None:
        """Return the team of ``activity`` the customer is in that still takes members."""
        slot = self.slots.get(slot_id(activity, customer))
        if slot is None or slot.value.open_team is None:
            return None
        team = self.teams.get(slot.value.open_team)
        if team is None or not team.value.takes_members(now):
            return None
        return team.value if team.value.member(customer) is not None else None

    def verify(self, cart: Cart, *, now: datetime) -> None:
        """Check the cart's group-buy lines against the stored teams before checkout.

        Pricing gives a line the group price (or the leader price, when it names no team)
        from the activity's terms alone; this adds what only the store knows. A line
        joining a team must name a team of its activity, for its sku, that would take the
        cart's customer for the line's units now (open, not full, not expired, the customer
        not in it yet); a line opening a team needs a customer who is in no open team of the
        activity. ``open`` and ``join`` check the same again when they are applied.

        Raises:
            RefRefusedError: every line the teams do not back, each problem naming
                ``lines[i].refs...``.
        """
        customer = cart.customer.id if cart.customer is not None else None
        problems: list[Problem] = []
        for index, line in enumerate(cart.lines):
            activity = line.ref(ACTIVITY_REF)
            if activity is None:
                continue
            path = f"lines[{index}].refs.{ACTIVITY_REF}"
            if customer is None:
                problems.append(Problem(path, "a group-buy line needs the cart's customer"))
                continue
            team_id = line.ref(TEAM_REF)
            if team_id is None:
                mine = self.open_team_of(activity, customer, now=now)
                if mine is not None:
                    problems.append(
                        Problem(path, f"{customer} is already in open team {mine.id} of {activity}")
                    )
                continue
            problems += self._join_problems(index, line, activity, team_id, customer, now)
        if problems:
            raise RefRefusedError(problems)

    def _join_problems(
        self, index: int, line: LineItem, activity: str, team_id: str, customer: str, now: datetime
    ) -> list[Problem]:
        path = f"lines[{index}].refs.{TEAM_REF}"
        found = self.teams.get(team_id)
        if found is None or found.value.activity != activity:
            return [Problem(path, f"no team {team_id!r} in group buy {activity!r}")]
        team = found.value
        if team.terms.sku != line.sku:
            return [Problem(path, f"team {team_id} buys {team.terms.sku}, not {line.sku}")]
        try:
            transition(team, Join(customer, line.quantity, f"verify:{customer}"), now)
        except IllegalMoveError as refused:
            return [Problem(path, f"team {team_id} cannot take {customer}: {refused}")]
        return []

    # -- moves -----------------------------------------------------------------------------

    def open(
        self,
        campaign: Campaign,
        sku: str,
        leader: str,
        quantity: int = 1,
        *,
        now: datetime,
        team_id: str | None = None,
    ) -> TeamOutcome:
        """Open a team of ``sku`` with ``leader`` as its first member.

        Args:
            campaign: The group-buy campaign.
            sku: The sku the team buys.
            leader: The customer opening it.
            quantity: Units the leader buys.
            now: The moment.
            team_id: The team's id, also the leader's join id (and the idempotency key
                of this call); a new one when not given.

        Raises:
            UnknownSkuError: ``sku`` is not in the activity.
            AlreadyInOpenTeamError: the leader is in another open team of the activity.
            LimitReachedError: a per-customer or per-order limit would be exceeded.
            IdempotencyConflictError: ``team_id`` names a different team.
        """
        params = _params(campaign)
        tid = team_id if team_id is not None else self._new_id()
        team, events = open_team(tid, campaign.id, params, sku, leader, quantity, tid, now)
        existing = self.teams.get(tid)
        if existing is not None:
            _same_team(existing.value, team)
            return Outcome(id=tid, state=existing.value, version=existing.version, replayed=True)
        self._claim(campaign, params, leader, Claim(tid, tid, quantity, now), now)
        outcome = self.teams.create(tid, team, events, now=now)
        if outcome.replayed:
            _same_team(outcome.state, team)
        return outcome

    def join(
        self,
        campaign: Campaign,
        team_id: str,
        customer: str,
        quantity: int = 1,
        *,
        now: datetime,
        join_id: str | None = None,
    ) -> TeamOutcome:
        """Join a team at the group price.

        Args:
            campaign: The group-buy campaign the team belongs to.
            team_id: The team.
            customer: Who joins.
            quantity: Units bought.
            now: The moment.
            join_id: The idempotency key (an order id); a new one when not given.

        Raises:
            TeamNotFoundError: no such team in this campaign.
            TeamClosedError, TeamExpiredError, TeamFullError, AlreadyMemberError: the
                team cannot take the customer.
            AlreadyInOpenTeamError: the customer is in another open team of the activity.
            LimitReachedError: a per-customer or per-order limit would be exceeded.
            IdempotencyConflictError: ``join_id`` was used for another join.
        """
        params = _params(campaign)
        jid = join_id if join_id is not None else self._new_id()
        command = Join(customer, quantity, jid)
        current = self.teams.get(team_id)
        if current is None or current.value.activity != campaign.id:
            raise TeamNotFoundError(f"no team {team_id!r} in group buy {campaign.id!r}")
        if current.value.by_join(jid) is not None:
            state, _ = transition(current.value, command, now)  # refuses another request
            return Outcome(id=team_id, state=state, version=current.version, replayed=True)
        transition(current.value, command, now)  # refuse early what the team refuses now
        self._claim(campaign, params, customer, Claim(jid, team_id, quantity, now), now)
        try:
            return self.teams.apply(team_id, command, now=now)
        except IllegalMoveError:
            self._unclaim(campaign.id, customer, jid)
            raise

    def return_units(
        self, team_id: str, join_id: str, refund_id: str, units: int, *, now: datetime
    ) -> TeamOutcome:
        """Take ``units`` of a member's units back from a team that succeeded.

        The [`MemberReturned`][promocore_groupbuy.model.MemberReturned] event carries the
        refund: the units' share of what the member paid (never the list price), everything
        left for the last units. The team stays full, and the units keep counting against the
        member's per-customer limit. A retry with the same ``refund_id`` changes nothing.

        Raises:
            TeamNotFoundError: no such team, or no such join in it.
            NotCompletedError: the team did not succeed (an expired one is refunded whole).
            ValidationError: more units than the member kept.
            IdempotencyConflictError: ``refund_id`` was used for another return.
        """
        return self.teams.apply(team_id, Return(join_id, refund_id, units), now=now)

    def sweep(self, *, now: datetime, limit: int = 100) -> list[TeamOutcome]:
        """Close up to ``limit`` teams whose time ran out, and refund the expired ones.

        A team with enough members completes with filler seats; any other expires and
        is refunded in the same sweep (the
        [`MemberRefunded`][promocore_groupbuy.model.MemberRefunded] events carry each member's
        amount, for the payment system), and its members' units stop counting against their
        per-customer limits. Safe to run from several processes at once, and to run again after a
        sweep stopped halfway.
        """
        outcomes: list[TeamOutcome] = []
        for due in self.teams.due(now, limit=limit):
            with contextlib.suppress(IllegalMoveError):
                expired = self.teams.apply(due.id, Expire(), now=now)
                if expired.events:
                    outcomes.append(expired)
            team = self.team(due.id)
            if team.status is not TeamStatus.EXPIRED:
                continue
            for member in team.members:
                self._unclaim(team.activity, member.customer, member.join_id)
            with contextlib.suppress(IllegalMoveError):
                refunded = self.teams.apply(due.id, Refund(), now=now)
                if refunded.events:
                    outcomes.append(refunded)
        return outcomes

    # -- helpers ---------------------------------------------------------------------------

    def _claim(
        self, campaign: Campaign, params: GroupBuyParams, customer: str, join: Claim, now: datetime
    ) -> None:
        sid = slot_id(campaign.id, customer)
        self.slots.create(sid, CustomerSlot(campaign.id, customer), now=now)

        def claim_units(slot: CustomerSlot) -> tuple[ClaimUnits]:
            other = slot.open_team is not None and slot.open_team != join.team
            busy = other and self._still_open(slot, now)
            return (ClaimUnits(join, params.per_customer_limit, busy),)

        self.slots.apply_with(sid, claim_units, now=now)

    def _unclaim(self, activity: str, customer: str, join_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            self.slots.apply(slot_id(activity, customer), Unclaim(join_id), now=self.slots.now())

    def _still_open(self, slot: CustomerSlot, now: datetime) -> bool:
        """Whether the slot's open team still holds the customer.

        It does while the team is open and unexpired and the customer is in it; a
        claim whose join has not reached the team (on its way, or stopped halfway)
        holds it for [`claim_grace`][promocore_groupbuy.service.GroupBuyService.claim_grace] after
        it was made.
        """
        if slot.open_team is None:
            return False
        found = self.teams.get(slot.open_team)
        if found is not None:
            team = found.value
            if team.status is not TeamStatus.OPEN or now >= team.expires_at:
                return False
            if team.member(slot.customer) is not None:
                return True
        recent = slot.latest_claim_on(slot.open_team)
        return recent is not None and now < recent.at + self.claim_grace


def _same_team(existing: Team, wanted: Team) -> Team:
    leader, asked = existing.leader, wanted.leader
    same = (
        existing.activity == wanted.activity
        and existing.terms.sku == wanted.terms.sku
        and (leader.customer, leader.quantity) == (asked.customer, asked.quantity)
    )
    if not same:
        raise IdempotencyConflictError(f"team id {existing.id!r} names a different team")
    return existing
