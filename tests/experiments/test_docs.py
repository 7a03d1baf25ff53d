"""The docstring examples of promocore.experiments run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import promocore.experiments

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
