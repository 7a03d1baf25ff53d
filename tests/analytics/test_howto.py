"""The campaign review how-to runs, and prints the report it shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

HOWTO = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "campaign-review.md"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def run_howto() -> str:
    text = HOWTO.read_text("utf-8")
    source = "\n".join(_blocks(text, "python"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(HOWTO), "exec"), {"__name__": "howto"})
    return out.getvalue()


@pytest.mark.skipif(not HOWTO.exists(), reason="docs are not part of this checkout")
def test_howto_prints_the_report_it_shows() -> None:
    shown = _blocks(HOWTO.read_text("utf-8"), "text")[-1]
    assert run_howto() == shown
