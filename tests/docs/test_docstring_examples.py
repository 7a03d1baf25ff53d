"""Every ``Examples:`` block in the package's docstrings runs as written."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import promocore
from tests.docs.snippets import ROOT

PACKAGE = Path(promocore.__file__).parent


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>> " not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules_with_examples()


def test_the_examples_are_found() -> None:
    assert {"promocore.ledger", "promocore.stats", "promocore.analytics.roi"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name} mentions >>> but has no docstring example"
    assert result.failed == 0


def test_example_sections_are_called_examples() -> None:
    """Griffe reads 'Example:' as an admonition, whose >>> lines render as nested quotes."""
    roots = [PACKAGE, *(ROOT / "plugins").glob("*/src")]
    wrong = [
        f"{path}:{number}"
        for root in roots
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() == "Example:"
    ]
    assert len(roots) == 3
    assert not wrong, f"write 'Examples:' (Google style) at {wrong}"
