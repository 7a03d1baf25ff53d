"""The examples of docs/concepts/pricing.md run."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "concepts" / "pricing.md"


def test_the_pricing_page_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), {})
