"""The presale how-to runs as written and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from promocore.config import campaigns_from_dicts
from promocore.errors import ValidationError
from promocore.games.presale import PresaleParams

HOW_TO = Path(__file__).parents[3] / "docs" / "how-to" / "presale.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(HOW_TO.read_text(encoding="utf-8"))]


def test_the_campaign_file_loads() -> None:
    toml = next(body for lang, body in blocks() if lang == "toml")
    (campaign,) = campaigns_from_dicts(tomllib.loads(toml)["campaigns"])
    assert isinstance(campaign.params, PresaleParams)
    assert campaign.params.deduction.format() == "150.00"


def test_the_legal_cap_error_reads_as_documented() -> None:
    found = blocks()
    toml = next(body for lang, body in found if lang == "toml")
    documented = next(body for lang, body in found if lang == "text" and "art. 586" in body)
    raw = tomllib.loads(toml)["campaigns"]
    raw[0]["params"].update(deposit="250.00", deduction="300.00")
    with pytest.raises(ValidationError) as caught:
        campaigns_from_dicts(raw)
    assert str(caught.value) == " ".join(documented.split("\n")).strip()


def test_the_examples_print_what_the_page_shows() -> None:
    namespace: dict[str, Any] = {"__name__": "presale_how_to"}
    found = blocks()
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
