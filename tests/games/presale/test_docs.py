"""The presale how-to's campaign file loads, and its legal-cap error reads as documented.

The page's Python runs, with its outputs checked, in tests/docs/test_snippets.py.
"""

from __future__ import annotations

import tomllib

import pytest

from promocore.config import campaigns_from_dicts
from promocore.errors import ValidationError
from promocore.games.presale import PresaleParams
from tests.docs.snippets import ROOT, Block, blocks

HOW_TO = ROOT / "docs" / "how-to" / "presale.md"


def _found() -> list[Block]:
    return blocks(HOW_TO)


def test_the_campaign_file_loads() -> None:
    toml = next(b.body for b in _found() if b.lang == "toml")
    (campaign,) = campaigns_from_dicts(tomllib.loads(toml)["campaigns"])
    assert isinstance(campaign.params, PresaleParams)
    assert campaign.params.deduction.format() == "150.00"


def test_the_legal_cap_error_reads_as_documented() -> None:
    found = _found()
    toml = next(b.body for b in found if b.lang == "toml")
    documented = next(b.body for b in found if b.lang == "text" and "art. 586" in b.body)
    raw = tomllib.loads(toml)["campaigns"]
    raw[0]["params"].update(deposit="250.00", deduction="300.00")
    with pytest.raises(ValidationError) as caught:
        campaigns_from_dicts(raw)
    assert str(caught.value) == " ".join(documented.split("\n")).strip()
