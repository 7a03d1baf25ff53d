"""The one array-validation module that stats and analytics share."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import promocore._arrays as arrays
from promocore._arrays import (
    MAX_LISTED,
    CurrencyTracker,
    Inputs,
    amount_array,
    bool_array,
    exact_sum,
    exact_sum_of_squares,
    int_array,
    report,
)
from promocore.errors import ValidationError
from promocore.money import Money
from promocore.validation import Checks


def _messages(checks: Checks) -> list[str]:
    return [str(p) for p in checks.problems]


def test_docstring_examples_run() -> None:
    failures, _ = doctest.testmod(arrays)
    assert failures == 0


def test_report_names_the_first_entries_and_summarises_the_rest() -> None:
    checks = Checks()
    values = np.arange(-10, 0)
    assert report(checks, "counts", values < 0, "must be >= 0", values)
    messages = _messages(checks)
    assert messages[:MAX_LISTED] == [
        f"counts[{i}]: must be >= 0 (got {v})" for i, v in enumerate(range(-10, -10 + MAX_LISTED))
    ]
    assert messages[MAX_LISTED:] == [f"counts: {10 - MAX_LISTED} more entries: must be >= 0"]


def test_report_shows_whole_floats_and_labels_the_way_they_were_typed() -> None:
    checks = Checks()
    report(checks, "x", np.array([True, True, True]), "bad", np.array([2.0, 0.5, np.nan]))
    report(checks, "ids", np.array([True]), "unknown", np.array(["z"]))
    assert _messages(checks) == [
        "x[0]: bad (got 2)",
        "x[1]: bad (got 0.5)",
        "x[2]: bad (got nan)",
        "ids[0]: unknown (got 'z')",
    ]


def test_report_on_two_dimensions_names_both_indices() -> None:
    checks = Checks()
    report(checks, "n", np.array([[False, True], [False, False]]), "must be >= 1")
    assert _messages(checks) == ["n[0, 1]: must be >= 1"]


def test_inputs_and_columns_list_the_same_number_of_entries() -> None:
    v = Inputs()
    v.count("n", -np.ones(12))
    with pytest.raises(ValidationError) as stats_error:
        v.done()
    checks = Checks()
    int_array(-np.ones(12, dtype=np.int64), "n", checks)
    with pytest.raises(ValidationError) as column_error:
        checks.raise_if_any()
    assert [str(p) for p in stats_error.value.problems] == [
        str(p) for p in column_error.value.problems
    ]


def test_bool_array_takes_flags_and_refuses_anything_else() -> None:
    checks = Checks()
    assert bool_array([True, False, 1, 0], "holdout", checks).tolist() == [True, False, True, False]
    assert not checks.problems
    bool_array([True, None, 2], "holdout", checks)
    assert _messages(checks) == [
        "holdout[1]: must be true or false (got None)",
        "holdout[2]: must be true or false (got 2)",
    ]


def test_money_columns_refuse_floats_and_mixed_currencies() -> None:
    checks = Checks()
    tracker = CurrencyTracker(checks, None)
    amount_array([Money(1, "CNY"), Money(2, "USD"), 3.5], "amount", checks, tracker, minimum=0)
    assert _messages(checks) == [
        "amount[1]: currency USD differs from CNY (of amount[0])",
        "amount[2]: floats are refused for money; pass integer minor units or Money",
    ]


@given(st.lists(st.integers(-(2**63) + 1, 2**63 - 1), max_size=40))
def test_exact_sums_match_python_integers(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    assert exact_sum(array) == sum(values)
    assert exact_sum_of_squares(array) == sum(v * v for v in values)


def test_sum_of_squares_of_many_orders_does_not_overflow() -> None:
    array = np.full(200_000, 9_999_999, dtype=np.int64)
    assert exact_sum_of_squares(array) == 200_000 * 9_999_999**2
