"""The testing reference page documents every strategy.

The property-testing how-to runs, with its outputs checked, in tests/docs/test_snippets.py.
"""

from __future__ import annotations

from tests.docs.snippets import ROOT

REFERENCE = ROOT / "docs" / "reference" / "testing.md"


def test_the_reference_documents_every_strategy() -> None:
    from promocore.testing import strategies

    text = REFERENCE.read_text(encoding="utf-8")
    for name in strategies.__all__:
        assert f"::: promocore.testing.strategies.{name}\n" in text, name
