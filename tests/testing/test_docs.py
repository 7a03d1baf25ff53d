"""The property-testing how-to runs as written, block after block."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

HOW_TO = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "property-testing.md"
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "testing.md"


def test_the_how_to_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", HOW_TO.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "how_to"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(HOW_TO), "exec", dont_inherit=True), namespace)
    printed = out.getvalue()
    assert "'payable_never_negative'" in printed
    assert "'within_base'" in printed
    assert "exceeds" in printed
    assert "('at_most_half', 'monotone_in_cart_value')" in printed


def test_the_reference_documents_every_strategy() -> None:
    from promocore.testing import strategies

    text = REFERENCE.read_text(encoding="utf-8")
    for name in strategies.__all__:
        assert f"::: promocore.testing.strategies.{name}\n" in text, name
