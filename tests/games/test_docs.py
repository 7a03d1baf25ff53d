"""The returns how-to runs as written and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

HOW_TO = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "returns.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_the_returns_how_to_prints_what_the_page_shows() -> None:
    found = [(m.group(1), m.group(2)) for m in FENCE.finditer(HOW_TO.read_text(encoding="utf-8"))]
    namespace: dict[str, Any] = {"__name__": "returns_how_to"}
    checked = 0
    for (lang, body), following in zip(found, [*found[1:], ("", "")], strict=True):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(body, str(HOW_TO), "exec"), namespace)
        if following[0] == "text":
            assert out.getvalue() == following[1]
            checked += 1
    assert checked == 4
