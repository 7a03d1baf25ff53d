"""Every limit is on the loader's reference page with the problem it gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import promocore.limits as limits
from promocore.config import campaigns_from_dicts, load_cart
from promocore.errors import ConfigError, LimitExceededError

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "config.md"
NAMES = [name for name in limits.__all__ if name.startswith("MAX_")]


def _rows() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `(MAX_\w+)` \|(.*)$", text, re.M))


@pytest.mark.parametrize("name", NAMES)
def test_each_limit_is_on_the_reference_page(name: str) -> None:
    rows = _rows()
    assert name in rows, f"{name} is missing from {PAGE.name}"
    assert f"promocore.limits.{name}" in rows[name] or "(...)" in rows[name]


def test_the_page_lists_no_limit_that_does_not_exist() -> None:
    assert set(_rows()) == set(NAMES)


def test_too_many_campaigns_are_refused_before_any_is_read() -> None:
    with pytest.raises(LimitExceededError) as info:
        campaigns_from_dicts([{}] * (limits.MAX_CAMPAIGNS + 1))
    expected = "campaigns: at most 10000 campaigns (promocore.limits.MAX_CAMPAIGNS), got 10001"
    assert str(info.value) == expected
    assert expected in PAGE.read_text(encoding="utf-8")


def test_the_documented_messages_are_the_ones_given(tmp_path: Path) -> None:
    cart = tmp_path / "cart.json"
    lines = ", ".join(f'{{"sku": "S{i}", "unit_price": "1"}}' for i in range(1001))
    cart.write_text(f'{{"currency": "CNY", "lines": [{lines}]}}', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_cart(cart)
    message = str(info.value.problems[0])
    assert message == "lines: at most 1000 lines (promocore.limits.MAX_LINES), got 1001"
    assert message in PAGE.read_text(encoding="utf-8")
