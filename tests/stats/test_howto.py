"""The examples of docs/how-to/is-my-campaign-working.md run and print what the page shows."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from promocore import stats

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "is-my-campaign-working.md"


def _export() -> dict[str, Any]:
    """The seeded stand-in for a warehouse export used by the page."""
    rng = np.random.default_rng(7)
    n_a, n_b = 24890, 25110
    pre_a = rng.gamma(0.6, 90, n_a)
    pre_b = rng.gamma(0.6, 90, n_b)
    base_a = 0.7 * pre_a + rng.gamma(0.5, 40, n_a)
    revenue_a = base_a + (rng.random(n_a) < 0.002) * rng.pareto(1.2, n_a) * 800
    base_b = 0.7 * pre_b + rng.gamma(0.5, 40, n_b) + 3.0
    revenue_b = base_b + (rng.random(n_b) < 0.002) * rng.pareto(1.2, n_b) * 800
    return {
        "stats": stats,
        "revenue_a": revenue_a.round(2),
        "revenue_b": revenue_b.round(2),
        "pre_a": pre_a.round(2),
        "pre_b": pre_b.round(2),
    }


def _examples(page: str) -> str:
    """The ``python`` code blocks of a Markdown page, as one doctest text."""
    blocks = re.findall(r"^```python\n(.*?)^```", page, flags=re.M | re.S)
    return "\n".join(blocks)


@pytest.mark.skipif(not PAGE.exists(), reason="docs are not in this checkout")
def test_how_to_examples() -> None:
    text = _examples(PAGE.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(text, _export(), PAGE.name, str(PAGE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 20
    assert result.failed == 0
