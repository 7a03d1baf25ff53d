from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from promocore.stats._dist import LARGE_DF, p_from_t, t_ppf, t_sf


@settings(max_examples=200, deadline=None)
@given(st.floats(1.0, 1e8), st.floats(-40, 40))
def test_student_t_tail_matches_scipy(df: float, t: float) -> None:
    exact = float(special.stdtr(df, -t))
    ours = float(t_sf(np.asarray(t), np.asarray(df)))
    if exact > 1e-300:
        assert ours == pytest.approx(exact, rel=1e-8)


def test_large_df_uses_the_fast_path_and_keeps_tail_accuracy() -> None:
    t = np.linspace(0, 35, 5001)
    for df in (LARGE_DF, 1e4, 1e6):
        ref = special.stdtr(df, -t)
        ours = t_sf(t, np.full_like(t, df))
        keep = ref > 1e-30
        np.testing.assert_allclose(ours[keep], ref[keep], rtol=1e-12)


def test_edge_values() -> None:
    values = t_sf(np.array([np.inf, -np.inf, 0.0, 2.0]), np.array([5e3, 5e3, np.inf, np.inf]))
    assert values[:3].tolist() == [0.0, 1.0, 0.5]
    assert values[3] == pytest.approx(special.ndtr(-2.0))
    mixed = p_from_t(np.array([2.0, 2.0]), np.array([10.0, 1e5]), "two-sided")
    assert mixed == pytest.approx(
        [2 * special.stdtr(10, -2.0), 2 * special.stdtr(1e5, -2.0)], rel=1e-12
    )


@settings(max_examples=100, deadline=None)
@given(st.floats(1.0, 1e8), st.floats(1e-10, 1 - 1e-10))
def test_student_t_quantile_matches_scipy(df: float, q: float) -> None:
    exact = float(special.stdtrit(df, q))
    ours = float(t_ppf(q, np.asarray(df)))
    assert ours == pytest.approx(exact, rel=1e-10, abs=1e-12)
