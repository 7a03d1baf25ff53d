from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from promocore.errors import ValidationError
from promocore.stats import SRMResult, srm_check


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 10**6), min_size=2, max_size=5),
    st.data(),
)
def test_srm_matches_scipy_chisquare(counts: list[int], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.floats(0.1, 10), min_size=len(counts), max_size=len(counts)))
    r = srm_check(counts, weights)
    shares = np.array(weights) / sum(weights)
    ref = sps.chisquare(counts, f_exp=np.array(shares) * sum(counts))
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-9, abs=1e-9)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-300)
    assert r.mismatch == (ref.pvalue < 0.001)


def test_a_broken_split_is_flagged() -> None:
    r = srm_check([50000, 48500])
    assert isinstance(r, SRMResult)
    assert r.mismatch is True
    assert r.observed_shares == pytest.approx((50000 / 98500, 48500 / 98500))
    assert "MISMATCH" in repr(r)
    assert srm_check([50000, 49800]).mismatch is False


def test_uneven_plans_and_many_experiments() -> None:
    r = srm_check([[9000, 1000], [9000, 1300], [500, 500]], [90, 10])
    assert np.asarray(r.mismatch).tolist() == [False, True, True]
    assert r.expected_shares == pytest.approx((0.9, 0.1))


def test_small_arms_warn_and_bad_counts_fail() -> None:
    assert srm_check([3, 4]).warnings
    with pytest.raises(ValidationError, match="no users in any arm"):
        srm_check([0, 0])
    with pytest.raises(ValidationError, match=r"expected\[1\]: must be > 0"):
        srm_check([10, 10], [1, 0])
