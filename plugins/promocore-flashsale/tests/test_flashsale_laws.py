"""The flash-sale mechanic obeys the conformance laws every mechanic must obey."""

from __future__ import annotations

from promocore.testing import check_mechanic


def test_flash_sale_obeys_the_mechanic_laws() -> None:
    report = check_mechanic("flash_sale", max_examples=40)
    assert "respects_unit_limit" in report.laws
    assert "no_effect_outside_scope_audience_schedule" in report.laws
