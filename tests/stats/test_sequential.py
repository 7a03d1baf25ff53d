from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.stats import (
    SequentialResult,
    choose_tau,
    compare_proportions,
    msprt_means,
    msprt_proportions,
)
from promocore.stats._notes import NO_EVIDENCE_YET

FAST = settings(max_examples=40, deadline=None)


def _lambda(d: float, v: float, tau: float) -> float:
    return math.sqrt(v / (v + tau**2)) * math.exp(tau**2 * d**2 / (2 * v * (v + tau**2)))


def test_single_look_matches_the_mixture_likelihood_ratio() -> None:
    r = msprt_proportions(10000, 1000, 10000, 1100, tau=0.01)
    v = 0.1 * 0.9 / 10000 + 0.11 * 0.89 / 10000
    lr = _lambda(0.01, v, 0.01)
    assert r.likelihood_ratio == pytest.approx(lr, rel=1e-12)
    assert r.p_value == pytest.approx(min(1.0, 1 / lr), rel=1e-12)
    half = math.sqrt(v * (v + 1e-4) / 1e-4 * (2 * math.log(20) + math.log((v + 1e-4) / v)))
    assert r.interval == pytest.approx((0.01 - half, 0.01 + half), rel=1e-12)
    assert r.looks == 1 and r.method == "msprt"


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[int], list[int], list[int], list[int]]:
    looks = draw(st.integers(1, 12))
    rate_a = draw(st.floats(0.02, 0.5))
    lift = draw(st.floats(-0.3, 0.3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    step = draw(st.integers(20, 2000))
    n = np.cumsum(np.full(looks, step))
    x_a = np.cumsum(rng.binomial(step, rate_a, looks))
    x_b = np.cumsum(rng.binomial(step, min(0.99, rate_a * (1 + lift)), looks))
    return n.tolist(), x_a.tolist(), n.tolist(), x_b.tolist()


@FAST
@given(histories(), st.sampled_from([0.005, 0.02, 0.1]))
def test_p_value_is_the_running_minimum_and_agrees_with_the_sequence(
    history: tuple[list[int], list[int], list[int], list[int]], tau: float
) -> None:
    full = msprt_proportions(*history, tau=tau)
    per_look = [
        msprt_proportions(*(h[k] for h in history), tau=tau) for k in range(len(history[0]))
    ]
    running = min(min(1.0, 1 / float(r.likelihood_ratio)) for r in per_look)
    assert full.p_value == pytest.approx(running, rel=1e-12)
    assert full.interval[0] == pytest.approx(max(float(r.interval[0]) for r in per_look))
    assert full.interval[1] == pytest.approx(min(float(r.interval[1]) for r in per_look))
    # Prefixes of the history never give a larger p-value later on.
    previous = 1.0
    for k in range(1, len(history[0]) + 1):
        p = float(msprt_proportions(*(h[:k] for h in history), tau=tau).p_value)
        assert p <= previous + 1e-15
        previous = p
    low, high = (float(b) for b in full.interval)
    if abs(float(full.p_value) - 0.05) > 1e-9 and low <= high:
        assert (float(full.p_value) < 0.05) == (low > 0 or high < 0)


@FAST
@given(histories())
def test_continuing_from_a_previous_result_equals_the_whole_history(
    history: tuple[list[int], list[int], list[int], list[int]],
) -> None:
    cut = len(history[0]) // 2
    if cut == 0:
        return
    first = msprt_proportions(*(h[:cut] for h in history), tau=0.02)
    rest = msprt_proportions(*(h[cut:] for h in history), tau=0.02, previous=first)
    whole = msprt_proportions(*history, tau=0.02)
    assert rest.looks == whole.looks
    assert rest.p_value == pytest.approx(whole.p_value, rel=1e-12)
    assert rest.interval == pytest.approx(whole.interval, rel=1e-12)


def test_previous_result_must_use_the_same_tau() -> None:
    first = msprt_proportions(1000, 100, 1000, 110, tau=0.02)
    with pytest.raises(ValidationError, match=r"previous: was computed with tau=0\.02"):
        msprt_proportions(2000, 200, 2000, 230, tau=0.03, previous=first)


def test_peeking_keeps_the_false_positive_rate_under_alpha() -> None:
    # 2000 A/A experiments looked at 40 times each. Stopping at the first fixed-horizon
    # p < 0.05 would declare far more than 5 % winners; the always-valid p does not.
    rng = np.random.default_rng(2024)
    experiments, looks, step, rate = 2000, 40, 250, 0.1
    n = np.cumsum(np.full((experiments, looks), step), axis=1)
    x_a = np.cumsum(rng.binomial(step, rate, (experiments, looks)), axis=1)
    x_b = np.cumsum(rng.binomial(step, rate, (experiments, looks)), axis=1)
    tau = choose_tau(planned_n=step * looks, baseline_rate=rate)
    sequential = msprt_proportions(n, x_a, n, x_b, tau=tau)
    always_valid_rate = float(np.mean(np.asarray(sequential.p_value) < 0.05))
    naive = compare_proportions(n, x_a, n, x_b, exact=None)
    peeking_rate = float(np.mean(np.any(np.asarray(naive.p_value) < 0.05, axis=1)))
    assert always_valid_rate < 0.05
    assert peeking_rate > 0.15


def test_many_experiments_at_one_look_each() -> None:
    n = np.full(4, 10000)
    r = msprt_proportions(n, np.full(4, 1000), n, [1000, 1100, 1200, 1300], tau=0.01, axis=None)
    assert isinstance(r.p_value, np.ndarray) and r.p_value.shape == (4,)
    for i, x_b in enumerate([1000, 1100, 1200, 1300]):
        alone = msprt_proportions(10000, 1000, 10000, x_b, tau=0.01)
        assert r.p_value[i] == pytest.approx(alone.p_value, rel=1e-12)


def test_looks_along_another_axis() -> None:
    n = np.array([[1000, 1000], [2000, 2000]])
    x_a = np.array([[100, 100], [200, 200]])
    x_b = np.array([[110, 150], [220, 300]])
    r = msprt_proportions(n, x_a, n, x_b, tau=0.02, axis=0)
    for j in range(2):
        alone = msprt_proportions(n[:, j], x_a[:, j], n[:, j], x_b[:, j], tau=0.02)
        assert np.asarray(r.p_value)[j] == pytest.approx(alone.p_value, rel=1e-12)


def test_no_variance_counts_as_no_evidence() -> None:
    r = msprt_proportions(100, 0, 100, 0, tau=0.01)
    assert r.p_value == 1.0
    assert r.interval == (-math.inf, math.inf)
    assert r.warnings == (NO_EVIDENCE_YET,)


def test_users_must_not_decrease_between_looks() -> None:
    with pytest.raises(ValidationError, match=r"n_a\[1\]: must not decrease"):
        msprt_proportions([100, 90], [10, 10], [100, 100], [10, 12], tau=0.01)


def test_means_version_uses_the_sample_variances() -> None:
    r = msprt_means([500, 1000], [5000.0, 10100.0], [70000.0, 142000.0],
                    [500, 1000], [5200.0, 10600.0], [76000.0, 154000.0], tau=1.0)  # fmt: skip
    assert isinstance(r, SequentialResult) and r.looks == 2
    v = (142000 - 10100**2 / 1000) / 999 / 1000 + (154000 - 10600**2 / 1000) / 999 / 1000
    assert r.likelihood_ratio == pytest.approx(_lambda(0.5, v, 1.0), rel=1e-9)


def _half_width(v: float, tau: float, alpha: float = 0.05) -> float:
    return math.sqrt(
        v * (v + tau**2) / tau**2 * (2 * math.log(1 / alpha) + math.log((v + tau**2) / v))
    )


@pytest.mark.parametrize(("n", "rate"), [(1000, 0.05), (20000, 0.1), (500000, 0.3)])
def test_tau_from_a_plan_gives_the_narrowest_sequence_at_the_planned_size(
    n: int, rate: float
) -> None:
    tau = choose_tau(planned_n=n, baseline_rate=rate)
    v = 2 * rate * (1 - rate) / n
    best = _half_width(v, tau)
    for factor in (0.5, 0.8, 0.95, 1.05, 1.25, 2.0):
        assert best < _half_width(v, tau * factor)


def test_tau_from_past_effects() -> None:
    effects = [0.01, -0.02, 0.005, 0.015]
    errors = [0.004, 0.004, 0.006, 0.005]
    expected = math.sqrt(np.mean(np.square(effects)) - np.mean(np.square(errors)))
    assert choose_tau(past_effects=effects, past_std_errors=errors) == pytest.approx(expected)
    assert choose_tau(past_effects=effects) == pytest.approx(math.sqrt(np.mean(np.square(effects))))
    with pytest.raises(ValidationError, match="no larger than their standard errors"):
        choose_tau(past_effects=[0.001], past_std_errors=[0.01])
    with pytest.raises(ValidationError, match="one entry per past effect"):
        choose_tau(past_effects=[0.01, 0.02], past_std_errors=[0.01])
