from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    samplesize_proportions_2indep_onetail,
)

from promocore.errors import ValidationError
from promocore.stats import (
    DesignResult,
    mde_means,
    mde_proportions,
    power_means,
    power_proportions,
    sample_size_means,
    sample_size_proportions,
)

FAST = settings(max_examples=40, deadline=None)
SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


@st.composite
def proportion_plans(draw: st.DrawFn) -> tuple[float, float, float, float]:
    baseline = draw(st.floats(0.01, 0.9))
    effect = draw(st.floats(0.002, 0.09)) * draw(st.sampled_from([1, -1]))
    if not 0 < baseline + effect < 1:
        effect = -effect
    return baseline, effect, draw(st.floats(100, 1e6)), draw(st.floats(0.25, 4))


@FAST
@given(proportion_plans(), st.sampled_from(["two-sided", "greater", "less"]))
def test_power_of_proportions_matches_statsmodels(
    plan: tuple[float, float, float, float], alternative: str
) -> None:
    baseline, effect, n_a, ratio = plan
    r = power_proportions(
        baseline=baseline, effect=effect, n_a=n_a, ratio=ratio, alternative=alternative
    )
    # statsmodels puts the effect in its first group: that is our B, with n_a / n_b as its ratio.
    ref = power_proportions_2indep(
        effect, baseline, n_a * ratio, ratio=1 / ratio, alternative=SM_ALTERNATIVE[alternative]
    ).power
    assert r.power == pytest.approx(ref, rel=1e-9, abs=1e-12)


@FAST
@given(proportion_plans())
def test_sample_size_of_proportions_matches_statsmodels(
    plan: tuple[float, float, float, float],
) -> None:
    baseline, effect, _, ratio = plan
    r = sample_size_proportions(baseline=baseline, effect=effect, ratio=ratio)
    n_b = samplesize_proportions_2indep_onetail(effect, baseline, 0.8, ratio=1 / ratio)
    assert r.n_a == math.ceil(n_b / ratio - 1e-9)
    assert r.n_b == math.ceil(r.n_a * ratio)
    assert r.power >= 0.8


@FAST
@given(
    st.floats(0.01, 0.9),
    st.floats(100, 1e6),
    st.floats(0.5, 0.95),
    st.sampled_from(["two-sided", "greater", "less"]),
)
def test_mde_reaches_exactly_the_target_power(
    baseline: float, n_a: float, power: float, alternative: str
) -> None:
    r = mde_proportions(baseline=baseline, n_a=n_a, power=power, alternative=alternative)
    if math.isnan(r.effect):
        assert r.warnings
        return
    assert (r.effect < 0) == (alternative == "less")
    check = power_proportions(baseline=baseline, effect=r.effect, n_a=n_a, alternative=alternative)
    assert check.power == pytest.approx(power, abs=1e-9)
    assert r.relative_effect == pytest.approx(r.effect / baseline)


@FAST
@given(
    st.floats(0.01, 1.0),
    st.floats(10, 1e5),
    st.floats(0.25, 4),
    st.sampled_from(["two-sided", "greater", "less"]),
)
def test_means_match_statsmodels_normal_power(
    effect_size: float, n_a: float, ratio: float, alternative: str
) -> None:
    alt = SM_ALTERNATIVE[alternative]
    sign = -1 if alternative == "less" else 1
    r = power_means(
        std=2.0, effect=sign * 2 * effect_size, n_a=n_a, ratio=ratio, alternative=alternative
    )
    ref = NormalIndPower().power(sign * effect_size, n_a, 0.05, ratio=ratio, alternative=alt)
    assert r.power == pytest.approx(ref, rel=1e-9, abs=1e-12)
    mde = mde_means(std=2.0, n_a=n_a, ratio=ratio, alternative=alternative)
    # statsmodels' power at our minimum detectable effect is the target power.
    reached = NormalIndPower().power(mde.effect / 2, n_a, 0.05, ratio=ratio, alternative=alt)
    assert reached == pytest.approx(0.8, abs=1e-9)


def test_sample_size_of_means() -> None:
    r = sample_size_means(std=1.0, effect=0.1)
    ref = NormalIndPower().solve_power(0.1, None, 0.05, 0.8)
    assert r.n_a == math.ceil(ref) == r.n_b
    one_sided = sample_size_means(std=1.0, effect=-0.1, alternative="less", baseline_mean=5.0)
    assert one_sided.n_a < r.n_a
    assert one_sided.relative_effect == pytest.approx(-0.02)


def test_relative_effects_and_vectorised_plans() -> None:
    r = sample_size_proportions(baseline=[0.05, 0.1, 0.2], effect=0.1, relative=True)
    assert isinstance(r, DesignResult)
    assert np.allclose(np.asarray(r.effect), [0.005, 0.01, 0.02])
    single = sample_size_proportions(baseline=0.1, effect=0.01)
    assert np.asarray(r.n_a)[1] == single.n_a
    assert "3 scenarios" in repr(r)


def test_bad_plans_are_refused() -> None:
    with pytest.raises(ValidationError, match="effect: must be > 0 for alternative='greater'"):
        sample_size_proportions(baseline=0.1, effect=-0.01, alternative="greater")
    with pytest.raises(ValidationError, match="effect: puts the treatment rate outside"):
        power_proportions(baseline=0.95, effect=0.1, n_a=100)
    with pytest.raises(ValidationError, match="baseline: must be between 0 and 1"):
        mde_proportions(baseline=0.0, n_a=100)
    with pytest.raises(ValidationError, match="std: must be > 0"):
        power_means(std=0.0, effect=1.0, n_a=10)
    with pytest.raises(ValidationError, match="effect: must not be 0"):
        sample_size_means(std=1.0, effect=0.0)
