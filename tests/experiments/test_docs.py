"""The docstring examples of promocore.experiments run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import promocore.experiments
from promocore.config import load_experiments

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(promocore.experiments.__path__, "promocore.experiments.")
)


@pytest.mark.parametrize("name", ["promocore.experiments", *MODULES])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_public_names_are_documented() -> None:
    for name in promocore.experiments.__all__:
        obj = getattr(promocore.experiments, name)
        assert obj.__doc__ and obj.__doc__.strip(), name


PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "experiments.md"


def test_reference_page_examples_run(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", page, flags=re.M | re.S)
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, PAGE.name, str(PAGE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    (toml,) = re.findall(r"^```toml\n(.*?)^```", page, flags=re.M | re.S)
    path = tmp_path / "campaigns.toml"
    path.write_text(toml, encoding="utf-8")
    registry = load_experiments(path)
    assert registry.experiment("manjian-d11").holdout is registry.holdout("global-2026")
