from __future__ import annotations

import numpy as np
import pytest

from promocore.errors import Problem, PromocoreError, ValidationError
from promocore.stats import (
    adjust,
    choose_tau,
    compare_proportions,
    lift_means,
    msprt_proportions,
    srm_check,
    welch_test,
)


def _problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_error_names_the_argument_and_the_experiment() -> None:
    n_b = np.full(20, 100)
    successes_b = np.full(20, 10)
    successes_b[17] = 120
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions(100, 10, n_b, successes_b)
    assert _problems(excinfo) == ["successes_b[17]: must be <= n_b (120 > 100)"]
    assert excinfo.value.problems[0] == Problem("successes_b[17]", "must be <= n_b (120 > 100)")


def test_validation_error_is_a_promocore_error_and_a_value_error() -> None:
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions(100, 101, 100, 10)
    assert isinstance(excinfo.value, PromocoreError)
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value) == "successes_a: must be <= n_a (101 > 100)"


def test_every_problem_is_reported_once() -> None:
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions(-1, 0.5, "many", True)
    assert _problems(excinfo) == [
        "n_a: must be >= 0 (got -1)",
        "successes_a: must be a whole number (got 0.5)",
        "n_b: expected a number or an array of numbers",
        "successes_b: expected a number, got a bool",
    ]


def test_non_finite_values_are_refused_with_their_index() -> None:
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions([100, np.nan], [1, 2], [100, 100], [3, np.inf])
    assert _problems(excinfo) == [
        "n_a[1]: must be a finite number (got nan)",
        "successes_b[1]: must be a finite number (got inf)",
    ]


def test_many_bad_entries_are_summarised() -> None:
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions(10, np.arange(30), 10, 1)
    problems = _problems(excinfo)
    assert problems[0] == "successes_a[11]: must be <= n_a (11 > 10)"
    assert problems[-1] == "successes_a: 14 more entries: must be <= n_a"
    assert len(problems) == 6


def test_two_dimensional_inputs_show_both_indices() -> None:
    x = np.zeros((2, 3))
    x[1, 2] = 50
    with pytest.raises(ValidationError) as excinfo:
        compare_proportions(10, 0, 10, x)
    assert _problems(excinfo) == ["successes_b[1, 2]: must be <= n_b (50 > 10)"]


def test_shapes_that_do_not_broadcast_are_refused() -> None:
    with pytest.raises(ValidationError, match="do not have matching shapes"):
        compare_proportions([10, 10], [1, 1], [10, 10, 10], [1, 1, 1])


def test_an_arm_without_users_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"n_a\[1\]: must be >= 1"):
        compare_proportions([10, 0], [1, 0], [10, 10], [1, 1])


def test_variance_needs_two_users() -> None:
    with pytest.raises(ValidationError, match="n_b: must be >= 2 to estimate a variance"):
        welch_test(10, 5.0, 5.0, 1, 1.0, 1.0)


def test_sum_of_squares_cannot_be_below_the_square_of_the_sum() -> None:
    with pytest.raises(ValidationError, match=r"sumsq_a\[0\]: must be >= sum_a\*\*2 / n_a"):
        lift_means([10, 10], [100.0, 10.0], [10.0, 20.0], 10, 10.0, 20.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compare_proportions(10, 1, 10, 2, alpha=1.5), "alpha: must be between 0 and 1"),
        (
            lambda: compare_proportions(10, 1, 10, 2, alternative="up"),
            "alternative: must be one of",
        ),
        (lambda: compare_proportions(10, 1, 10, 2, test="chi2"), "test: must be one of"),
        (lambda: compare_proportions(10, 1, 10, 2, exact="yes"), "exact: must be one of"),
        (lambda: msprt_proportions(10, 1, 10, 2, tau=0.0), "tau: must be > 0"),
        (lambda: choose_tau(), "give either planned_n"),
        (lambda: choose_tau(planned_n=100), "exactly one of unit_variance or baseline_rate"),
        (lambda: srm_check([10]), "at least two arms"),
        (lambda: srm_check([10, 10], [1, 2, 3]), "one weight per arm"),
        (lambda: adjust([0.2, 1.2]), r"p_values\[1\]: must be between 0 and 1"),
        (lambda: adjust([0.2], estimates=[1.0]), "give estimates and std_errors together"),
    ],
)
def test_bad_options_are_refused(call: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call()  # type: ignore[operator]
