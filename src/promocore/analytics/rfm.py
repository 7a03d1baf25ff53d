"""RFM scoring: recency, frequency and monetary value of every customer.

Each dimension is scored from 1 (worst) to its number of bins (best), either by
quantile (the share of customers a customer beats) or by fixed thresholds that
an operator chose. A composite score, the weighted sum of the three, feeds
`assign_tiers`.

Quantile scoring gives a customer ``1 + floor(bins × share of customers strictly
worse)``. Customers with equal values share the lower score, so a dimension
with heavy ties (most customers ordered once) leaves some scores unused rather
than splitting equal customers apart.

Examples:
    >>> s = rfm_scores([3, 40, 200], [9, 2, 1], [250_000, 30_000, 8_000],
    ...                scheme=RfmScheme(bins=3))
    >>> s.recency.tolist(), s.frequency.tolist(), s.monetary.tolist(), s.score.tolist()
    ([3, 2, 1], [3, 2, 1], [3, 2, 1], [9.0, 6.0, 3.0])
    >>> s.cell(0)
    '333'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from numbers import Real
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import (
    CurrencyTracker,
    FloatArray,
    amount_array,
    float_array,
    int_array,
    report,
    same_length,
)
from promocore._typed import typed_fields
from promocore.analytics._times import instant, time_array, to_datetime64
from promocore.serialize import unstructure
from promocore.validation import Checks

__all__ = ["RfmScheme", "RfmScores", "recency_days", "rfm_scores"]

ScoreArray = npt.NDArray[np.int8]


def _edges(value: Sequence[float] | None) -> tuple[float, ...] | None:
    return None if value is None else tuple(value)


def _as_weights(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


def _check_edges(checks: Checks, name: str, edges: tuple[Any, ...] | None, whole: bool) -> None:
    if edges is None:
        return
    checks.check(1 <= len(edges) <= 8, name, "needs 1 to 8 thresholds (2 to 9 scores)")
    for i, e in enumerate(edges):
        number = isinstance(e, Real) and not isinstance(e, bool) and math.isfinite(float(e))
        if not number or (whole and not float(e).is_integer()):
            kind = "a whole number of minor units" if whole else "a finite number"
            checks.add(f"{name}[{i}]", f"must be {kind} (got {e!r})")
        elif float(e) < 0:
            checks.add(f"{name}[{i}]", f"must be >= 0 (got {e!r})")
        elif i and isinstance(edges[i - 1], Real) and float(e) <= float(edges[i - 1]):
            checks.add(f"{name}[{i}]", f"must be greater than {name}[{i - 1}]")


@attrs.frozen
class RfmScheme:
    """How raw recency, frequency and monetary values become scores.

    Attributes:
        bins: Scores per dimension scored by quantile (2 to 9; 5 is usual).
        recency_edges: Fixed thresholds in days, ascending: a customer whose last
            order is at most ``recency_edges[0]`` days old scores best, at most
            ``recency_edges[1]`` next best, and so on. None scores by quantile.
        frequency_edges: Fixed order counts, ascending: reaching
            ``frequency_edges[k]`` orders earns score ``k + 2``. None: quantile.
        monetary_edges: Fixed spend thresholds in minor units, ascending, read as
            ``frequency_edges``. None: quantile.
        weights: Weights of recency, frequency and monetary in the composite score.
    """

    bins: int = 5
    recency_edges: tuple[float, ...] | None = attrs.field(default=None, converter=_edges)
    frequency_edges: tuple[float, ...] | None = attrs.field(default=None, converter=_edges)
    monetary_edges: tuple[float, ...] | None = attrs.field(default=None, converter=_edges)
    weights: tuple[float, ...] = attrs.field(default=(1.0, 1.0, 1.0), converter=_as_weights)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        ok = isinstance(self.bins, int) and not isinstance(self.bins, bool)
        checks.check(ok and 2 <= self.bins <= 9, "bins", f"must be 2 to 9 (got {self.bins!r})")
        _check_edges(checks, "recency_edges", self.recency_edges, whole=False)
        _check_edges(checks, "frequency_edges", self.frequency_edges, whole=False)
        _check_edges(checks, "monetary_edges", self.monetary_edges, whole=True)
        checks.check(len(self.weights) == 3, "weights", "needs 3 weights (R, F, M)")
        for i, w in enumerate(self.weights):
            ok = isinstance(w, Real) and not isinstance(w, bool) and math.isfinite(float(w))
            checks.check(ok and float(w) >= 0, f"weights[{i}]", f"must be >= 0 (got {w!r})")
        if not checks.problems:
            checks.check(any(float(w) > 0 for w in self.weights), "weights", "one must be > 0")
        checks.raise_if_any()

    def scores_of(self, dimension: str) -> int:
        """Return how many scores ``dimension`` (recency, frequency, monetary) has."""
        edges = {
            "recency": self.recency_edges,
            "frequency": self.frequency_edges,
            "monetary": self.monetary_edges,
        }[dimension]
        return self.bins if edges is None else len(edges) + 1

    @property
    def score_range(self) -> tuple[float, float]:
        """Return the lowest and highest composite score possible."""
        tops = [self.scores_of(d) for d in ("recency", "frequency", "monetary")]
        low = sum(float(w) for w in self.weights)
        high = sum(float(w) * t for w, t in zip(self.weights, tops, strict=True))
        return low, high

    def to_dict(self) -> dict[str, Any]:
        """Return the scheme as plain values."""
        return {f.name: unstructure(getattr(self, f.name)) for f in attrs.fields(type(self))}


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if isinstance(array, np.ndarray):  # anything else is refused by the type check
        array.setflags(write=False)
    return array


@attrs.frozen(eq=False, repr=False)
@typed_fields
class RfmScores:
    """Scores of every customer, in input order.

    Attributes:
        recency: Recency score per customer (1 = longest since the last order).
        frequency: Frequency score per customer.
        monetary: Monetary score per customer.
        score: Composite score: weighted sum of the three.
        scheme: The scheme used.
    """

    recency: ScoreArray = attrs.field(converter=_frozen)
    frequency: ScoreArray = attrs.field(converter=_frozen)
    monetary: ScoreArray = attrs.field(converter=_frozen)
    score: FloatArray = attrs.field(converter=_frozen)
    scheme: RfmScheme

    def __len__(self) -> int:
        return len(self.score)

    def cell(self, index: int) -> str:
        """Return the RFM cell of one customer, such as ``"545"``."""
        return f"{self.recency[index]}{self.frequency[index]}{self.monetary[index]}"

    def cells(self) -> npt.NDArray[np.int16]:
        """Return every customer's cell as a number (``545`` for R=5, F=4, M=5)."""
        r, f, m = (a.astype(np.int16) for a in (self.recency, self.frequency, self.monetary))
        return r * 100 + f * 10 + m

    def histogram(self, dimension: str) -> dict[int, int]:
        """Return how many customers got each score of ``dimension``."""
        values = getattr(self, dimension)
        top = self.scheme.scores_of(dimension)
        counts = np.bincount(values, minlength=top + 1)
        return {s: int(counts[s]) for s in range(1, top + 1)}

    def __repr__(self) -> str:
        mean = float(self.score.mean()) if len(self) else float("nan")
        return f"RfmScores(customers={len(self)}, mean_score={mean:.3f}, scheme={self.scheme!r})"

    def to_dict(self) -> dict[str, Any]:
        """Return every score as plain lists."""
        return {
            "recency": self.recency.tolist(),
            "frequency": self.frequency.tolist(),
            "monetary": self.monetary.tolist(),
            "score": self.score.tolist(),
            "scheme": self.scheme.to_dict(),
        }


def _quantile_scores(values: npt.NDArray[Any], bins: int, higher_is_better: bool) -> ScoreArray:
    n = values.size
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    k = np.arange(1, bins, dtype=np.int64)
    least = -((-k * n) // bins)  # ceil(k n / bins): customers to beat for score k + 1
    positions = least - 1 if higher_is_better else n - least
    edges = np.partition(values, np.unique(positions))[positions]
    if higher_is_better:
        return (1 + np.searchsorted(edges, values, side="left")).astype(np.int8)
    return (bins - np.searchsorted(np.sort(edges), values, side="right")).astype(np.int8)


def _fixed_scores(
    values: npt.NDArray[Any], edges: tuple[float, ...], higher_is_better: bool
) -> ScoreArray:
    cut = np.asarray(edges, dtype=np.float64)
    if higher_is_better:
        return (1 + np.searchsorted(cut, values, side="right")).astype(np.int8)
    return (len(cut) + 1 - np.searchsorted(cut, values, side="left")).astype(np.int8)


def _score(
    values: npt.NDArray[Any], edges: tuple[float, ...] | None, bins: int, higher: bool
) -> ScoreArray:
    if edges is None:
        return _quantile_scores(values, bins, higher)
    return _fixed_scores(values, edges, higher)


def rfm_scores(
    recency: object,
    frequency: object,
    monetary: object,
    *,
    scheme: RfmScheme | None = None,
) -> RfmScores:
    """Score customers by recency, frequency and monetary value.

    Vectorised: a million customers take a fraction of a second.

    Args:
        recency: Days since each customer's last order (>= 0; ``inf`` for a
            customer who never ordered). `recency_days` computes them.
        frequency: Orders per customer (whole numbers >= 0).
        monetary: Spend per customer: integer minor units or Money (>= 0).
        scheme: How to score; quantiles into 5 bins by default.

    Returns:
        The scores, one per customer, in input order.

    Raises:
        ValidationError: arrays of different lengths, negative values, NaN,
            floats for money, or mixed currencies.
    """
    scheme = RfmScheme() if scheme is None else scheme
    checks = Checks()
    if not isinstance(scheme, RfmScheme):
        checks.add("scheme", f"expected an RfmScheme, got {type(scheme).__name__}")
        checks.raise_if_any()
    r = float_array(recency, "recency", checks, minimum=0.0, allow_inf=True)
    f = int_array(frequency, "frequency", checks, minimum=0)
    m = amount_array(monetary, "monetary", checks, CurrencyTracker(checks, None), minimum=0)
    checks.raise_if_any()
    same_length(checks, [("recency", r), ("frequency", f), ("monetary", m)])
    checks.raise_if_any()
    rs = _score(r, scheme.recency_edges, scheme.bins, higher=False)
    fs = _score(f, scheme.frequency_edges, scheme.bins, higher=True)
    ms = _score(m, scheme.monetary_edges, scheme.bins, higher=True)
    wr, wf, wm = (float(w) for w in scheme.weights)
    composite = wr * rs.astype(np.float64) + wf * fs + wm * ms
    return RfmScores(rs, fs, ms, composite, scheme)


def recency_days(last_order_at: object, now: datetime) -> FloatArray:
    """Return days (fractional) from each customer's last order to ``now``.

    Args:
        last_order_at: Instant of each customer's last order (aware datetimes or
            UTC ``datetime64``); None or NaT for a customer who never ordered,
            which gives ``inf``.
        now: The moment of scoring (an aware datetime).

    Returns:
        Days since the last order, for `rfm_scores`.

    Raises:
        ValidationError: an instant is naive, or later than ``now``.
    """
    checks = Checks()
    times = time_array(last_order_at, "last_order_at", checks)
    moment = instant(now, "now", checks)
    checks.raise_if_any()
    micros = (to_datetime64(moment) - times).astype("timedelta64[us]").astype(np.float64)
    missing = np.isnat(times)
    report(checks, "last_order_at", (micros < 0) & ~missing, "is after now")
    checks.raise_if_any()
    days = micros / 86_400_000_000
    days[missing] = np.inf
    return days
