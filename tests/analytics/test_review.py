from datetime import UTC, datetime, timedelta, timezone

import pytest

from promocore.analytics import (
    CampaignReview,
    TierLadder,
    assign_tiers,
    budget_burn,
    campaign_roi,
    coupon_metrics,
    funnel_from_counts,
    projected_reach,
    referral_generations,
)
from promocore.analytics.sample import sample_events, sample_members, sample_referrals
from promocore.errors import ValidationError
from promocore.money import Money

START = datetime(2026, 11, 1, tzinfo=UTC)


def test_empty_review_is_just_a_title() -> None:
    review = CampaignReview("Nothing yet")
    assert review.to_markdown() == "# Nothing yet\n"
    assert review.to_dict() == {"title": "Nothing yet"}


def test_sections_render_hand_checked_figures() -> None:
    review = CampaignReview(
        "Spring sale",
        roi=campaign_roi(Money(1_200_000, "CNY"), fixed_costs=400_000),
        burn=budget_burn(
            Money(1_000_000, "CNY"),
            300_000,
            start=START,
            now=START + timedelta(days=3),
            end=START + timedelta(days=10),
        ),
        funnel=funnel_from_counts([1000, 100, 50, 20, 10]),
        coupons=coupon_metrics([START, None], [START + timedelta(hours=3), None]),
        fission=referral_generations(["a", "b"], [None, "a"], invitations=[4, 0]),
        reach=projected_reach(10, 0.5, 2),
        tiers=assign_tiers([1, 5], TierLadder(("basic", "plus"), (3,))),
    )
    text = review.to_markdown(tz=timezone(timedelta(hours=8)))
    assert "| **ROI** | 200.0 % |" in text
    assert "| Burn per day | ¥1000.00 |" in text
    assert "| Spendable budget runs out | 2026-11-10 08:00 |" in text
    assert "**At this pace the spendable budget runs out before the planned end.**" in text
    assert "| click | 100 | 10.0 % | 10.0 % |" in text
    assert "Biggest loss: exposure → click, 90.0 % of users drop off (900 users)." in text
    assert "| all | 2 | 1 | 50.0 % | 1 | 100.0 % | 3.0 h |" in text
    assert "| 0 | 1 | 4 | 4.00 | 25.0 % | 1.00 |" in text
    assert "1 seeds grew to 2 users (×2.00); pooled K = 0.50." in text
    assert "Projection: 10 seeds reach about 18 users after 2 generations (limit about 20)." in text
    assert "| plus | 1 |" in text
    d = review.to_dict()
    assert d["roi"]["roi"] == "2.0000"
    assert d["tiers"]["counts"] == {"basic": 1, "plus": 1}


def test_sample_data_loads_typed() -> None:
    events = sample_events()
    assert len(events) > 500
    assert {e["event"] for e in events} == {"exposure", "click", "claim", "order", "paid"}
    first = events[0]["at"]
    assert isinstance(first, datetime) and first.utcoffset() == timedelta(hours=8)
    referrals = sample_referrals()
    assert sum(r["inviter_id"] is None for r in referrals) == 20
    members = sample_members()
    assert len(members) == 300
    assert any(m["last_order_at"] is None for m in members)
    assert {m["tier"] for m in members} <= {None, "bronze", "silver", "gold", "diamond"}


def test_sections_must_have_their_type() -> None:
    with pytest.raises(ValidationError, match="roi: expected RoiReport or None, got dict"):
        CampaignReview("x", roi={"roi": 1})  # type: ignore[arg-type]
