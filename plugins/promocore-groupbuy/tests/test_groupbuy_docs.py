"""The plugin how-to of the promocore repository runs as written, block after block."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

HOW_TO = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "writing-a-plugin.md"


@pytest.mark.skipif(not HOW_TO.is_file(), reason="outside the promocore repository")
def test_the_plugin_how_to_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", HOW_TO.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "how_to"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(HOW_TO), "exec", dont_inherit=True), namespace)
    printed = out.getvalue().splitlines()
    assert printed[:3] == ["2", "¥49.00", "¥118.00"]
    assert "full 1" in printed
    assert "expired ¥39.80" in printed
    assert "bo is in open team t-9 of this activity" in printed
    assert "t-9 full" in printed
    assert "respects_unit_limit" in printed[-1]
