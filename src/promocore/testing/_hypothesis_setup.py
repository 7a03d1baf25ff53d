"""Registers promocore's strategies with hypothesis, through hypothesis' entry point.

Hypothesis calls
[`_hypothesis_setup_hook`][promocore.testing._hypothesis_setup._hypothesis_setup_hook] when it is
imported, so ``st.from_type(Money)`` and ``st.from_type(Cart)`` work without importing
[`promocore.testing.strategies`][promocore.testing.strategies]. Nothing here imports hypothesis or
the strategies at module level: the strategies are built on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: promocore types and the strategy (in promocore.testing.strategies) that draws them.
_TYPES: tuple[tuple[str, str, str], ...] = (
    ("promocore.money", "Money", "money"),
    ("promocore.cart", "Customer", "customers"),
    ("promocore.cart", "LineItem", "line_items"),
    ("promocore.cart", "Cart", "carts"),
    ("promocore.campaign", "Schedule", "schedules"),
    ("promocore.campaign", "Audience", "audiences"),
    ("promocore.campaign", "Scope", "scopes"),
    ("promocore.campaign", "Budget", "budgets"),
    ("promocore.campaign", "Limits", "limits"),
    ("promocore.campaign", "Campaign", "campaigns"),
)


def _lazy(strategy: str) -> Callable[[type[Any]], Any]:
    def build(_: type[Any]) -> Any:
        module = importlib.import_module("promocore.testing.strategies")
        return getattr(module, strategy)()

    return build


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each main promocore type; do nothing if imports fail."""
    try:
        from hypothesis import strategies as st

        types = [
            (getattr(importlib.import_module(module), name), strategy)
            for module, name, strategy in _TYPES
        ]
    except ImportError:
        return
    for cls, strategy in types:
        st.register_type_strategy(cls, _lazy(strategy))
