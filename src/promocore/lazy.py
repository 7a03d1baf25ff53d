"""Lazy re-exports for package ``__init__`` modules (promocore's and plugins'): load on first use.

A package lists the names it re-exports and where each lives, then installs the two module
hooks ``__getattr__`` and ``__dir__``:

    _EXPORTS = {"Runner": "promocore.games.runtime"}
    __all__ = sorted(_EXPORTS)
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

Importing the package then costs nothing until a name is used, so importing one light module
of it (a game's pricing mechanic) does not load its heavy ones (a service and its store).
Type checkers see the names through ``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], *, extra: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return the ``__getattr__`` and ``__dir__`` hooks of ``package`` re-exporting ``exports``.

    Args:
        package: The package's ``__name__``.
        exports: Each re-exported name and the module it is imported from.
        extra: More names ``__dir__`` lists: attributes the package computes itself on
            first use (promocore's ``__version__``).
    """

    def getattr_(name: str) -> Any:
        source = exports.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        setattr(sys.modules[package], name, value)
        return value

    def dir_() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports, *extra})

    return getattr_, dir_
