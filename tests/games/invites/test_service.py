"""The invite service over the in-memory store, with rewards granted once."""

from datetime import datetime, timedelta, timezone

from promocore.games.coupons import CouponService
from promocore.games.invites import (
    Bind,
    CouponReward,
    InviteProgram,
    InviteService,
    Register,
    Rung,
    RungReached,
    coupon_grants,
    points_earn,
)
from promocore.games.points import Expiry, PointsAccount, transition
from promocore.ledger import MemoryLedger
from promocore.state import MemoryStore
from tests.games.coupons.builders import amount_template

NOW = datetime(2026, 11, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
PROGRAM = InviteProgram(
    "friends", "邀请有礼", (Rung(1, coupons=(CouponReward("thanks-10", 2),), points=100),)
)


def test_rewards_are_granted_once_even_when_retried() -> None:
    store = MemoryStore()
    invites = InviteService(store, PROGRAM, sleep=lambda _: None)
    coupons = CouponService(
        store, MemoryLedger(), [amount_template("thanks-10", "10")], sleep=lambda _: None
    )
    account = PointsAccount("alice")
    invites.apply(Bind("bob", "alice"), now=NOW)
    outcome = invites.apply(Register("bob"), now=NOW)
    (reached,) = [e for e in outcome.events if isinstance(e, RungReached)]
    for _ in range(2):  # a retried fulfilment changes nothing
        for grant in coupon_grants(reached):
            coupons.grant(grant.template_id, grant.customer_id, key=grant.key, now=NOW)
        earn = points_earn(reached, Expiry(days=365))
        assert earn is not None
        account, _ = transition(account, earn, NOW)
    assert len(coupons.wallet("alice", now=NOW)) == 2
    assert account.balance(NOW) == 100
    assert invites.apply(Register("bob"), now=NOW).events == ()
    assert invites.leaderboard()[0].inviter == "alice"
    assert invites.board().count("alice") == 1
