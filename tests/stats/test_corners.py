"""Corner cases: zero variance, all-or-nothing arms, ill-conditioned sums, options, warnings."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pytest

from promocore.errors import ValidationError
from promocore.stats import (
    analyze_conversions,
    analyze_means,
    bayes_means,
    bayes_proportions,
    bootstrap_difference,
    compare_proportions,
    lift_means,
    lift_proportions,
    msprt_means,
    msprt_proportions,
    welch_test,
)
from promocore.stats._notes import ILL_CONDITIONED, NO_EVIDENCE_YET, ZERO_VARIANCE

# Every user spends exactly 5 in A and 6 in B, or 5 in both.
DIFFERENT = (100, 500.0, 2500.0, 100, 600.0, 3600.0)
EQUAL = (100, 500.0, 2500.0, 100, 500.0, 2500.0)


def test_zero_variance_has_one_answer_across_the_mean_tests() -> None:
    welch = welch_test(*DIFFERENT)
    lift = lift_means(*DIFFERENT)
    fieller = lift_means(*DIFFERENT, method="fieller")
    sequential = msprt_means(*DIFFERENT, tau=1.0)
    bayes = bayes_means(*DIFFERENT)
    for r in (welch, lift, fieller, sequential):
        assert r.p_value == 0.0
        assert ZERO_VARIANCE in r.warnings
    assert welch.interval == (1.0, 1.0) and sequential.interval == (1.0, 1.0)
    assert lift.interval == pytest.approx((0.2, 0.2)) and fieller.interval == pytest.approx(
        (0.2, 0.2)
    )
    assert bayes.chance_to_win == 1.0 and bayes.difference.interval == (1.0, 1.0)
    same = [welch_test(*EQUAL), lift_means(*EQUAL), lift_means(*EQUAL, method="fieller")]
    for r in same:
        assert r.p_value == 1.0 and r.interval[0] == r.interval[1]
        assert ZERO_VARIANCE in r.warnings
    assert bayes_means(*EQUAL).chance_to_win == 0.5


def test_a_sequential_look_with_nothing_seen_counts_no_evidence() -> None:
    r = msprt_means(*EQUAL, tau=1.0)
    assert r.p_value == 1.0 and r.interval == (-math.inf, math.inf)
    assert r.warnings == (NO_EVIDENCE_YET,)
    # Such a look does not pin the sequence: later looks with data still narrow it.
    looks = msprt_proportions([100, 5000], [0, 500], [100, 5000], [0, 600], tau=0.02)
    assert -math.inf < looks.interval[0] < 0.02 < looks.interval[1] < math.inf


def test_all_or_nothing_arms_are_evidence_in_every_test() -> None:
    counts = (1000, 0, 1000, 1000)
    z = compare_proportions(*counts, exact=None)
    sequential = msprt_proportions(*counts, tau=0.1)
    assert z.p_value < 1e-100
    assert sequential.p_value < 1e-100
    assert sequential.interval[0] > 0.9
    assert any("all or nothing" in w for w in sequential.warnings)
    assert bayes_proportions(*counts).chance_to_win == pytest.approx(1.0)
    assert compare_proportions(*counts).p_value < 1e-100  # the exact switch agrees


def test_huge_evidence_does_not_overflow() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = msprt_means(10**6, 1e6, 1e6 + 1e3, 10**6, 2e6, 4e6 + 1e3, tau=1.0)
    assert r.p_value == 0.0 and r.likelihood_ratio == math.inf


def test_ill_conditioned_sums_are_flagged() -> None:
    rng = np.random.default_rng(5)
    a, b = 1e6 + rng.normal(0, 1, 500), 1e6 + 0.2 + rng.normal(0, 1, 500)
    stats = (a.size, a.sum(), a @ a, b.size, b.sum(), b @ b)
    for r in (welch_test(*stats), lift_means(*stats), msprt_means(*stats, tau=1.0)):
        assert ILL_CONDITIONED in r.warnings
    assert ILL_CONDITIONED in bayes_means(*stats).warnings
    shifted = (
        a.size,
        (a - 1e6).sum(),
        (a - 1e6) @ (a - 1e6),
        b.size,
        (b - 1e6).sum(),
        (b - 1e6) @ (b - 1e6),
    )
    assert ILL_CONDITIONED not in welch_test(*shifted).warnings


def test_zero_width_lift_of_identical_conversions_is_noted() -> None:
    r = lift_proportions(1000, 1000, 1000, 1000)
    assert r.p_value == 1.0 and r.interval == (0.0, 0.0)
    assert ZERO_VARIANCE in r.warnings


def test_empty_looks_and_text_counts_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least one look"):
        msprt_proportions([], [], [], [], tau=0.01)
    with pytest.raises(ValidationError, match="at least one look"):
        msprt_means([], [], [], [], [], [], tau=0.01)
    with pytest.raises(ValidationError, match="successes_a"):
        msprt_proportions(100, "10", 100, 12, tau=0.01)
    with pytest.raises(ValidationError, match="n_b"):
        compare_proportions(100, 10, ["100"], 12)


@pytest.mark.parametrize("value", [-1, math.nan, math.inf, "5", True, None])
def test_min_expected_is_validated(value: object) -> None:
    with pytest.raises(ValidationError, match="min_expected"):
        compare_proportions(100, 10, 100, 12, min_expected=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [({"seed": -1}, "seed"), ({"seed": "x"}, "seed"), ({"n_resamples": 10**7}, "n_resamples")],
)
def test_bootstrap_options_are_validated(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        bootstrap_difference([1, 2, 3], [2, 3, 4], **kwargs)  # type: ignore[arg-type]
    assert path in [p.path for p in caught.value.problems]


EDGES: list[tuple[int, int, int, int]] = [
    (1000, 0, 1000, 1000),
    (1000, 1000, 1000, 0),
    (1000, 0, 1000, 0),
    (1000, 1000, 1000, 1000),
    (2, 0, 2, 2),
    (2, 1, 2, 1),
    (10**9, 1, 10**9, 3),
]


CALLS: list[Callable[[tuple[int, int, int, int]], object]] = [
    lambda c: analyze_conversions(*c, tau=0.05, expected_split=(1, 1)),
    lambda c: analyze_conversions(*c, test="welch", exact=None, interval="wald", tau=0.05),
    lambda c: analyze_conversions(*c, test="z-unpooled", interval="score", lift_method="fieller"),
    lambda c: bayes_proportions(*c),
    lambda c: bayes_proportions(*c, method="approximate"),
    lambda c: bayes_proportions(*c, model="gaussian"),
    lambda c: msprt_proportions(*c, tau=1e-6),
]


@pytest.mark.parametrize("call", CALLS)
def test_no_numpy_warning_reaches_the_caller(
    call: Callable[[tuple[int, int, int, int]], object],
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for case in EDGES:
            call(case)
        for stats in (DIFFERENT, EQUAL, (2, 0.0, 0.0, 2, 0.0, 0.0), (2, -1.0, 1.0, 2, 1.0, 1.0)):
            analyze_means(*stats, tau=0.5, expected_split=(1, 1))
            analyze_means(*stats, lift_method="fieller")
            bayes_means(*stats)


def test_fisher_sums_the_support_like_scipy() -> None:
    from scipy import stats

    from promocore.stats.exact import fisher_p_value

    rng = np.random.default_rng(11)
    for _ in range(200):
        n_a, n_b = (int(x) for x in rng.integers(1, 60, 2))
        x_a, x_b = int(rng.integers(0, n_a + 1)), int(rng.integers(0, n_b + 1))
        for alternative in ("two-sided", "greater", "less"):
            ours = fisher_p_value(x_a, n_a, x_b, n_b, alternative)
            table = [[x_b, x_a], [n_b - x_b, n_a - x_a]]
            theirs = stats.fisher_exact(table, alternative=alternative).pvalue
            assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-15)


def test_fisher_with_a_billion_users() -> None:
    # Conditional on 4 conversions in all, B's count is Binomial(4, 1/2) to 1e-9: the
    # two-sided p-value of 3 vs 1 is P(X != 2) = 1 - 6/16.
    r = compare_proportions(10**9, 1, 10**9, 3)
    assert r.method == "fisher-exact"
    assert r.p_value == pytest.approx(10 / 16, rel=1e-8)


def test_sequential_and_analysis_options_are_validated() -> None:
    with pytest.raises(ValidationError, match="previous"):
        msprt_proportions(1000, 100, 1000, 120, tau=0.01, previous="yesterday")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="axis"):
        msprt_proportions(1000, 100, 1000, 120, tau=0.01, axis="last")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected_split"):
        analyze_conversions(1000, 100, 1000, 120, expected_split=50)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected"):
        analyze_means(*DIFFERENT, expected_split=("a", "b"))  # type: ignore[arg-type]
