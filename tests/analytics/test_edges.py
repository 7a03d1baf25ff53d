"""Empty inputs and the examples in the module docstrings."""

import doctest
import importlib

import pytest

from promocore.analytics import (
    coupon_metrics,
    funnel_from_events,
    referral_generations,
)

MODULES = [
    "acquisition",
    "break_even",
    "budget_burn",
    "clv",
    "coupons",
    "estimates",
    "fission",
    "funnel",
    "goals",
    "incremental",
    "order_value",
    "reach",
    "records",
    "reduce",
    "repurchase",
    "retention",
    "rfm",
    "roi",
    "synthetic",
    "tiers",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"promocore.analytics.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_empty_event_log() -> None:
    result = funnel_from_events([], [], segments=[])
    assert result.overall.counts == (0, 0, 0, 0, 0)
    assert result.segments == ()


def test_empty_referral_tree() -> None:
    report = referral_generations([], [])
    assert report.generations == ()
    assert report.seeds == 0 and report.k_factor() is None and report.amplification is None


def test_empty_coupons_by_segment() -> None:
    result = coupon_metrics([], [], segments=[])
    assert result.overall.offered == 0 and result.segments == ()
