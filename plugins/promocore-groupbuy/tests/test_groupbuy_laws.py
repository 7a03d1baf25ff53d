"""The group-buy mechanic obeys the conformance laws every mechanic must obey."""

from __future__ import annotations

from promocore.testing import check_mechanic


def test_group_buy_obeys_the_mechanic_laws() -> None:
    report = check_mechanic("group_buy", max_examples=40)
    assert "payable_never_negative" in report.laws
    assert "config_round_trip" in report.laws
