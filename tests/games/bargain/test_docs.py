"""The how-to's code runs as written, block after block."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

HOW_TO = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "bargain.md"


def test_the_how_to_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", HOW_TO.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(HOW_TO), "exec"), namespace)
    printed = out.getvalue()
    assert "bo ¥31.72 ¥34.73" in printed
    assert "fu ¥0.11 ¥9.90" in printed
    assert "'cy' already helped 1 session(s); the activity allows 1" in printed
