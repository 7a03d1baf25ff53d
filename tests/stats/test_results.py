from __future__ import annotations

import json

import attrs
import numpy as np
import pytest

from promocore.stats import (
    Analysis,
    ComparisonResult,
    analyze_conversions,
    analyze_means,
    compare_proportions,
    msprt_proportions,
)


def test_results_are_frozen_and_their_arrays_read_only() -> None:
    r = compare_proportions([100, 200], [10, 20], [100, 200], [15, 30])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.alpha = 0.1  # type: ignore[misc]
    assert isinstance(r.p_value, np.ndarray)
    with pytest.raises(ValueError, match="read-only"):
        r.p_value[0] = 0.0


def test_scalar_inputs_give_plain_floats() -> None:
    r = compare_proportions(10000, 1000, 10000, 1100)
    assert type(r.estimate) is float and type(r.p_value) is float
    assert type(r.ci_low) is float and r.method == "z-pooled"
    assert r.significant is True


def test_repr_is_readable() -> None:
    r = compare_proportions(10000, 1000, 10000, 1100, interval="wald")
    assert repr(r) == (
        "ComparisonResult(difference=0.01, 95% CI [0.00150406, 0.0184959], p_value=0.0210752, "
        "method='z-pooled', interval_method='wald')"
    )
    many = compare_proportions([10000, 40], [1000, 1], [10000, 40], [1100, 6])
    assert repr(many) == (
        "ComparisonResult(difference for 2 experiments, method='fisher-exact×1, z-pooled×1', "
        "interval_method='newcombe', significant at alpha=0.05: 1, warnings=1)"
    )
    seq = msprt_proportions(10000, 1000, 10000, 1100, tau=0.01)
    assert repr(seq).startswith("SequentialResult(difference=0.01, 95% confidence sequence [")


def test_to_dict_is_plain_and_json_ready() -> None:
    r = compare_proportions([100, 200], [10, 20], [100, 200], [15, 30])
    d = r.to_dict()
    assert d["method"] == ["z-pooled", "z-pooled"]
    assert isinstance(d["p_value"], list) and isinstance(d["p_value"][0], float)
    assert d["interval"][0] == list(r.interval[0])  # type: ignore[arg-type]
    json.dumps(d)


def test_analysis_bundles_the_read_out() -> None:
    a = analyze_conversions(10000, 1000, 10000, 1100, tau=0.01, expected_split=(1, 1))
    assert isinstance(a, Analysis)
    assert isinstance(a.difference, ComparisonResult) and a.difference.estimand == "difference"
    assert a.lift.estimand == "relative lift"
    assert a.sequential is not None and a.srm is not None and not a.srm.mismatch
    assert set(a.to_dict()) == {"metric", "difference", "lift", "sequential", "srm"}
    means = analyze_means(1000, 50000.0, 5e6, 1000, 52000.0, 5.6e6, tau=5.0)
    assert means.metric == "mean" and means.sequential is not None
    assert means.warnings == ()


def test_vectorised_analysis_keeps_per_experiment_methods() -> None:
    a = analyze_conversions([10000, 30], [1000, 0], [10000, 30], [1100, 2], tau=0.01)
    assert np.asarray(a.difference.method).tolist() == ["z-pooled", "fisher-exact"]
    assert np.isnan(np.asarray(a.lift.estimate)[1])
    assert len(a.warnings) == 2
