from __future__ import annotations

import time

import pytest
from hypothesis import settings

from promocore.testing import LawViolation, MechanicLawError, check_law, check_mechanic
from promocore.testing.laws import DETERMINISTIC, EXPLAINS_ITSELF, PAYABLE_NEVER_NEGATIVE
from tests.testing.broken_mechanics import FlatOffEveryLine, Moody, SilentDecline

QUICK = settings(database=None, max_examples=200)


def test_a_mechanic_that_can_go_negative_is_caught_with_a_minimal_example() -> None:
    started = time.monotonic()
    with pytest.raises(MechanicLawError) as caught:
        check_mechanic(FlatOffEveryLine(), laws=["payable_never_negative"], settings=QUICK)
    [violation] = caught.value.violations
    assert violation.law == "payable_never_negative"
    assert violation.mechanic == "flat_off_every_line"
    sample = violation.sample
    context = sample.context
    assert context is not None
    # shrunk: one line, one unit, a payable below the flat amount (a few minor units at most)
    assert len(sample.cart.lines) == 1
    assert sample.cart.lines[0].quantity == 1
    [view] = context.lines
    assert view.payable < sample.campaign.params.amount_off
    assert view.payable.amount <= 10
    assert "exceeds the payable" in violation.detail
    assert "flat_off_every_line breaks payable_never_negative" in str(caught.value)
    assert time.monotonic() - started < 120


def test_the_report_describes_the_example() -> None:
    with pytest.raises(LawViolation) as caught:
        check_law(FlatOffEveryLine(), PAYABLE_NEVER_NEGATIVE, settings=QUICK)
    text = str(caught.value)
    assert "campaign: {" in text
    assert "cart (" in text
    assert "context (item stage" in text


def test_a_decline_without_a_reason_code_or_message_is_caught() -> None:
    with pytest.raises(LawViolation, match="snake_case code"):
        check_law(SilentDecline(), EXPLAINS_ITSELF, settings=QUICK)


def test_a_mechanic_that_answers_differently_is_caught() -> None:
    with pytest.raises(LawViolation, match="different answers"):
        check_law(Moody(), DETERMINISTIC, settings=QUICK)


def test_a_lawful_mechanic_passes_the_same_checks() -> None:
    report = check_mechanic("price_off", laws=["payable_never_negative"], settings=QUICK)
    assert report.laws == ("payable_never_negative",)
