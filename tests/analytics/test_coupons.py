from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from promocore.analytics import coupon_metrics
from promocore.errors import ValidationError

T = datetime(2026, 11, 11, tzinfo=UTC)
H = timedelta(hours=1)


def _rows() -> tuple[list[datetime | None], list[datetime | None], list[str]]:
    claimed = [T, T, T, T + H, None, T, T, None, None, T]
    redeemed = [T + 2 * H, T + 30 * H, None, T + 5 * H, None, T + H, None, None, None, None]
    segments = ["new", "new", "new", "new", "new", "vip", "vip", "vip", "vip", "vip"]
    return claimed, redeemed, segments


def test_overall_hand_checked() -> None:
    claimed, redeemed, _ = _rows()
    m = coupon_metrics(claimed, redeemed).overall
    assert (m.offered, m.claimed, m.redeemed) == (10, 7, 4)
    assert m.claim_rate == pytest.approx(0.7)
    assert m.redemption_rate == pytest.approx(4 / 7)
    assert m.offer_to_redemption == pytest.approx(0.4)
    times = m.time_to_redeem
    # 2 h, 30 h, 4 h, 1 h
    assert times.count == 4
    assert times.mean == timedelta(hours=9, minutes=15)
    assert times.median == timedelta(hours=3)
    assert times.p90 == timedelta(hours=22, minutes=12)  # 4 h + 0.7 * 26 h
    assert times.within_24h == pytest.approx(0.75)


def test_by_segment() -> None:
    claimed, redeemed, segments = _rows()
    result = coupon_metrics(claimed, redeemed, segments=segments)
    new, vip = result.segments
    assert (new.segment, new.offered, new.claimed, new.redeemed) == ("new", 5, 4, 3)
    assert (vip.segment, vip.offered, vip.claimed, vip.redeemed) == ("vip", 5, 3, 1)
    assert result["vip"].time_to_redeem.median == H
    assert result["new"].redemption_rate == pytest.approx(0.75)
    with pytest.raises(KeyError):
        result["other"]


def test_claimed_rows_only_with_offered_counts() -> None:
    claimed = np.array(["2026-11-11T00:00", "2026-11-11T01:00"], dtype="datetime64[s]")
    redeemed = np.array(["2026-11-11T00:30", "NaT"], dtype="datetime64[s]")
    m = coupon_metrics(claimed, redeemed, offered=8)
    assert m.overall.claim_rate == 0.25
    assert m.overall.time_to_redeem.median == timedelta(minutes=30)
    by = coupon_metrics(claimed, redeemed, segments=["a", "b"], offered={"a": 4, "b": 2})
    assert by.overall.offered == 6
    assert by["b"].claim_rate == 0.5
    assert by["b"].time_to_redeem.count == 0 and by["b"].time_to_redeem.median is None


def test_nothing_offered() -> None:
    m = coupon_metrics([], [])
    assert m.overall.claim_rate is None and m.overall.redemption_rate is None
    assert m.to_dict()["overall"]["time_to_redeem"]["mean"] is None


def test_to_dict() -> None:
    claimed, redeemed, segments = _rows()
    d = coupon_metrics(claimed, redeemed, segments=segments).to_dict()
    assert d["overall"]["time_to_redeem"]["median"] == 3 * 3600.0
    assert [s["segment"] for s in d["segments"]] == ["new", "vip"]


@pytest.mark.parametrize(
    ("claimed", "redeemed", "kwargs", "expected"),
    [
        ([None], [T], {}, r"redeemed_at\[0\]: coupon redeemed but never claimed"),
        ([T], [T - H], {}, r"redeemed_at\[0\]: is before the coupon was claimed"),
        ([T, T], [None], {}, "redeemed_at: has 1 entries but claimed_at has 2"),
        ([datetime(2026, 1, 1)], [None], {}, r"claimed_at\[0\]: must carry a UTC offset"),
        (["2026-11-11"], [None], {}, "claimed_at: expected datetimes or numpy datetime64"),
        ([T, T], [None, None], {"offered": 1}, "offered: is 1 but 2 coupons were claimed"),
        ([T], [None], {"offered": -1}, "offered: must be a whole number >= 0"),
        ([T], [None], {"offered": 5, "segments": ["a"]}, "offered: needs one count per segment"),
        ([T], [None], {"offered": {"b": 5}, "segments": ["a"]}, r"offered\['b'\]: is not a"),
        ([T], [None], {"offered": {"b": 5}, "segments": ["a"]}, r"offered\['a'\]: is missing"),
    ],
)
def test_refused(
    claimed: list[object], redeemed: list[object], kwargs: dict[str, object], expected: str
) -> None:
    with pytest.raises(ValidationError, match=expected):
        coupon_metrics(claimed, redeemed, **kwargs)  # type: ignore[arg-type]
