"""The presale mechanic obeys the conformance laws every mechanic must obey."""

from __future__ import annotations

import pytest

laws = pytest.importorskip("promocore.testing.laws")
check = pytest.importorskip("promocore.testing.check")


def test_presale_obeys_the_mechanic_laws() -> None:
    # A presale refuses a spend budget (its deduction is a term every order was
    # promised), so the budget law, which prices the campaign with one, does not apply.
    chosen = [law for law in laws.STANDARD_LAWS if law.name != "respects_budget"]
    report = check.check_mechanic("presale", laws=chosen, max_examples=25)
    assert "within_base" in report.laws
    assert "config_round_trip" in report.laws
