"""The Bayesian engine: hand-checked values, invariants, arrays, priors and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from promocore.errors import ValidationError
from promocore.stats import BetaPrior, EffectPrior, bayes_means, bayes_proportions
from promocore.stats._beta import _closed_chance, compare_betas


def test_hand_checked_uniform_posteriors() -> None:
    # No data: both rates uniform. P(B > A) = 1/2 and E[max(B − A, 0)] = 1/6.
    r = bayes_proportions(0, 0, 0, 0)
    assert r.chance_to_win == pytest.approx(0.5, abs=1e-14)
    assert r.risk[0] == pytest.approx(1 / 6, abs=1e-14)
    assert r.risk[1] == pytest.approx(1 / 6, abs=1e-14)
    # One success in B's single user: B ~ Beta(2, 1), density 2b; P(B > A) = ∫ 2b·b db = 2/3.
    r = bayes_proportions(0, 0, 1, 1)
    assert r.chance_to_win == pytest.approx(2 / 3, abs=1e-14)
    # E[max(B − A, 0)] = ∫∫_{a<b} (b − a) 2b = 1/4; E[B − A] = 2/3 − 1/2.
    assert r.risk[0] == pytest.approx(1 / 4, abs=1e-14)
    assert r.risk[0] - r.risk[1] == pytest.approx(2 / 3 - 1 / 2, abs=1e-14)


def _reference(a1: float, b1: float, a2: float, b2: float) -> tuple[float, float]:
    """P(B > A) and E[max(B − A, 0)] by adaptive quadrature over logit(A)."""

    def density(y: float) -> float:
        return float(
            np.exp(a1 * -np.logaddexp(0, -y) + b1 * -np.logaddexp(0, y) - special.betaln(a1, b1))
        )

    centre = float(special.digamma(a1) - special.digamma(b1))
    mean_b = a2 / (a2 + b2)

    def chance(y: float) -> float:
        return density(y) * float(special.betaincc(a2, b2, special.expit(y)))

    def loss(y: float) -> float:
        t = float(special.expit(y))
        tail, tail_up = special.betaincc(a2, b2, t), special.betaincc(a2 + 1, b2, t)
        return density(y) * float(mean_b * tail_up - t * tail)

    options = {"epsabs": 1e-15, "epsrel": 1e-13, "limit": 400}
    p = integrate.quad(chance, -np.inf, centre, **options)[0]
    p += integrate.quad(chance, centre, np.inf, **options)[0]
    r = integrate.quad(loss, -np.inf, centre, **options)[0]
    r += integrate.quad(loss, centre, np.inf, **options)[0]
    return p, r


PARAMETERS = [
    (31, 970, 35, 966),
    (1001, 9000, 1100, 8901),
    (5001, 45000, 5200, 44800),
    (40, 31, 31, 40),
    (3, 100, 5, 100),
    (1, 1001, 3, 999),
    (2, 5, 1, 10),
    (1000, 1, 999, 2),
    (2.5, 100, 3.5, 100),
    (45.5, 400, 30.25, 420),
]


@pytest.mark.parametrize("params", PARAMETERS)
def test_exact_comparison_against_adaptive_quadrature(params: tuple[float, ...]) -> None:
    arrays = [np.array([float(x)]) for x in params]
    chance, loss_a, loss_b = compare_betas(*arrays)
    p, r = _reference(*params)
    tolerance = 1e-8 if any(x != int(x) for x in params) else 1e-10
    assert float(chance[0]) == pytest.approx(p, abs=tolerance)
    assert float(loss_a[0]) == pytest.approx(r, abs=tolerance)
    a1, b1, a2, b2 = params
    assert float(loss_a[0] - loss_b[0]) == pytest.approx(a2 / (a2 + b2) - a1 / (a1 + b1), abs=1e-12)


def test_the_quadrature_and_the_closed_form_agree() -> None:
    rng = np.random.default_rng(3)
    a1, b1, a2, b2 = (rng.integers(30, 3000, 200).astype(float) for _ in range(4))
    chance, _, _ = compare_betas(a1, b1, a2, b2)  # all regular: the quadrature
    assert np.max(np.abs(chance - _closed_chance(a1, b1, a2, b2))) < 1e-10


counts = st.integers(0, 5000)


@settings(max_examples=60, deadline=None)
@given(n_a=counts, n_b=counts, f_a=st.floats(0, 1), f_b=st.floats(0, 1))
def test_swapping_the_arms_mirrors_the_result(n_a: int, n_b: int, f_a: float, f_b: float) -> None:
    x_a, x_b = round(n_a * f_a), round(n_b * f_b)
    ab = bayes_proportions(n_a, x_a, n_b, x_b)
    ba = bayes_proportions(n_b, x_b, n_a, x_a)
    assert 0 <= ab.chance_to_win <= 1
    assert ab.chance_to_win + ba.chance_to_win == pytest.approx(1, abs=1e-9)
    assert ab.risk[0] == pytest.approx(ba.risk[1], abs=1e-10)
    assert ab.risk[0] - ab.risk[1] == pytest.approx(ab.difference.estimate, abs=1e-10)
    low, high = ab.difference.interval
    assert low <= ab.difference.estimate <= high


def test_arrays_give_the_scalar_answers_and_broadcast_over_arms() -> None:
    n_a = np.array([[1000], [20000]])
    x_a = np.array([[100], [2000]])
    n_b = np.array([[1000, 1100, 900], [20000, 20000, 20000]])
    x_b = np.array([[90, 120, 100], [2100, 1950, 2000]])
    many = bayes_proportions(n_a, x_a, n_b, x_b)
    assert np.shape(many.chance_to_win) == (2, 3)
    for i in range(2):
        for j in range(3):
            one = bayes_proportions(int(n_a[i, 0]), int(x_a[i, 0]), int(n_b[i, j]), int(x_b[i, j]))
            assert np.asarray(many.chance_to_win)[i, j] == pytest.approx(
                one.chance_to_win, abs=1e-15
            )
            assert np.asarray(many.risk[1])[i, j] == pytest.approx(one.risk[1], abs=1e-15)
    assert "6 experiments" in repr(many)


def test_an_informative_prior_pulls_towards_its_mean() -> None:
    flat = bayes_proportions(100, 10, 100, 20)
    sceptical = bayes_proportions(100, 10, 100, 20, prior=BetaPrior(150, 1350))
    assert sceptical.chance_to_win < flat.chance_to_win
    assert abs(float(sceptical.difference.estimate)) < abs(float(flat.difference.estimate))
    own = bayes_proportions(100, 10, 100, 20, prior=(BetaPrior(1, 1), BetaPrior(2, 2)))
    assert own.prior["b"] == {"alpha": 2.0, "beta": 2.0}


def test_gaussian_prior_shrinks_and_flat_prior_is_the_data() -> None:
    stats = (1000, 50000, 5e6, 1000, 55000, 6e6)
    flat = bayes_means(*stats)
    assert flat.difference.estimate == pytest.approx(5.0)
    assert flat.lift.estimate == pytest.approx(0.1)
    tight = bayes_means(*stats, prior=EffectPrior(sd=0.01))
    assert 0 < float(tight.lift.estimate) < 0.1
    assert tight.prior == {"type": "normal", "sd": 0.01, "mean": 0.0, "scale": "relative"}


def test_zero_variance_means_a_known_effect() -> None:
    r = bayes_means(100, 500, 2500, 100, 600, 3600)  # every user spends exactly 5 or 6
    assert r.chance_to_win == 1.0
    assert r.difference.interval == (1.0, 1.0)
    assert r.difference.risk == (1.0, 0.0)
    assert any("no variation" in w for w in r.warnings)
    same = bayes_means(100, 500, 2500, 100, 500, 2500)
    assert same.chance_to_win == 0.5 and same.difference.risk == (0.0, 0.0)


def test_undefined_relative_lift() -> None:
    r = bayes_means(100, -50, 400, 100, 10, 400)
    assert np.isnan(r.lift.estimate) and np.isnan(r.chance_to_win)
    assert np.isfinite(r.difference.estimate)
    assert any("relative lift is not defined" in w for w in r.warnings)
    g = bayes_proportions(100, 0, 100, 5, model="gaussian")
    assert np.isnan(g.lift.estimate)


def test_credible_level() -> None:
    wide = bayes_proportions(1000, 100, 1000, 120, alpha=0.01)
    narrow = bayes_proportions(1000, 100, 1000, 120, alpha=0.2)
    assert wide.lift.interval[0] < narrow.lift.interval[0]
    assert wide.alpha == 0.01


def test_fractional_small_priors_are_flagged() -> None:
    r = bayes_proportions(10, 1, 10, 2, prior=BetaPrior(0.5, 0.5))
    assert any("1e-8" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"model": "poisson"}, "model"),
        ({"method": "mcmc"}, "method"),
        ({"alpha": 1.5}, "alpha"),
        ({"prior": EffectPrior(sd=1)}, "prior"),
        ({"model": "gaussian", "prior": BetaPrior()}, "prior"),
        ({"model": "gaussian", "method": "approximate"}, "method"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        bayes_proportions(100, 10, 100, 12, **kwargs)  # type: ignore[arg-type]
    assert path in [p.path for p in caught.value.problems]


def test_bad_counts_and_priors_are_refused() -> None:
    with pytest.raises(ValidationError, match="successes_b"):
        bayes_proportions(100, 10, 100, 120)
    with pytest.raises(ValidationError, match="n_a"):
        bayes_proportions("100", 10, 100, 12)
    with pytest.raises(ValidationError, match="alpha"):
        BetaPrior(0, 1)
    with pytest.raises(ValidationError, match="beta"):
        BetaPrior(1, float("inf"))
    with pytest.raises(ValidationError, match="sd"):
        EffectPrior(sd=-1)
    with pytest.raises(ValidationError, match="scale"):
        EffectPrior(sd=1, scale="log")
    with pytest.raises(ValidationError, match="n_a"):
        bayes_means(1, 1, 1, 10, 10, 20)
