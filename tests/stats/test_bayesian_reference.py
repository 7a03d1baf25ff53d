"""The Bayesian engine against reference figures computed with GrowthBook's gbstats.

The figures live in ``fixtures/gbstats_reference.json`` (how they were made is written in
its ``about`` field); gbstats itself is not needed to run these tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from promocore.stats import BetaPrior, EffectPrior, bayes_means, bayes_proportions

FIXTURES = json.loads(
    (Path(__file__).parent / "fixtures" / "gbstats_reference.json").read_text(encoding="utf-8")
)
TOLERANCE = 1e-6


def _close(ours: object, theirs: float) -> None:
    value = float(np.asarray(ours))
    assert abs(value - theirs) <= TOLERANCE * max(1.0, abs(theirs)), (value, theirs)


BETA_CASES = FIXTURES["beta_binomial"]["cases"]


@pytest.mark.parametrize("case", BETA_CASES, ids=lambda c: f"{c['successes_a']}/{c['n_a']}")
def test_beta_binomial_matches_gbstats_0_5(case: dict[str, Any]) -> None:
    prior = (BetaPrior(*case["prior_a"]), BetaPrior(*case["prior_b"]))
    counts = (case["n_a"], case["successes_a"], case["n_b"], case["successes_b"])
    approx = bayes_proportions(*counts, prior=prior, method="approximate")
    exact = bayes_proportions(*counts, prior=prior)
    # The log-normal approximation of B / A: the same figures in both methods.
    for r in (approx, exact):
        _close(r.lift.location, case["log_mean"])
        _close(r.lift.scale, case["log_stddev"])
        _close(r.lift.estimate, case["expected"])
        _close(r.lift.interval[0], case["ci"][0])
        _close(r.lift.interval[1], case["ci"][1])
    # gbstats' chance to win is the log-normal one: our approximate method.
    _close(approx.chance_to_win, case["chance_to_win"])
    # gbstats integrates the risk (24-node Gauss-Jacobi): our exact method.
    _close(exact.difference.risk[0], case["risk"][0])
    _close(exact.difference.risk[1], case["risk"][1])


GAUSSIAN_CASES = FIXTURES["gaussian"]["cases"]


def _gaussian_id(case: dict[str, Any]) -> str:
    return f"{case['kind']}-{case['a'][0]}-{case['prior']}"


@pytest.mark.parametrize("case", GAUSSIAN_CASES, ids=_gaussian_id)
def test_gaussian_model_matches_gbstats_0_8(case: dict[str, Any]) -> None:
    prior = None
    if case["prior"] is not None:
        mean, sd, scale = case["prior"]
        prior = EffectPrior(mean=mean, sd=sd, scale=scale)
    if case["kind"] == "mean":
        r = bayes_means(*case["a"], *case["b"], prior=prior)
    else:
        r = bayes_proportions(*case["a"], *case["b"], model="gaussian", prior=prior)
    for part, theirs in ((r.lift, case["relative"]), (r.difference, case["absolute"])):
        assert theirs["error"] is None
        _close(part.chance_to_win, theirs["chance_to_win"])
        _close(part.estimate, theirs["expected"])
        _close(part.scale, theirs["stddev"])
        _close(part.interval[0], theirs["ci"][0])
        _close(part.interval[1], theirs["ci"][1])
        _close(part.risk[0], theirs["risk"][0])
        _close(part.risk[1], theirs["risk"][1])
    _close(r.chance_to_win, case["relative"]["chance_to_win"])


def test_every_reference_case_is_used() -> None:
    assert len(BETA_CASES) >= 12
    assert len(GAUSSIAN_CASES) >= 36
