from __future__ import annotations

import time

import pytest
from hypothesis import settings

from promocore.money import minor_units
from promocore.testing import (
    STANDARD_LAWS,
    LawViolation,
    MechanicLawError,
    check_law,
    check_mechanic,
)
from promocore.testing.laws import (
    ALLOCATIONS_SUM_EXACTLY,
    DETERMINISTIC,
    EXPLAINS_ITSELF,
    GRANTS_ARE_VALUED,
    PAYABLE_NEVER_NEGATIVE,
    RESPECTS_BUDGET,
)
from promocore.testing.probe_laws import (
    BOUND_COVERS_GRANT,
    HINTS_ARE_EXACT,
    KEEPS_NO_STATE,
    MATCHES_REFERENCE,
)
from tests.testing.broken_mechanics import (
    BoundTooLow,
    CashBack,
    FlatOffEveryLine,
    Moody,
    PercentEachLine,
    SilentDecline,
    ThresholdOffByOne,
    WelcomeOnce,
)

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


def test_state_kept_across_calls_is_a_violation_not_a_flaky_error() -> None:
    # hypothesis cannot replay the example (the mechanic remembers it), yet every law runs
    # and the broken ones are reported as violations
    with pytest.raises(MechanicLawError) as caught:
        check_mechanic(WelcomeOnce(), settings=QUICK)
    broken = {v.law for v in caught.value.violations}
    assert {"deterministic", "keeps_no_state"} <= broken
    assert "state kept across calls" in str(caught.value)


def test_keeps_no_state_catches_a_mechanic_that_remembers_what_it_saw() -> None:
    with pytest.raises(LawViolation, match="state kept across calls") as caught:
        check_law(WelcomeOnce(), KEEPS_NO_STATE, settings=QUICK)
    assert caught.value.law == "keeps_no_state"


def test_a_mechanic_whose_own_rounding_creates_a_minor_unit_is_caught_by_its_reference() -> None:
    # the quote adds up (its lines and its total come from the same discounts) ...
    check_law(PercentEachLine(), ALLOCATIONS_SUM_EXACTLY, settings=QUICK)
    # ... but 15% of the order, worked out once, is a minor unit less than the lines' shares
    with pytest.raises(LawViolation, match="the reference works out") as caught:
        check_law(PercentEachLine(), MATCHES_REFERENCE, settings=QUICK)
    sample = caught.value.sample
    assert sample.context is not None
    assert 2 <= len(sample.context.lines) <= 3


@pytest.mark.parametrize("mechanic", ["price_off", "tiered_discount"])
def test_the_probing_laws_pass_lawful_mechanics(mechanic: str) -> None:
    laws = [MATCHES_REFERENCE, HINTS_ARE_EXACT, BOUND_COVERS_GRANT, KEEPS_NO_STATE]
    report = check_mechanic(mechanic, laws=laws, settings=QUICK)
    assert report.laws == tuple(law.name for law in laws)


@pytest.mark.parametrize("exponent", [0, 2, 3])
def test_a_threshold_off_by_one_minor_unit_in_one_currency_exponent_is_caught(
    exponent: int,
) -> None:
    with pytest.raises(LawViolation, match="still declines") as caught:
        check_law(ThresholdOffByOne(wrong_exponent=exponent), HINTS_ARE_EXACT, settings=QUICK)
    # only currencies of that exponent are wrong, and the shrunk example is in one
    assert minor_units(caught.value.sample.campaign.currency) == exponent


def test_the_threshold_probes_pass_a_threshold_right_in_every_currency() -> None:
    check_law(ThresholdOffByOne(wrong_exponent=-1), HINTS_ARE_EXACT, settings=QUICK)


def test_a_bound_below_what_the_mechanic_grants_is_caught() -> None:
    with pytest.raises(LawViolation, match="is below the") as caught:
        check_law(BoundTooLow(), BOUND_COVERS_GRANT, settings=QUICK)
    sample = caught.value.sample
    assert sample.context is not None
    assert sample.context.units == 2  # shrunk to the fewest units a bound of 1 is wrong for


def test_the_standard_laws_have_unique_names() -> None:
    names = [law.name for law in STANDARD_LAWS]
    assert len(names) == len(set(names))


def test_cash_back_that_declares_no_value_is_caught() -> None:
    # without a value the budget cannot count the money: respects_budget sees nothing granted
    uncounted = CashBack(name="cash_back_uncounted", declares_value=False)
    check_law(uncounted, RESPECTS_BUDGET, settings=QUICK)
    with pytest.raises(LawViolation, match="declares no value, so no budget counts it"):
        check_law(uncounted, GRANTS_ARE_VALUED, settings=QUICK)


def test_cash_back_with_its_value_is_kept_within_the_budget() -> None:
    report = check_mechanic(
        CashBack(),
        laws=[RESPECTS_BUDGET, GRANTS_ARE_VALUED, ALLOCATIONS_SUM_EXACTLY],
        settings=QUICK,
    )
    assert len(report.laws) == 3
