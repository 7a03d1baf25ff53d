"""The bargain mechanic obeys the conformance laws every mechanic must obey."""

from __future__ import annotations

from promocore.testing.check import check_mechanic


def test_bargain_obeys_the_mechanic_laws() -> None:
    report = check_mechanic("bargain", max_examples=10)
    assert "deterministic" in report.laws
    assert "within_base" in report.laws
