"""Coupon metrics: claim rate, redemption rate and time to redeem, overall and by segment.

Each row is one coupon offered to a customer: when it was claimed (None or NaT
if never) and when it was redeemed in an order (None or NaT if never). Then

* claim rate = claimed / offered,
* redemption rate = redeemed / claimed,
* offer-to-redemption rate = redeemed / offered,
* time to redeem = redeemed_at − claimed_at over the redeemed coupons.

When the rows hold only the claimed coupons, pass ``offered`` (how many were
offered, overall or per segment) for the claim rate.

Examples:
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 11, 11, tzinfo=timezone.utc)
    >>> hours = [timedelta(hours=2), None, timedelta(hours=6), None]
    >>> m = coupon_metrics([t, t, t, None], [None if h is None else t + h for h in hours])
    >>> m.overall.claim_rate, m.overall.redemption_rate, str(m.overall.time_to_redeem.median)
    (0.75, 0.6666666666666666, '4:00:00')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import label_array, report, same_length
from promocore.analytics._times import time_array
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["CouponMetrics", "CouponStats", "RedeemTimes", "coupon_metrics"]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@attrs.frozen
class RedeemTimes:
    """How long claimed coupons took to be redeemed.

    Attributes:
        count: Redeemed coupons measured.
        mean: Mean time to redeem, or None when none was redeemed.
        median: Median time to redeem, or None.
        p90: 90th percentile (linear interpolation), or None.
        within_24h: Share of redeemed coupons used within 24 hours of the claim.
    """

    count: int
    mean: timedelta | None = None
    median: timedelta | None = None
    p90: timedelta | None = None
    within_24h: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the times as plain values (durations in seconds)."""
        return {f.name: unstructure(getattr(self, f.name)) for f in attrs.fields(type(self))}


@attrs.frozen
class CouponStats:
    """Coupon figures for one group of customers.

    Attributes:
        segment: The segment, or None for everyone.
        offered: Coupons offered.
        claimed: Coupons claimed.
        redeemed: Coupons redeemed.
        time_to_redeem: Time from claim to redemption.
    """

    segment: str | None
    offered: int
    claimed: int
    redeemed: int
    time_to_redeem: RedeemTimes

    @property
    def claim_rate(self) -> float | None:
        """Return claimed / offered; None when nothing was offered."""
        return _rate(self.claimed, self.offered)

    @property
    def redemption_rate(self) -> float | None:
        """Return redeemed / claimed; None when nothing was claimed."""
        return _rate(self.redeemed, self.claimed)

    @property
    def offer_to_redemption(self) -> float | None:
        """Return redeemed / offered; None when nothing was offered."""
        return _rate(self.redeemed, self.offered)

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain values."""
        return {
            "segment": self.segment,
            "offered": self.offered,
            "claimed": self.claimed,
            "redeemed": self.redeemed,
            "claim_rate": self.claim_rate,
            "redemption_rate": self.redemption_rate,
            "offer_to_redemption": self.offer_to_redemption,
            "time_to_redeem": self.time_to_redeem.to_dict(),
        }


@attrs.frozen
class CouponMetrics:
    """Coupon figures for everyone and per segment.

    Attributes:
        overall: Every coupon.
        segments: One entry per segment, in sorted segment order.
    """

    overall: CouponStats
    segments: tuple[CouponStats, ...] = ()

    def __getitem__(self, segment: str) -> CouponStats:
        """Return the figures of ``segment``."""
        for stats in self.segments:
            if stats.segment == segment:
                return stats
        raise KeyError(segment)

    def to_dict(self) -> dict[str, Any]:
        """Return every figure as plain values."""
        return {"overall": self.overall.to_dict(), "segments": [s.to_dict() for s in self.segments]}


_DAY = 86_400_000_000


def _times(durations: npt.NDArray[np.int64]) -> RedeemTimes:
    if durations.size == 0:
        return RedeemTimes(0)
    as_float = durations.astype(np.float64)
    median, p90 = np.percentile(as_float, [50, 90])

    def delta(micros: float) -> timedelta:
        return timedelta(microseconds=round(float(micros)))

    return RedeemTimes(
        count=int(durations.size),
        mean=delta(durations.sum() / durations.size),
        median=delta(median),
        p90=delta(p90),
        within_24h=float((durations <= _DAY).mean()),
    )


def _stats(
    segment: str | None,
    offered: int,
    claimed: npt.NDArray[np.bool_],
    redeemed: npt.NDArray[np.bool_],
    durations: npt.NDArray[np.int64],
) -> CouponStats:
    return CouponStats(
        segment, offered, int(claimed.sum()), int(redeemed.sum()), _times(durations[redeemed])
    )


def _offered(
    offered: object, claimed_per: dict[str | None, int], segmented: bool, checks: Checks
) -> dict[str | None, int] | None:
    """Return coupons offered overall (key None) and per segment, or None if not given."""
    if offered is None:
        return None
    result: dict[str | None, int] = {}
    if isinstance(offered, Mapping):
        given = {str(k): v for k, v in offered.items()}
        for key, value in given.items():
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            checks.check(ok, f"offered[{key!r}]", f"must be a whole number >= 0 (got {value!r})")
            checks.check(key in claimed_per, f"offered[{key!r}]", "is not a segment of the rows")
        for segment in claimed_per:
            if segment is not None:
                checks.check(segment in given, f"offered[{segment!r}]", "is missing")
        if checks.problems:
            return None
        result.update(given)
        result[None] = sum(given.values())
    elif isinstance(offered, int) and not isinstance(offered, bool) and offered >= 0:
        if segmented:
            checks.add("offered", "needs one count per segment (a mapping) when segments are given")
            return None
        result[None] = offered
    else:
        checks.add("offered", f"must be a whole number >= 0 or a mapping (got {offered!r})")
        return None
    for group, count in result.items():
        if count < claimed_per[group]:
            path = "offered" if group is None else f"offered[{group!r}]"
            checks.add(path, f"is {count} but {claimed_per[group]} coupons were claimed")
    return result


def coupon_metrics(
    claimed_at: object,
    redeemed_at: object,
    *,
    segments: object = None,
    offered: int | Mapping[str, int] | None = None,
) -> CouponMetrics:
    """Measure claim rate, redemption rate and time to redeem of a coupon campaign.

    Args:
        claimed_at: When each coupon was claimed (aware datetimes or UTC
            ``datetime64``); None or NaT when it was offered but not claimed.
        redeemed_at: When each coupon was redeemed; None or NaT when it was not.
        segments: The segment of each coupon's customer (str or int labels), or None.
        offered: How many coupons were offered, when the rows hold only claimed
            coupons: one count, or a mapping from segment to count. By default
            every row is an offered coupon.

    Returns:
        Figures for everyone and per segment.

    Raises:
        ValidationError: arrays of different lengths, a coupon redeemed but
            never claimed or redeemed before its claim, or bad ``offered`` counts.
    """
    checks = Checks()
    claimed_t = time_array(claimed_at, "claimed_at", checks)
    redeemed_t = time_array(redeemed_at, "redeemed_at", checks)
    segs = None if segments is None else label_array(segments, "segments", checks)
    checks.raise_if_any()
    n = same_length(
        checks, [("claimed_at", claimed_t), ("redeemed_at", redeemed_t), ("segments", segs)]
    )
    checks.raise_if_any()
    claimed = ~np.isnat(claimed_t)
    redeemed = ~np.isnat(redeemed_t)
    report(checks, "redeemed_at", redeemed & ~claimed, "coupon redeemed but never claimed")
    durations = (redeemed_t - claimed_t).astype("timedelta64[us]").astype(np.int64)
    durations[~(claimed & redeemed)] = 0
    report(checks, "redeemed_at", durations < 0, "is before the coupon was claimed")
    if segs is None:
        names: npt.NDArray[Any] = np.zeros(0, dtype=str)
        codes = np.zeros(n, dtype=np.int64)
    else:
        names, inverse = np.unique(segs, return_inverse=True)
        codes = inverse.astype(np.int64).reshape(-1)
    labels = [str(s) for s in names.tolist()]
    per_segment = np.bincount(codes[claimed], minlength=len(labels))
    claimed_per: dict[str | None, int] = {None: int(claimed.sum())}
    claimed_per.update({label: int(per_segment[i]) for i, label in enumerate(labels)})
    given = _offered(offered, claimed_per, segs is not None, checks)
    checks.raise_if_any()
    if given is not None:
        offered_per = given
    else:
        offered_per = {None: n}
        counts = np.bincount(codes, minlength=len(labels))
        offered_per.update({label: int(counts[i]) for i, label in enumerate(labels)})
    overall = _stats(None, offered_per[None], claimed, redeemed, durations)
    by_segment = []
    if labels:
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
        for i, label in enumerate(labels):
            rows = order[bounds[i] : bounds[i + 1]]
            by_segment.append(
                _stats(label, offered_per[label], claimed[rows], redeemed[rows], durations[rows])
            )
    return CouponMetrics(overall, tuple(by_segment))
