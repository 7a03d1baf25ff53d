"""Empty inputs."""

from promocore.analytics import (
    coupon_metrics,
    funnel_from_events,
    referral_generations,
)


def test_empty_event_log() -> None:
    result = funnel_from_events([], [], segments=[])
    assert result.overall.counts == (0, 0, 0, 0, 0)
    assert result.segments == ()


def test_empty_referral_tree() -> None:
    report = referral_generations([], [])
    assert report.generations == ()
    assert report.seeds == 0 and report.k_factor() is None and report.amplification is None


def test_empty_coupons_by_segment() -> None:
    result = coupon_metrics([], [], segments=[])
    assert result.overall.offered == 0 and result.segments == ()
