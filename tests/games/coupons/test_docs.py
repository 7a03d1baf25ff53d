"""The new-customer journey how-to runs, and prints the output it shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

HOWTO = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "new-customer-journey.md"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.skipif(not HOWTO.exists(), reason="docs are not part of this checkout")
def test_the_journey_prints_the_output_it_shows() -> None:
    text = HOWTO.read_text("utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile("\n".join(_blocks(text, "python")), str(HOWTO), "exec"), {"__name__": "howto"})
    assert out.getvalue() == _blocks(text, "text")[-1]
