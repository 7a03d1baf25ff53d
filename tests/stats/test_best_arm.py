"""Chance to be best and expected loss among several arms."""

from __future__ import annotations

import numpy as np
import pytest

from promocore.errors import ValidationError
from promocore.stats import (
    BetaPrior,
    bayes_means,
    bayes_proportions,
    best_arm_means,
    best_arm_proportions,
)


@pytest.mark.parametrize(
    "counts",
    [(10000, 1000, 10000, 1100), (1000, 10, 1000, 25), (50, 3, 60, 9), (20, 0, 20, 1)],
)
def test_two_arms_agree_with_the_pairwise_read_out(counts: tuple[int, int, int, int]) -> None:
    n_a, x_a, n_b, x_b = counts
    pair = bayes_proportions(*counts)
    best = best_arm_proportions([n_a, n_b], [x_a, x_b])
    assert float(best.chance_to_be_best[1]) == pytest.approx(pair.chance_to_win, abs=1e-10)
    assert float(best.expected_loss[0]) == pytest.approx(pair.risk[0], abs=1e-10)
    assert float(best.expected_loss[1]) == pytest.approx(pair.risk[1], abs=1e-10)


def test_two_means_agree_with_the_gaussian_read_out() -> None:
    best = best_arm_means([1000, 1000], [50000, 55000], [5e6, 6e6])
    pair = bayes_means(1000, 50000, 5e6, 1000, 55000, 6e6)
    assert float(best.chance_to_be_best[1]) == pytest.approx(
        pair.difference.chance_to_win, abs=1e-10
    )
    assert float(best.expected_loss[0]) == pytest.approx(pair.difference.risk[0], rel=1e-9)


def test_four_arms_against_simulation() -> None:
    n = np.array([5000, 5200, 4800, 100])
    x = np.array([500, 540, 510, 12])
    r = best_arm_proportions(n, x)
    draws = np.random.default_rng(0).beta(1 + x, 1 + n - x, size=(1_000_000, 4))
    shares = np.bincount(draws.argmax(axis=1), minlength=4) / draws.shape[0]
    losses = draws.max(axis=1).mean() - draws.mean(axis=0)
    assert np.array(r.chance_to_be_best, dtype=float) == pytest.approx(shares, abs=2e-3)
    assert np.array(r.expected_loss, dtype=float) == pytest.approx(losses, abs=1e-4)
    assert sum(float(c) for c in r.chance_to_be_best) == pytest.approx(1.0, abs=1e-9)


def test_many_experiments_at_once() -> None:
    n = np.array([[1000, 1000, 1000], [2000, 2000, 2000]])
    x = np.array([[100, 120, 90], [200, 190, 230]])
    many = best_arm_proportions(n, x, prior=BetaPrior(2, 20))
    for i in range(2):
        one = best_arm_proportions(n[i], x[i], prior=BetaPrior(2, 20))
        for arm in range(3):
            got = np.asarray(many.chance_to_be_best[arm])[i]
            assert got == pytest.approx(float(one.chance_to_be_best[arm]), abs=1e-12)
    assert "2 experiments, 3 arms" in repr(many)


def test_bad_input() -> None:
    with pytest.raises(ValidationError, match="from 2 to"):
        best_arm_proportions([100], [10])
    with pytest.raises(ValidationError, match="successes"):
        best_arm_proportions([100, 100], [10, 120])
    with pytest.raises(ValidationError, match="prior"):
        best_arm_proportions([100, 100], [10, 12], prior=(1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="no variation"):
        best_arm_means([10, 10], [50, 60], [250, 400])
