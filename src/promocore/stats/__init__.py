"""A/B significance testing for campaigns.

Every test takes sufficient statistics — conversions as ``(n, successes)``,
metrics as ``(n, sum, sum of squares)`` — as scalars or as numpy arrays with one
entry per experiment, so thousands of experiments are analysed in one call.
Tests that need raw values (Mann–Whitney, bootstrap) take them as arrays.

Results are frozen objects ([`ComparisonResult`][promocore.stats.results.ComparisonResult],
[`SequentialResult`][promocore.stats.results.SequentialResult] and friends) holding the estimate,
interval, p-value, the method actually used and warnings; they hold arrays when the inputs were
arrays, print readably and convert to plain values with ``to_dict()``. Bad input raises
[`ValidationError`][promocore.errors.ValidationError] naming the argument and the experiment
(``successes_b[17]: must be <= n_b (120 > 100)``).

scipy is imported on first use, not by ``import promocore.stats``.

Examples:
    >>> from promocore import stats
    >>> r = stats.compare_proportions(10000, 1000, 10000, 1100)
    >>> r.significant, r.method
    (True, 'z-pooled')
"""

from promocore.stats.analysis import Analysis, analyze_conversions, analyze_means
from promocore.stats.bayesian import BetaPrior, EffectPrior, bayes_means, bayes_proportions
from promocore.stats.best_arm import BestArmResult, best_arm_means, best_arm_proportions
from promocore.stats.bootstrap import bootstrap_difference
from promocore.stats.capping import capping_threshold, winsorize
from promocore.stats.corrections import CorrectionResult, adjust
from promocore.stats.cuped import CovariateSummary, CupedResult, cuped, summarize_with_covariate
from promocore.stats.design import DesignResult
from promocore.stats.design_means import mde_means, power_means, sample_size_means
from promocore.stats.design_proportions import (
    mde_proportions,
    power_proportions,
    sample_size_proportions,
)
from promocore.stats.economics import EconomicsResult, campaign_economics
from promocore.stats.lift import lift_means, lift_proportions
from promocore.stats.means import Summary, summarize, welch_test
from promocore.stats.proportion_intervals import wilson_interval
from promocore.stats.proportions import compare_proportions
from promocore.stats.rank_test import mann_whitney
from promocore.stats.results import (
    BayesianResult,
    ComparisonResult,
    PosteriorLift,
    SequentialResult,
)
from promocore.stats.sequential import choose_tau, msprt_means, msprt_proportions
from promocore.stats.srm import SRMResult, srm_check

__all__ = [
    "Analysis",
    "BayesianResult",
    "BestArmResult",
    "BetaPrior",
    "ComparisonResult",
    "CorrectionResult",
    "CovariateSummary",
    "CupedResult",
    "DesignResult",
    "EconomicsResult",
    "EffectPrior",
    "PosteriorLift",
    "SRMResult",
    "SequentialResult",
    "Summary",
    "adjust",
    "analyze_conversions",
    "analyze_means",
    "bayes_means",
    "bayes_proportions",
    "best_arm_means",
    "best_arm_proportions",
    "bootstrap_difference",
    "campaign_economics",
    "capping_threshold",
    "choose_tau",
    "compare_proportions",
    "cuped",
    "lift_means",
    "lift_proportions",
    "mann_whitney",
    "mde_means",
    "mde_proportions",
    "msprt_means",
    "msprt_proportions",
    "power_means",
    "power_proportions",
    "sample_size_means",
    "sample_size_proportions",
    "srm_check",
    "summarize",
    "summarize_with_covariate",
    "welch_test",
    "wilson_interval",
    "winsorize",
]
