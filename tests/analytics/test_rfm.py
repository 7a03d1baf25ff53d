import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import RfmScheme, recency_days, rfm_scores
from promocore.errors import ValidationError
from promocore.money import Money

RECENCY = [1, 3, 3, 10, 20, 40, 60, 90, 200, math.inf]
FREQUENCY = [12, 1, 1, 1, 2, 3, 5, 1, 8, 0]
MONETARY = [500_000, 2_000, 3_000, 1_000, 20_000, 45_000, 90_000, 1_500, 150_000, 0]


def test_quantile_scores_hand_checked() -> None:
    # score = 1 + floor(5 * customers strictly worse / 10)
    s = rfm_scores(RECENCY, FREQUENCY, MONETARY)
    assert s.recency.tolist() == [5, 4, 4, 4, 3, 3, 2, 2, 1, 1]
    assert s.frequency.tolist() == [5, 1, 1, 1, 3, 4, 4, 1, 5, 1]  # ties share the lower score
    assert s.monetary.tolist() == [5, 2, 3, 1, 3, 4, 4, 2, 5, 1]
    assert s.score.tolist() == [15, 7, 8, 6, 9, 11, 10, 5, 11, 3]
    assert s.cell(0) == "555"
    assert s.cells().tolist()[:2] == [555, 412]
    assert s.histogram("frequency") == {1: 5, 2: 0, 3: 1, 4: 2, 5: 2}
    assert len(s) == 10


def test_fixed_thresholds_hand_checked() -> None:
    scheme = RfmScheme(
        recency_edges=(7, 30, 90, 180),
        frequency_edges=(2, 3, 5, 10),
        monetary_edges=(5_000, 20_000, 100_000, 300_000),
        weights=(2, 1, 1),
    )
    s = rfm_scores(np.array(RECENCY), np.array(FREQUENCY), np.array(MONETARY), scheme=scheme)
    assert s.recency.tolist() == [5, 5, 5, 4, 4, 3, 3, 3, 1, 1]
    assert s.frequency.tolist() == [5, 1, 1, 1, 2, 3, 4, 1, 4, 1]
    assert s.monetary.tolist() == [5, 1, 1, 1, 3, 3, 3, 1, 4, 1]
    assert s.score.tolist() == [20, 12, 12, 10, 13, 12, 13, 8, 10, 4]
    assert scheme.score_range == (4.0, 20.0)


def test_mixed_schemes_and_bins() -> None:
    scheme = RfmScheme(bins=3, frequency_edges=(2,))
    assert scheme.scores_of("frequency") == 2 and scheme.scores_of("recency") == 3
    s = rfm_scores([5, 1, 9], [1, 2, 3], [Money(100, "CNY"), Money(300, "CNY"), 200], scheme=scheme)
    assert s.frequency.tolist() == [1, 2, 2]
    assert s.recency.tolist() == [2, 3, 1]
    assert s.monetary.tolist() == [1, 3, 2]


def test_empty_input() -> None:
    s = rfm_scores([], [], [])
    assert len(s) == 0
    assert "customers=0" in repr(s)


def test_repr_and_to_dict() -> None:
    s = rfm_scores([1, 2], [1, 2], [1, 2], scheme=RfmScheme(bins=2))
    assert repr(s).startswith("RfmScores(customers=2, mean_score=4.500")
    d = s.to_dict()
    assert d["score"] == [4.0, 5.0]
    assert d["scheme"]["bins"] == 2
    with pytest.raises(ValueError, match="read-only"):
        s.score[0] = 1.0


def test_recency_days() -> None:
    now = datetime(2026, 11, 11, 12, tzinfo=UTC)
    days = recency_days([now - timedelta(days=3), None, now - timedelta(hours=6)], now)
    assert days.tolist() == [3.0, math.inf, 0.25]
    with pytest.raises(ValidationError, match=r"last_order_at\[0\]: is after now"):
        recency_days([now + timedelta(days=1)], now)
    with pytest.raises(ValidationError, match=r"last_order_at\[0\]: must carry a UTC offset"):
        recency_days([datetime(2026, 1, 1)], now)


def test_problems_name_argument_and_index() -> None:
    with pytest.raises(ValidationError) as info:
        rfm_scores([1, -2, float("nan")], [1, 2, -1], [1, 2.5, 3])
    messages = [str(p) for p in info.value.problems]
    assert "recency[2]: must not be NaN" in messages
    assert "frequency[2]: must be >= 0 (got -1)" in messages
    assert "monetary: floats are refused for money; pass integer minor units or Money" in messages
    with pytest.raises(ValidationError, match=r"recency\[1\]: must be >= 0 \(got -2\)"):
        rfm_scores([1, -2], [1, 2], [1, 2])
    with pytest.raises(ValidationError, match="monetary: has 1 entries but recency has 2"):
        rfm_scores([1, 2], [1, 2], [1])
    with pytest.raises(ValidationError, match=r"monetary\[1\]: currency USD differs from CNY"):
        rfm_scores([1, 2], [1, 2], [Money(1, "CNY"), Money(1, "USD")])


def test_many_bad_entries_are_summarised() -> None:
    with pytest.raises(ValidationError) as info:
        rfm_scores([0] * 10, [-1] * 10, [0] * 10)
    messages = [str(p) for p in info.value.problems]
    assert messages[:5] == [f"frequency[{i}]: must be >= 0 (got -1)" for i in range(5)]
    assert messages[5] == "frequency: 5 more entries: must be >= 0"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"bins": 1}, "bins: must be 2 to 9"),
        ({"recency_edges": (30, 7)}, r"recency_edges\[1\]: must be greater than"),
        ({"monetary_edges": (100.5,)}, r"monetary_edges\[0\]: must be a whole number"),
        ({"frequency_edges": ()}, "frequency_edges: needs 1 to 8 thresholds"),
        ({"weights": (0, 0, 0)}, "weights: one must be > 0"),
        ({"weights": (1, 1)}, "weights: needs 3 weights"),
        ({"weights": (1, -1, 1)}, r"weights\[1\]: must be >= 0"),
    ],
)
def test_bad_schemes(kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        RfmScheme(**kwargs)  # type: ignore[arg-type]


customers = st.integers(1, 80).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 400), min_size=n, max_size=n),
        st.lists(st.integers(0, 20), min_size=n, max_size=n),
        st.lists(st.integers(0, 10**7), min_size=n, max_size=n),
    )
)


@settings(max_examples=80, deadline=None)
@given(data=customers, bins=st.integers(2, 9))
def test_scores_are_in_range_and_monotone(
    data: tuple[list[float], list[int], list[int]], bins: int
) -> None:
    r, f, m = data
    s = rfm_scores(r, f, m, scheme=RfmScheme(bins=bins))
    for scores in (s.recency, s.frequency, s.monetary):
        assert scores.min() >= 1 and scores.max() <= bins
    order = np.argsort(f, kind="stable")
    assert (np.diff(s.frequency[order]) >= 0).all()
    order = np.argsort(r, kind="stable")
    assert (np.diff(s.recency[order]) <= 0).all()
    n = len(f)
    for i in range(n):  # the definition, one customer at a time
        worse = sum(v < f[i] for v in f)
        assert s.frequency[i] == 1 + (bins * worse) // n
        worse = sum(v > r[i] for v in r)
        assert s.recency[i] == 1 + (bins * worse) // n


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 500), bins=st.integers(2, 9))
def test_distinct_values_fill_bins_evenly(n: int, bins: int) -> None:
    values = np.random.default_rng(n).permutation(n)
    s = rfm_scores(values.astype(float), values, values, scheme=RfmScheme(bins=bins))
    counts = np.bincount(s.monetary, minlength=bins + 1)[1:]
    assert counts.sum() == n
    assert counts.max() - counts.min() <= 1
